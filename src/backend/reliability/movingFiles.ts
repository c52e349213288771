/**
 * The model test of files that move under the engine (shared by `npm test` and `npm run soak`).
 *
 * A writer applies a random sequence of operations to one log source (JSON Lines or multi-line
 * text) in a temporary directory: append lines, append a partial line and complete it later,
 * append a stack trace's continuation lines in a later write, rotate by rename (the rotated file
 * gzipped or not), copytruncate, truncate, delete, recreate. A model records what was written. A
 * live tail follows all along (one poll after every operation, its clock driven by the test), and
 * queries run in between. Checks:
 * - a query returns exactly the complete records the files hold now: nothing lost, nothing twice,
 *   no partial line, time order; a multi-line record is one entry;
 * - the tail returns every record completed while it followed, once, in order, each whole (the
 *   stack trace whose continuation came in a later write too), none partial.
 *
 * Rules of the writer (what real loggers and logrotate do): rotation, truncation and deletion
 * happen between records, never in the middle of a line (a pending partial line is completed
 * first, and the tail polls before the file goes: what is truncated between two polls was never
 * there for a tail to see); a record gets continuation lines only until the writer moves on (a new record, a
 * rotation, or a pause long enough for the tail to release it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import fc from 'fast-check';

import { runQuery } from '../engine/query';
import { MULTILINE_HOLD_MS } from '../engine/scan/tail';
import { createFileLogStore } from '../engine/store';

export type Op =
  | { kind: 'append'; count: number; stack: boolean }
  | { kind: 'partial' }
  | { kind: 'complete' }
  | { kind: 'continue'; lines: number }
  | { kind: 'rotate'; gzip: boolean }
  | { kind: 'copytruncate' }
  | { kind: 'truncate' }
  | { kind: 'delete' }
  | { kind: 'recreate' }
  | { kind: 'query' }
  | { kind: 'wait' };

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 3 }),
      stack: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'partial' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'complete' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('continue' as const), lines: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rotate' as const), gzip: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'copytruncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'recreate' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'query' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) }
);

export type SourceKind = 'json' | 'text';

const BASE = Date.parse('2026-11-19T12:00:00Z');
const NAMES: Record<SourceKind, string> = { json: 'application.jsonl', text: 'kamiwazad.log' };

function header(kind: SourceKind, n: number): string {
  const ts = BASE + n * 1000;
  return kind === 'json'
    ? JSON.stringify({
        timestamp: new Date(ts).toISOString(),
        level: 'INFO',
        service: 'kamiwaza.api',
        message: `m${n}`,
      })
    : `${new Date(ts).toISOString().replace('T', ' ').replace('Z', '')} ERROR [core] m${n}`;
}

interface RotatedFile {
  records: string[];
  gzip: boolean;
}

/** What was written, as the files hold it now and as the tail must have seen it. */
class Model {
  /** Complete records of the live file; undefined when it does not exist. */
  live: string[] | undefined = undefined;
  /** A record whose first line is partly written: the whole text, and how much is on disk. */
  partial?: { text: string; written: number };
  /** .1, .2, ... (newest first). */
  rotated: RotatedFile[] = [];
  /** Every record completed in the live file, in order, as the tail must return it. */
  tail: string[] = [];
  /** The last record may still get continuation lines. */
  continuable = false;
  next = 0;
}

export interface RunOutcome {
  queries: number;
  records: number;
}

/** Runs one sequence; throws (with the step) when the engine disagrees with the model. */
export async function runSequence(kind: SourceKind, ops: Op[]): Promise<RunOutcome> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'moving-')));
  const live = path.join(dir, NAMES[kind]);
  const store = createFileLogStore({ roots: [dir] });
  let clock = BASE;
  const abort = new AbortController();
  const follower = store.follower({
    matchers: [{ name: 'source', op: '=~', value: '.+' }],
    signal: abort.signal,
    now: () => clock,
  });
  const model = new Model();
  const tailed: string[] = [];
  let queries = 0;
  const rotatedName = (i: number, gzip: boolean) => `${live}.${i}${gzip ? '.gz' : ''}`;

  const writeLive = (text: string) => {
    if (model.live === undefined) {
      model.live = [];
    }
    fs.appendFileSync(live, text);
  };
  const completePartial = () => {
    if (model.partial) {
      writeLive(model.partial.text.slice(model.partial.written) + '\n');
      model.live!.push(model.partial.text);
      model.tail.push(model.partial.text);
      model.partial = undefined;
      model.continuable = kind === 'text';
    }
  };
  const pollTail = async () => {
    tailed.push(...(await follower.poll()).map((r) => r.line));
  };
  /** Before rotating, truncating or deleting: the pending line is finished and the tail sees it. */
  const finishLine = async () => {
    if (model.partial) {
      completePartial();
      await pollTail();
    }
  };
  const shiftRotated = () => {
    for (let i = model.rotated.length; i >= 1; i--) {
      const file = model.rotated[i - 1];
      fs.renameSync(rotatedName(i, file.gzip), rotatedName(i + 1, file.gzip));
    }
  };
  const check = async (step: string) => {
    queries++;
    const expected = [...model.rotated]
      .reverse()
      .flatMap((f) => f.records)
      .concat(model.live ?? []);
    const result = await runQuery(store, {
      query: '{source=~".+"}',
      startMs: BASE - 3_600_000,
      endMs: BASE + 86_400_000,
      limit: 5000,
      direction: queries % 2 === 0 ? 'forward' : 'backward',
    });
    const got =
      result.resultType === 'streams'
        ? result.streams
            .flatMap((s) => s.entries)
            .sort((a, b) => a.ts - b.ts)
            .map((e) => e.line)
        : [];
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(`${step}: query returned\n${JSON.stringify(got)}\nexpected\n${JSON.stringify(expected)}`);
    }
  };

  try {
    await follower.start();
    for (const [i, op] of ops.entries()) {
      const step = `step ${i} ${JSON.stringify(op)} of ${JSON.stringify(ops)}`;
      switch (op.kind) {
        case 'append': {
          completePartial();
          for (let k = 0; k < op.count; k++) {
            const n = model.next++;
            const record =
              kind === 'text' && op.stack && k === op.count - 1
                ? [header(kind, n), 'Traceback (most recent call last):', `  File "core.py", line ${n}`].join('\n')
                : header(kind, n);
            writeLive(record + '\n');
            model.live!.push(record);
            model.tail.push(record);
          }
          model.continuable = kind === 'text';
          break;
        }
        case 'partial':
          if (!model.partial) {
            const text = header(kind, model.next++);
            model.partial = { text, written: Math.ceil(text.length / 2) };
            writeLive(text.slice(0, model.partial.written));
            model.continuable = false;
          }
          break;
        case 'complete':
          completePartial();
          break;
        case 'continue':
          if (model.continuable && !model.partial && model.live && model.live.length > 0) {
            const lines = Array.from({ length: op.lines }, (_, k) => `    at frame${k} (core.py:${k + 1})`);
            writeLive(lines.join('\n') + '\n');
            const last = model.live.length - 1;
            model.live[last] += '\n' + lines.join('\n');
            model.tail[model.tail.length - 1] += '\n' + lines.join('\n');
          }
          break;
        case 'rotate':
          await finishLine();
          if (model.live !== undefined) {
            shiftRotated();
            fs.renameSync(live, rotatedName(1, false));
            if (op.gzip) {
              fs.writeFileSync(rotatedName(1, true), zlib.gzipSync(fs.readFileSync(rotatedName(1, false))));
              fs.unlinkSync(rotatedName(1, false));
            }
            model.rotated.unshift({ records: model.live, gzip: op.gzip });
            fs.writeFileSync(live, '');
            model.live = [];
          }
          model.continuable = false;
          break;
        case 'copytruncate':
          await finishLine();
          if (model.live !== undefined) {
            shiftRotated();
            fs.copyFileSync(live, rotatedName(1, false));
            fs.truncateSync(live, 0);
            model.rotated.unshift({ records: model.live, gzip: false });
            model.live = [];
          }
          model.continuable = false;
          break;
        case 'truncate':
          await finishLine();
          if (model.live !== undefined) {
            fs.truncateSync(live, 0);
            model.live = [];
          }
          model.continuable = false;
          break;
        case 'delete':
          await finishLine();
          if (model.live !== undefined) {
            fs.unlinkSync(live);
            model.live = undefined;
          }
          model.continuable = false;
          break;
        case 'recreate':
          if (model.live === undefined) {
            fs.writeFileSync(live, '');
            model.live = [];
          }
          break;
        case 'query':
          await check(step);
          break;
        case 'wait':
          clock += MULTILINE_HOLD_MS + 1;
          model.continuable = false;
          break;
      }
      await pollTail();
    }
    // The writer finishes its line and pauses: everything written is now complete and released.
    completePartial();
    await pollTail();
    clock += MULTILINE_HOLD_MS + 1;
    await pollTail();
    await check(`end of ${JSON.stringify(ops)}`);
    if (JSON.stringify(tailed) !== JSON.stringify(model.tail)) {
      throw new Error(
        `tail returned\n${JSON.stringify(tailed)}\nexpected\n${JSON.stringify(model.tail)}\nops ${JSON.stringify(ops)}`
      );
    }
    return { queries, records: model.next };
  } finally {
    abort.abort();
    await follower.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The property over `runs` random sequences (both source kinds). */
export async function assertMovingFiles(runs: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<SourceKind>('json', 'text'),
      fc.array(opArbitrary, { minLength: 1, maxLength: 12 }),
      (kind, ops) => runSequence(kind, ops).then(() => undefined)
    ),
    { numRuns: runs, seed }
  );
}
