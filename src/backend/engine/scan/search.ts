/**
 * Literal searches on two threads: each large file range is split into parts (`parts.ts`); the
 * part read first (the newest for backward scans) is scanned in this thread, the others in one
 * worker thread (all files' in turn) that sends back the bytes of the records it would return.
 * Whole gzip files go to the worker too (`gzipPart`): inflating is the costliest work per byte.
 * Those are rebuilt into records here, after this thread's own, and only when this thread's part
 * did not stop early, so the records are the sequential scan's, in its order.
 *
 * A worker collects at most MAX_COLLECTED_BYTES of records (a frequent literal): beyond that it
 * gives its part back and this thread scans it itself, as it does where workers cannot run. Of a
 * gzip file it collects far less (MAX_COLLECTED_GZIP_BYTES): this thread reads such a file a
 * chunk at a time, as the merge asks, where the worker must collect every record.
 */
import type { Worker } from 'node:worker_threads';
import { emptyStats, type FileSpan, type LogRecord, type ScanPart, type ScanStats } from '../model';
import { FORMATS } from '../readers/formats';
import { addPartStats, ScanBudget } from './budget';
import { JobClaims } from './jobClaims';
import { partScanner } from './parts';
import { listenTo, SpareWorkers } from './workers';

const MAX_COLLECTED_BYTES = 32 << 20;
/**
 * A trace's lines in a day's sibling are a few KiB. A frequent literal's are far more, and a log
 * query with a line limit needs few of them (measured: a forward search limited to 50 lines,
 * whose literal is on most lines of the six kamiwazad-containers siblings, took 475 ms with the
 * worker collecting them whole against 329–439 ms with this thread reading them).
 */
const MAX_COLLECTED_GZIP_BYTES = 256 << 10;
/** Per record in `SearchResult.meta`: offset, time, flags, length. */
const META_FIELDS = 4;

/** One searched part: its records' bytes back to back, and per record META_FIELDS numbers. */
export interface SearchResult {
  kind: 'done';
  bytes: Uint8Array;
  meta: Float64Array;
  stats: ScanStats;
  stopped: boolean;
  /** The file's span, when the part asked for it (`learnSpan`) and read the whole file. */
  span?: FileSpan;
}

export type SearchMessage = SearchResult | { kind: 'overflow' } | { kind: 'failed'; message: string };

/** What this thread posts to the worker: a search's jobs, and the memory their claims share. */
export interface SearchBatch {
  jobs: SearchJob[];
  claims: SharedArrayBuffer;
}

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
  const maxCollected = job.part.gzip ? MAX_COLLECTED_GZIP_BYTES : MAX_COLLECTED_BYTES;
  let span: FileSpan | undefined;
  const scanner = partScanner(job.part, budget, {
    onRecordBytes: (bytes, start, end, offset, time, flags) => {
      collected += end - start;
      if (collected > maxCollected) {
        overflow.abort();
        return;
      }
      lines.push(Buffer.from(bytes.subarray(start, end)));
      meta.push(offset, time, flags, end - start);
    },
    onComplete: job.part.learnSpan ? (learnt) => (span = { ...learnt }) : undefined,
  });
  for await (const batch of scanner.records()) {
    void batch; // records go to onRecordBytes
  }
  if (overflow.signal.aborted) {
    return { kind: 'overflow' };
  }
  if (job.part.gzip && job.part.direction === 'backward') {
    // Gzip is read forward; its records are handed out newest first, as the scan's own are.
    reverseRecords(lines, meta);
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
    span,
  };
}

/** Reverses the order of collected records (their bytes and their META_FIELDS numbers each). */
function reverseRecords(lines: Buffer[], meta: number[]): void {
  lines.reverse();
  for (let a = 0, b = meta.length - META_FIELDS; a < b; a += META_FIELDS, b -= META_FIELDS) {
    for (let f = 0; f < META_FIELDS; f++) {
      [meta[a + f], meta[b + f]] = [meta[b + f], meta[a + f]];
    }
  }
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

/**
 * The idle search worker: one started ahead of the query that takes it (a worker's start-up, its
 * module loaded, took 50 ms of a 400 ms search, with this thread waiting for the worker's first
 * part), or the worker of a search that ended with all its parts done.
 */
const searchWorkers = new SpareWorkers(
  'engine/scan/search.worker.ts',
  new URL('./search.worker.ts', import.meta.url),
  1
);

/** Starts the spare search worker, if there is none (when the search service starts). */
export function prestartSearchWorker(): void {
  searchWorkers.prestart();
}

function takeSearchWorker(): Worker | undefined {
  const worker = searchWorkers.take();
  worker?.ref();
  return worker;
}

/** Parts searched by one worker thread, one after the other, unless this thread takes them back. */
export interface RunningSearches {
  /**
   * Job `index`'s records' bytes, or undefined when this thread is to scan the part itself. Asking
   * marks the job as awaited: only such jobs are taken back.
   */
  result(index: number): Promise<SearchResult | undefined>;
  /**
   * This thread has nothing of its own left to scan: takes back the last awaited job the worker
   * has not started (its result becomes undefined); whether there was one.
   */
  takeBack(): boolean;
  stop(): void;
}

/**
 * Starts searching `jobs` in one worker thread, in order (the order the scan will need them);
 * where no worker can run, every result is undefined at once. `stop` ends the worker's part in
 * this search: it becomes the spare when every job was answered or taken back, and is terminated
 * otherwise.
 */
export function startSearches(jobs: SearchJob[]): RunningSearches {
  const worker = jobs.length === 0 ? undefined : takeSearchWorker();
  if (worker === undefined) {
    return { result: () => Promise.resolve(undefined), takeBack: () => false, stop: () => {} };
  }
  // Each job's result settles once (later calls do nothing): by its reply, by this thread taking
  // it back, by the worker's failure to load (this thread then scans every part) or its exit, or
  // by the search's end (a scan still reading ahead gets its part back, and its ended budget
  // stops it at once).
  const pending = jobs.map(() => deferred<SearchResult | undefined>());
  const giveAllBack = () => pending.forEach((p) => p.resolve(undefined));
  const claims = new JobClaims(jobs.length);
  const awaited = new Uint8Array(jobs.length);
  // Jobs done with: answered by the worker, or taken back by this thread (the worker skips those
  // without a word). When all are, the worker has nothing of this search left and can serve the next.
  let settled = 0;
  let ended = false;
  const onMessage = (m: SearchReply) => {
    settled++;
    const p = pending[m.index];
    if (m.kind === 'failed') {
      p.reject(new Error(m.message));
    } else {
      p.resolve(m.kind === 'done' ? m : undefined);
    }
  };
  const onError = () => {
    ended = true;
    giveAllBack();
  };
  const onExit = (code: number) =>
    pending.forEach((p) => p.reject(new Error(`search worker exited with code ${code}`)));
  const unlisten = listenTo(worker, { message: onMessage, error: onError, exit: onExit });
  worker.postMessage({ jobs, claims: claims.buffer } satisfies SearchBatch);
  return {
    result: (index) => {
      awaited[index] = 1;
      return pending[index].promise;
    },
    takeBack: () => {
      const index = ended ? undefined : claims.takeBack(awaited);
      if (index === undefined) {
        return false;
      }
      settled++;
      pending[index].resolve(undefined);
      return true;
    },
    stop: () => {
      const failed = ended;
      ended = true;
      unlisten();
      const reusable = settled === jobs.length && !failed;
      searchWorkers.release(worker, reusable);
      if (!reusable) {
        searchWorkers.prestart();
        giveAllBack();
      }
    },
  };
}

/**
 * Scans of this thread reading now, over all queries: this thread is shared, so a search takes
 * work back from its worker only when no scan at all is reading here.
 */
let readingHere = 0;

/**
 * This thread's scans of one search: when the last scan reading in this thread stops (done, or
 * waiting for a part from the worker, or its batch waiting for the merge), the worker may still
 * have queued parts of this search, and this thread takes one back.
 */
export class LocalScans {
  constructor(private readonly searches: RunningSearches) {}

  async *track<T>(scan: AsyncGenerator<T>): AsyncGenerator<T> {
    try {
      for (;;) {
        readingHere++;
        let next: IteratorResult<T>;
        try {
          next = await scan.next();
        } finally {
          if (--readingHere === 0) {
            this.searches.takeBack();
          }
        }
        if (next.done) {
          return;
        }
        yield next.value;
      }
    } finally {
      await scan.return(undefined);
    }
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  const d = {} as Deferred<T>;
  d.promise = new Promise<T>((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  d.promise.catch(() => {}); // a rejection is seen when the scan reaches that part
  return d;
}

/** What the worker posts per job it searched, in job order: its outcome. */
export type SearchReply = SearchMessage & { index: number };

/**
 * Whether the worker searches part `k` of a file's parts: every part of a cut file but the first
 * (read first, in this thread), and a whole gzip file.
 */
export function searchedByWorker(part: ScanPart, k: number): boolean {
  return k > 0 || part.gzip === true;
}

/** A file's parts in a split search (see `searchParts`). */
export interface FileParts {
  parts: ScanPart[];
  /** The search's worker jobs, and the index among them of the first of this file's parts. */
  searches: RunningSearches;
  firstJob: number;
  /** This thread's scans, to which those of this file's parts are added. */
  local: LocalScans;
  /** Receives the file's span when a part learnt it (`learnSpan`). */
  onComplete?: (span: FileSpan) => void;
}

/**
 * The records of one file's parts (from `splitPlan` or `gzipPart`, in the order the scan reads
 * them), those the worker searches (`searchedByWorker`) from its results, counted into
 * `budget.stats` as the sequential scan counts them.
 */
export async function* searchParts(file: FileParts, budget: ScanBudget): AsyncGenerator<LogRecord[]> {
  const { parts, searches, local, onComplete } = file;
  let stopped = false;
  let job = file.firstJob;
  let counted = false; // the file is counted once in filesRead, however many parts it has
  for (let k = 0; k < parts.length && !stopped; k++) {
    const result = searchedByWorker(parts[k], k) ? await searches.result(job++) : undefined;
    if (result === undefined) {
      if (budget.stopped) {
        return; // nothing more may be read (a part given back when the search ended)
      }
      const scanner = partScanner(parts[k], budget, { onComplete });
      yield* local.track(scanner.records());
      if (counted) {
        budget.stats.filesRead--; // each scanner counts its file
      }
      counted = true;
      stopped = scanner.stoppedEarly || budget.stopped;
      continue;
    }
    addPartStats(budget.stats, result.stats);
    if (!counted) {
      budget.stats.filesRead++;
      counted = true;
    }
    if (result.span !== undefined) {
      onComplete?.(result.span);
    }
    const records = searchedRecords(parts[k], result);
    if (records.length > 0) {
      yield records;
    }
    stopped = result.stopped;
  }
}
