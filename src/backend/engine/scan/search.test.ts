/**
 * Literal searches split across threads return the sequential scan's records: through the store
 * (the other part scanned in this thread, as where workers cannot run) and through the worker's
 * own collection of record bytes, run here. Gzip siblings go to the worker whole.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { emptyStats, type FileSpan, type LogRecord, type LogStore, type ScanPart } from '../model';
import { runQuery, type QueryRequest } from '../query';
import type { FileLogStore } from '../store';
import { splitAndSequentialStores } from '../testing/splitStores';
import { ScanBudget } from './budget';
import { partScanner } from './parts';
import { LocalScans, searchedRecords, searchPart } from './search';

const T0 = Date.UTC(2026, 10, 19, 0, 0, 0);
const HOUR = 3_600_000;
const NEEDLE = 'trace-7f3a';

/**
 * Lines over 12 hours from `from`; every 7th mentions the needle, some of them untimed, malformed
 * or invalid UTF-8.
 */
function generate(from = T0, count = 3000): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = from + Math.floor((i / count) * 12 * HOUR) - (i % 13 === 0 ? 20_000 : 0);
    const trace = i % 7 === 0 ? NEEDLE : `other-${i}`;
    const timestamp = i % 50 === 0 ? '' : `"timestamp":"${new Date(at).toISOString()}",`;
    parts.push(Buffer.from(`{${timestamp}"level":"INFO","trace_id":"${trace}","message":"step ${i}"}\n`));
    if (i % 97 === 0) {
      parts.push(Buffer.from(`not json but ${NEEDLE} anyway\n`));
    }
    if (i % 301 === 0) {
      parts.push(
        Buffer.concat([
          Buffer.from(`{"trace_id":"${NEEDLE}","message":"`),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}\n'),
        ])
      );
    }
  }
  return Buffer.concat(parts);
}

/** A Python text log over the same hours: stack traces, some mentioning the needle on a continuation line. */
function generateText(from = T0, count = 2000): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(from + Math.floor((i / count) * 12 * HOUR));
    const stamp = at.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    lines.push(`${stamp} - kamiwaza.api - ${i % 5 === 0 ? 'ERROR' : 'INFO'} - step ${i}`);
    if (i % 5 === 0) {
      lines.push('Traceback (most recent call last):', `  File "x.py", line ${i}, in f`);
      lines.push(i % 3 === 0 ? `KeyError: '${NEEDLE}'` : 'KeyError: other');
    }
  }
  return lines.join('\n') + '\n';
}

let dir: string;
let split: FileLogStore;
let sequential: LogStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-search-'));
  writeFileSync(join(dir, 'application.jsonl'), generate());
  writeFileSync(join(dir, 'application.log'), generateText());
  // Rotated siblings, the 12 hours before: whole gzip files, which searches give the worker.
  writeFileSync(join(dir, 'application.jsonl.1.gz'), gzipSync(generate(T0 - 12 * HOUR, 600)));
  writeFileSync(join(dir, 'application.log.1.gz'), gzipSync(generateText(T0 - 12 * HOUR, 400)));
  ({ split, sequential } = splitAndSequentialStores(dir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outcome(store: LogStore, req: QueryRequest) {
  const { stats, ...result } = await runQuery(store, req);
  const { malformedLines, invalidUtf8Lines, linesReturned, filesRead } = stats;
  return { result, counts: { malformedLines, invalidUtf8Lines, linesReturned, filesRead } };
}

const query = `{source="application"} |= "${NEEDLE}"`;
const everyFile = `{source=~".+"} |= "${NEEDLE}"`;
const CASES: Array<[string, QueryRequest]> = [
  ['backward, all', { query, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 5000 }],
  ['backward, JSON and multi-line text', { query: everyFile, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 5000 }],
  [
    'backward, with the gzip siblings',
    { query: everyFile, startMs: T0 - 13 * HOUR, endMs: T0 + 13 * HOUR, limit: 5000 },
  ],
  [
    'forward, with the gzip siblings',
    { query: everyFile, startMs: T0 - 13 * HOUR, endMs: T0 + 13 * HOUR, limit: 5000, direction: 'forward' },
  ],
  [
    'forward, JSON and multi-line text, range mid-file',
    { query: everyFile, startMs: T0 + 3 * HOUR, endMs: T0 + 9 * HOUR, limit: 5000, direction: 'forward' },
  ],
  ['forward, all', { query, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 5000, direction: 'forward' }],
  ['backward, range ending mid-file', { query, startMs: T0 - HOUR, endMs: T0 + 5 * HOUR, limit: 5000 }],
  [
    'forward, range starting mid-file',
    { query, startMs: T0 + 7 * HOUR, endMs: T0 + 13 * HOUR, limit: 5000, direction: 'forward' },
  ],
];

describe('split literal searches', () => {
  it.each(CASES)('give the sequential records: %s', async (_, req) => {
    const expected = await outcome(sequential, req);
    expect(expected.counts.linesReturned).toBeGreaterThan(0);
    expect(await outcome(split, req)).toEqual(expected);
  });

  it('give the sequential records when the limit ends the search early', async () => {
    // Lines counted as damaged depend on how far each scan read before it was stopped.
    const req: QueryRequest = { query, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 50 };
    const entries = async (store: LogStore) => {
      const { result } = await outcome(store, req);
      return result.resultType === 'streams' ? result.streams : [];
    };
    const expected = await entries(sequential);
    expect(expected.length).toBeGreaterThan(0);
    expect(await entries(split)).toEqual(expected);
  });

  it('stop reading ahead, without a notice, when the limit ends the search', async () => {
    const ahead = mkdtempSync(join(tmpdir(), 'kw-search-ahead-'));
    try {
      // The JSON log's newest hour mentions the needle on every line: it meets a limit of 10. The
      // 33 MB text log, six hours older, only on its last line: its scan hands that line out at
      // once, is asked ahead, and would then read on to the file's start for nothing.
      const json = Array.from({ length: 2000 }, (_, i) =>
        JSON.stringify({ timestamp: new Date(T0 + 11 * HOUR + i * 1000).toISOString(), trace_id: NEEDLE })
      );
      writeFileSync(join(ahead, 'application.jsonl'), json.join('\n') + '\n');
      const count = 500_000;
      const text = Array.from({ length: count }, (_, i) => {
        const at = new Date(T0 + Math.floor((i / count) * 6 * HOUR)).toISOString().replace('T', ' ').replace('Z', '');
        return `${at.replace('.', ',')} - kamiwaza.api - INFO - step ${i}${i === count - 1 ? ` ${NEEDLE}` : ''} ......`;
      });
      const textBytes = Buffer.byteLength(text.join('\n') + '\n');
      writeFileSync(join(ahead, 'application.log'), text.join('\n') + '\n');
      expect(textBytes).toBeGreaterThan(32e6);
      const stores = splitAndSequentialStores(ahead);
      const req: QueryRequest = { query: everyFile, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 10 };
      for (const store of [stores.split, stores.sequential]) {
        const { stats, notices, ...result } = await runQuery(store, req);
        expect(result.resultType === 'streams' && result.streams.flatMap((s) => s.entries)).toHaveLength(10);
        expect(notices).toEqual([]);
        expect(stats.bytesScanned).toBeLessThan(textBytes / 2);
      }
    } finally {
      rmSync(ahead, { recursive: true, force: true });
    }
  });

  it.each([
    ['JSON', 'application'],
    ['multi-line text', 'application-text'],
  ])('rebuild the records a part scan returns from the bytes a worker collects: %s', async (_, source) => {
    const request = {
      matchers: [{ name: 'source', op: '=' as const, value: source }],
      fromMs: T0 + HOUR, // the live file only (a split scan is of one file)
      toMs: T0 + 13 * HOUR,
      direction: 'forward' as const,
      mustContain: [NEEDLE],
    };
    const forward = await split.splitScan(request, emptyStats(), 2);
    expect(forward).toHaveLength(2);
    const backward = forward!.map((part) => ({ ...part, direction: 'backward' as const }));
    const view = (r: LogRecord) => [r.id, r.ts, r.line, r.stream, r.metadata];
    for (const part of [...forward!, ...backward]) {
      const direct: LogRecord[] = [];
      const stats = emptyStats();
      for await (const batch of partScanner(part, new ScanBudget(stats)).records()) {
        direct.push(...batch);
      }
      const searched = await searchPart({ part });
      if (searched.kind !== 'done') {
        throw new Error(`part search ended with ${searched.kind}`);
      }
      expect(searchedRecords(part, searched).map(view)).toEqual(direct.map(view));
      expect(searched.stats.invalidUtf8Lines).toBe(stats.invalidUtf8Lines);
      expect(searched.stats.malformedLines).toBe(stats.malformedLines);
    }
  });

  it.each([
    ['JSON', 'application.jsonl.1.gz', 'json', 'forward'],
    ['JSON', 'application.jsonl.1.gz', 'json', 'backward'],
    ['multi-line text', 'application.log.1.gz', 'text', 'forward'],
    ['multi-line text', 'application.log.1.gz', 'text', 'backward'],
  ] as const)(
    'rebuild the records of a whole gzip file a worker searches, and its span: %s, %s, %s',
    async (_, file, format, direction) => {
      const path = join(dir, file);
      const part: ScanPart = {
        path,
        format,
        ctx: { source: 'application', filename: path, defaultService: 'kamiwaza', fileKey: path },
        direction,
        start: 0,
        end: statSync(path).size,
        holdTail: false,
        fromMs: T0 - 13 * HOUR,
        toMs: T0 + 13 * HOUR,
        literals: [Buffer.from(NEEDLE)],
        matchers: [],
        firstTs: T0 - 12 * HOUR,
        gzip: true,
        learnSpan: true,
      };
      const direct: LogRecord[] = [];
      let directSpan: FileSpan | undefined;
      const scanner = partScanner(part, new ScanBudget(emptyStats()), { onComplete: (span) => (directSpan = span) });
      for await (const batch of scanner.records()) {
        direct.push(...batch);
      }
      const searched = await searchPart({ part });
      if (searched.kind !== 'done') {
        throw new Error(`part search ended with ${searched.kind}`);
      }
      const records = searchedRecords(part, searched);
      const view = (r: LogRecord) => [r.id, r.ts, r.line, r.stream, r.metadata];
      expect(records.map(view)).toEqual(direct.map(view));
      expect(records.length).toBeGreaterThan(20);
      // In scan order: newest first for a backward search.
      const times = records.map((r) => r.ts);
      expect(times).toEqual([...times].sort((a, b) => (direction === 'backward' ? b - a : a - b)));
      expect(searched.span).toEqual(directSpan);
      expect(searched.span?.minTs).toBeGreaterThanOrEqual(T0 - 12 * HOUR - 20_000);
      expect(searched.span?.maxTs).toBeLessThan(T0);
    }
  );

  it('give a gzip file holding a frequent literal back to this thread, not a plain part of it', async () => {
    const frequent = mkdtempSync(join(tmpdir(), 'kw-search-frequent-'));
    try {
      // 4 000 lines of ~100 bytes, all holding the needle: 400 KB of records.
      const lines = Array.from({ length: 4000 }, (_, i) =>
        JSON.stringify({ timestamp: new Date(T0 + i * 1000).toISOString(), trace_id: NEEDLE, message: `step ${i}` })
      );
      const text = Buffer.from(lines.join('\n') + '\n');
      writeFileSync(join(frequent, 'app.jsonl'), text);
      writeFileSync(join(frequent, 'app.jsonl.1.gz'), gzipSync(text));
      const part = (file: string, gzip: boolean): ScanPart => ({
        path: join(frequent, file),
        format: 'json',
        ctx: { source: 'application', filename: file, defaultService: 'kamiwaza', fileKey: file },
        direction: 'backward',
        start: 0,
        end: statSync(join(frequent, file)).size,
        holdTail: false,
        fromMs: T0 - HOUR,
        toMs: T0 + 2 * HOUR,
        literals: [Buffer.from(NEEDLE)],
        matchers: [],
        firstTs: T0,
        gzip,
      });
      expect((await searchPart({ part: part('app.jsonl.1.gz', true) })).kind).toBe('overflow');
      const plain = await searchPart({ part: part('app.jsonl', false) });
      expect(plain.kind === 'done' && searchedRecords(part('app.jsonl', false), plain).length).toBe(4000);
    } finally {
      rmSync(frequent, { recursive: true, force: true });
    }
  });

  it('cut among lines longer than the first look for a timed line (64 KiB), as the sequential scan reads them', async () => {
    const long = mkdtempSync(join(tmpdir(), 'kw-search-long-'));
    try {
      // 200 JSON lines of 100–300 KB: a cut lands inside one and must find the next line start.
      const lines = Array.from({ length: 200 }, (_, i) => {
        const at = new Date(T0 + i * 60_000).toISOString();
        const padding = 'x'.repeat(100_000 + ((i * 7919) % 200_000));
        return JSON.stringify({ timestamp: at, trace_id: i % 9 === 0 ? NEEDLE : `t${i}`, message: padding });
      });
      writeFileSync(join(long, 'application.jsonl'), lines.join('\n') + '\n');
      const stores = splitAndSequentialStores(long);
      const request = {
        matchers: [{ name: 'source', op: '=' as const, value: 'application' }],
        fromMs: T0 - HOUR,
        toMs: T0 + 13 * HOUR,
        direction: 'forward' as const,
        mustContain: [NEEDLE],
      };
      const parts = await stores.split.splitScan(request, emptyStats(), 2);
      expect(parts).toHaveLength(2);
      expect(lines.join('\n').indexOf('{', parts![1].start - 1)).toBe(parts![1].start);
      const req: QueryRequest = { query, startMs: T0 - HOUR, endMs: T0 + 13 * HOUR, limit: 5000 };
      const expected = await outcome(stores.sequential, req);
      expect(expected.counts.linesReturned).toBe(23);
      expect(await outcome(stores.split, req)).toEqual(expected);
    } finally {
      rmSync(long, { recursive: true, force: true });
    }
  });
});

describe('LocalScans', () => {
  /** A scan that yields one batch once released. */
  function gated() {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* scan() {
      await gate;
      yield 'batch';
    }
    return { scan: scan(), release };
  }

  it('takes a part back when its scan is the last one reading in this thread to stop, whatever the search', async () => {
    let takeBacks = 0;
    const local = new LocalScans({
      result: () => Promise.resolve(undefined),
      takeBack: () => (takeBacks++, false),
      stop: () => {},
    });
    const other = new LocalScans({ result: () => Promise.resolve(undefined), takeBack: () => false, stop: () => {} });
    const a = gated();
    const b = gated();
    const trackedA = local.track(a.scan);
    const trackedB = other.track(b.scan); // another query's scan in this thread
    const firstA = trackedA.next();
    const firstB = trackedB.next();
    a.release();
    await firstA; // A waits at its batch for the merge; B still reads
    expect(takeBacks).toBe(0);
    b.release();
    await firstB; // both wait at their batches: nothing reads (the other search took nothing back)
    expect(takeBacks).toBe(0);
    const resumedA = trackedA.next(); // A reads on, to its end
    expect((await resumedA).done).toBe(true);
    expect(takeBacks).toBe(1);
    await trackedB.return(undefined); // closed by the merge: nothing more is taken back
    expect(takeBacks).toBe(1);
  });
});
