/**
 * Literal searches of a large file range on two threads: the range is split into parts
 * (`parts.ts`); the part read first (the newest for backward scans) is scanned in this thread,
 * the other in a worker thread that sends back the bytes of the records it would return. Those
 * are rebuilt into records here, after this thread's own, and only when this thread's part did
 * not stop early, so the records are the sequential scan's, in its order.
 *
 * A worker collects at most MAX_COLLECTED_BYTES of records (a frequent literal): beyond that it
 * gives its part back and this thread scans it itself, as it does where workers cannot run.
 */
import { emptyStats, type LogRecord, type ScanPart, type ScanStats } from '../model';
import { FORMATS } from '../readers/formats';
import { addPartStats, ScanBudget } from './budget';
import { partScanner } from './parts';
import { newWorker } from './workers';

const MAX_COLLECTED_BYTES = 32 << 20;
/** Per record in `SearchResult.meta`: offset, time, flags, length. */
const META_FIELDS = 4;

/** One searched part: its records' bytes back to back, and per record META_FIELDS numbers. */
export interface SearchResult {
  kind: 'done';
  bytes: Uint8Array;
  meta: Float64Array;
  stats: ScanStats;
  stopped: boolean;
}

export type SearchMessage = SearchResult | { kind: 'overflow' } | { kind: 'failed'; message: string };

export interface SearchJob {
  part: ScanPart;
  /** Epoch ms of the query's time limit. */
  deadline?: number;
}

/** Scans one part, collecting its records' bytes (what a worker runs). */
export async function searchPart(job: SearchJob): Promise<SearchMessage> {
  const stats = emptyStats();
  const maxDurationMs = job.deadline === undefined ? undefined : Math.max(job.deadline - Date.now(), 0);
  const overflow = new AbortController();
  const budget = new ScanBudget(stats, { maxDurationMs }, overflow.signal);
  const lines: Buffer[] = [];
  const meta: number[] = [];
  let collected = 0;
  const scanner = partScanner(job.part, budget, {
    onRecordBytes: (bytes, start, end, offset, time, flags) => {
      collected += end - start;
      if (collected > MAX_COLLECTED_BYTES) {
        overflow.abort();
        return;
      }
      lines.push(Buffer.from(bytes.subarray(start, end)));
      meta.push(offset, time, flags, end - start);
    },
  });
  for await (const batch of scanner.records()) {
    void batch; // records go to onRecordBytes
  }
  if (overflow.signal.aborted) {
    return { kind: 'overflow' };
  }
  // Its own memory (not a pooled slice): it is transferred to the other thread.
  const bytes = new Uint8Array(collected);
  let at = 0;
  for (const line of lines) {
    bytes.set(line, at);
    at += line.length;
  }
  return {
    kind: 'done',
    bytes,
    meta: Float64Array.from(meta),
    stats,
    stopped: scanner.stoppedEarly || stats.truncated !== undefined,
  };
}

/** The records of a searched part, built as the scan itself builds them. */
export function searchedRecords(part: ScanPart, result: SearchResult): LogRecord[] {
  const format = FORMATS[part.format];
  const bytes = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
  const { meta } = result;
  const records: LogRecord[] = [];
  let s = 0;
  for (let i = 0; i < meta.length; i += META_FIELDS) {
    const e = s + meta[i + 3];
    records.push(format.record(part.ctx, meta[i + 1], bytes, s, e, meta[i], meta[i + 2]));
    s = e;
  }
  return records;
}

interface RunningSearch {
  /** The part's records' bytes, or undefined when this thread is to scan the part itself. */
  result: Promise<SearchResult | undefined>;
  stop(): void;
}

function startSearch(job: SearchJob): RunningSearch {
  const worker = newWorker('engine/scan/search.worker.ts', new URL('./search.worker.ts', import.meta.url));
  if (worker === undefined) {
    return { result: Promise.resolve(undefined), stop: () => {} };
  }
  let settled = false;
  const result = new Promise<SearchResult | undefined>((resolve, reject) => {
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    worker.on('message', (m: SearchMessage) =>
      settle(() => (m.kind === 'failed' ? reject(new Error(m.message)) : resolve(m.kind === 'done' ? m : undefined)))
    );
    // A worker that could not load: this thread scans the part.
    worker.on('error', () => settle(() => resolve(undefined)));
    worker.on('exit', (code) => settle(() => reject(new Error(`search worker exited with code ${code}`))));
  });
  result.catch(() => {});
  worker.postMessage(job);
  return {
    result,
    stop: () => {
      void worker.terminate();
    },
  };
}

/**
 * The records of `parts` (in file order, from `splitPlan` of a literal-search plan), in the
 * scan's direction, counted into `budget.stats` as the sequential scan counts them.
 */
export async function* searchParts(
  parts: ScanPart[],
  budget: ScanBudget,
  maxDurationMs?: number
): AsyncGenerator<LogRecord[]> {
  const ordered = parts[0].direction === 'backward' ? [...parts].reverse() : parts;
  const deadline = maxDurationMs === undefined ? undefined : Date.now() + maxDurationMs;
  const running = ordered.slice(1).map((part) => startSearch({ part, deadline }));
  try {
    let stopped = false;
    for (let k = 0; k < ordered.length && !stopped; k++) {
      const result = k === 0 ? undefined : await running[k - 1].result;
      if (result === undefined) {
        const scanner = partScanner(ordered[k], budget);
        yield* scanner.records();
        if (k > 0) {
          budget.stats.filesRead--; // the first part counted the file
        }
        stopped = scanner.stoppedEarly || budget.stats.truncated !== undefined;
        continue;
      }
      addPartStats(budget.stats, result.stats);
      const records = searchedRecords(ordered[k], result);
      if (records.length > 0) {
        yield records;
      }
      stopped = result.stopped;
    }
  } finally {
    running.forEach((r) => r.stop());
  }
}
