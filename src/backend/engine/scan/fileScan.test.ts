/**
 * A transient scan (index builds, metric queries) reads each chunk into the memory of the one
 * before: what it returns must not depend on it, nor on the checks that remember a buffer.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStats, type ScanPart } from '../model';
import { FORMATS } from '../readers/formats';
import { ScanBudget } from './budget';
import { CHUNK_BYTES } from './chunks';
import { FileScanner } from './fileScan';
import type { ListedRecords } from './listedReads';
import { partScanner } from './parts';

const T0 = Date.UTC(2026, 10, 19);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-filescan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Python text log of about 5 MiB: every seventh record has a traceback of a few KB. */
function pythonLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 24_000; i++) {
    const stamp = new Date(T0 + i * 1000).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    const failed = i % 7 === 0;
    lines.push(`${stamp} - kamiwaza.api - ${failed ? 'ERROR' : 'INFO'} - request ${i}`);
    if (failed) {
      lines.push('Traceback (most recent call last):');
      for (let f = 0; f < 20; f++) {
        lines.push(`  File "/opt/kamiwaza/handler_${f}.py", line ${f + 1}, in step_${i}`);
      }
      lines.push(`RuntimeError: request ${i}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

it('returns the same whole multi-line records when chunk memory is reused as when it is kept', async () => {
  const path = join(dir, 'application.log');
  writeFileSync(path, pythonLog());
  const size = statSync(path).size;
  expect(size).toBeGreaterThan(4 * CHUNK_BYTES);
  const part: ScanPart = {
    path,
    format: 'text',
    ctx: { source: 'application', filename: path, defaultService: 'kamiwaza', fileKey: path },
    direction: 'forward',
    start: 0,
    end: size,
    holdTail: false,
    fromMs: T0 - 1000,
    toMs: T0 + 86_400_000,
    literals: [],
    matchers: [],
    firstTs: T0,
  };
  // Each batch is read before the next is asked for: a transient scan's records are valid until then.
  const scan = async (transient: boolean) => {
    const seen: Array<[number, string]> = [];
    for await (const batch of partScanner(part, new ScanBudget(emptyStats()), { transient }).records()) {
      seen.push(...batch.map((r): [number, string] => [r.ts, r.line]));
    }
    return seen;
  };
  const kept = await scan(false);
  expect(kept).toHaveLength(24_000);
  const failures = kept.filter(([, line]) => line.includes('Traceback'));
  expect(failures).toHaveLength(Math.ceil(24_000 / 7));
  // Each record whole: its last line names its own request.
  expect(failures.filter(([, line]) => !line.endsWith(`RuntimeError: ${/request \d+/.exec(line)?.[0]}`))).toEqual([]);
  expect(await scan(true)).toEqual(kept);
});

it('reads listed records batch after batch into reused memory, each checked for one literal of a group', async () => {
  // 20 000 JSON lines of about 200 bytes; every other one listed (a level list), so that windows
  // join records and batches of windows follow one another in one reused buffer.
  const path = join(dir, 'application.jsonl');
  const lines = Array.from({ length: 20_000 }, (_, i) => {
    const word = i % 97 === 0 ? 'needle-a' : i % 89 === 0 ? 'needle-b' : 'hay';
    return JSON.stringify({
      timestamp: new Date(T0 + i * 1000).toISOString(),
      message: `request ${i} ${word}`,
      pad: 'p'.repeat(150),
    });
  });
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
  const starts: number[] = [];
  lines.reduce((at, line) => (starts.push(at), at + Buffer.byteLength(line) + 1), 0);
  const chosen = lines.map((_, i) => i).filter((i) => i % 2 === 0);
  const listed: ListedRecords = {
    offset: Float64Array.from(chosen, (i) => starts[i]),
    length: Uint32Array.from(chosen, (i) => Buffer.byteLength(lines[i])),
    time: Float64Array.from(chosen, (i) => T0 + i * 1000),
    cut: new Uint8Array(chosen.length),
  };
  const scan = async (transient: boolean) => {
    const plan = {
      path,
      gzip: false,
      format: FORMATS.json,
      ctx: { source: 'application', filename: path, defaultService: 'kamiwaza', fileKey: 'k' },
      start: 0,
      end: statSync(path).size,
      holdTail: false,
      direction: 'forward' as const,
      fromMs: T0 - 1000,
      toMs: T0 + 86_400_000,
      literals: [],
      literalGroups: [[Buffer.from('needle-a'), Buffer.from('needle-b')]],
      accept: () => true,
      firstTs: T0,
      listed,
      transient,
    };
    const seen: string[] = [];
    for await (const batch of new FileScanner(plan, new ScanBudget(emptyStats())).records()) {
      seen.push(...batch.map((r) => /request \d+/.exec(r.line)![0]));
    }
    return seen;
  };
  const expected = chosen.filter((i) => i % 97 === 0 || i % 89 === 0).map((i) => `request ${i}`);
  expect(expected.length).toBeGreaterThan(100);
  expect(await scan(false)).toEqual(expected);
  expect(await scan(true)).toEqual(expected);
});
