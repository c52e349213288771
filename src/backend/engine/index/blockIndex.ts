/**
 * The block index of every plain log file: segments (`segment.ts`) that tile each file from its
 * start, built in the background (worker threads, one per part of a large range; in this thread
 * where workers cannot run) when a file is first seen and again as it grows, and checked against
 * the file's identity (device, inode, first-line hash) and size before every use: a rotated,
 * rewritten or truncated file loses its entry. Queries read the covered prefix; the bytes after it
 * are scanned, so an index that is still being built never delays or changes an answer.
 */
import { open, stat } from 'node:fs/promises';
import type { LineFormat } from '../readers/formats';
import type { FileContext } from '../readers/context';
import { columnBytes } from '../readers/columns';
import { PARALLEL_PARTS, splitPlan } from '../scan/parts';
import { fileIdentity } from './timeIndex';
import { buildSegment, levelListArrays, LISTED_LEVELS, type LevelList, type Segment, type SegmentJob } from './segment';
import type { ListedRecords } from '../scan/listedReads';
import { buildInWorker } from './buildWorkers';
import { hasFingerprint } from './traceIds';
import { forgetIndex, loadColumns, loadIndex, pruneIndexes, saveIndex, savedColumnBytes } from './persist';
import { RunningQueries } from './giveWay';

/**
 * Record columns cost about 25 bytes per access-log record, 150 MB per GB of access logs: past
 * this much in all, in memory or saved, segments keep none (queries over them scan). The bench's
 * 7 days of access log take 19 MB; a 10.8 GB week's 0.8 GB access log 92 MB (with 64 MB here, its
 * HTTP dashboard scanned the rest: 29.6 s instead of 2.0 s).
 */
const COLUMN_BUDGET_BYTES = 128 << 20;

/** A file grown by less than this is not re-indexed yet (queries scan the new bytes). */
const MIN_GROWTH_BYTES = 1 << 20;
/** A range at least this large is built in PARALLEL_PARTS parts (one worker each). */
const SPLIT_BYTES = 64 << 20;
/** Cache files of log files deleted while no plugin ran are removed this long after start-up. */
const PRUNE_AFTER_MS = 5_000;

export interface ObservedFile {
  path: string;
  /** Plain files: device, inode, first-line hash; gzip files: device, inode, size. */
  identity: string;
  /** A gzip sibling: indexed whole (one segment), never grows. */
  gzip: boolean;
  size: number;
  live: boolean;
  format: LineFormat;
  ctx: FileContext;
  /** Time for untimed lines at the file's start (as the store's scan plans give them). */
  firstTs: number;
}

/** The indexed prefix [0, end) of one file. */
export interface Coverage {
  segments: Segment[];
  end: number;
  /** Time of the record at `end` (for untimed lines there), NaN when unknown. */
  nextTs: number;
}

interface Entry extends Coverage {
  identity: string;
  /** Its record columns are saved and not read yet (`withColumns` reads them). */
  columnsOnDisk?: boolean;
  /** Bytes of its record columns, in memory or saved (the budget counts both). */
  columnBytes: number;
  /** The file's size when last seen. */
  size: number;
  building: boolean;
  /** Set when a build failed: not retried until the file changes identity. */
  failed?: string;
}

export interface BlockIndexOptions {
  /** Where segments are persisted (never inside a log root); undefined: memory only. */
  cacheDir?: string;
  /** Build in this thread (tests); default: worker threads when available. */
  inThread?: boolean;
  /** Growth that triggers a build (default MIN_GROWTH_BYTES) and block size (tests lower both). */
  minGrowthBytes?: number;
  blockBytes?: number;
  /** Bytes of record columns in all, in memory or saved (default COLUMN_BUDGET_BYTES; tests lower it). */
  columnBudgetBytes?: number;
}

/** What the index covers and whether it is saved, for operators (the data source's health). */
export interface IndexStatus {
  /** Where segments are saved; undefined: in memory only. */
  cacheDir?: string;
  /** Log files seen, and those the index covers (no build due, running or failed). */
  files: number;
  coveredFiles: number;
  /** Their bytes, and the bytes the index covers. */
  bytes: number;
  coveredBytes: number;
  /** Bytes the index holds in memory (an estimate). */
  memoryBytes: number;
  /** Why the last save failed, when it did: the index is then rebuilt after a restart. */
  saveError?: string;
  /** Files whose build failed and why (retried once the file changes). */
  failed: Array<{ path: string; error: string }>;
}

export class BlockIndexes {
  private readonly entries = new Map<string, Entry>();
  private saveError: string | undefined;
  private readonly pending = new Set<Promise<void>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Queries running now (builds give way to them). */
  private readonly queries = new RunningQueries();

  constructor(private readonly options: BlockIndexOptions = {}) {
    const dir = options.cacheDir;
    if (dir !== undefined) {
      // Once per start, a few seconds in: off the path of the first queries, which come at once.
      setTimeout(() => pruneIndexes(dir), PRUNE_AFTER_MS).unref();
    }
  }

  /** Notes a file seen by a query or at start-up; starts building what is not covered yet. */
  observe(file: ObservedFile): void {
    let entry = this.entries.get(file.path);
    if (entry !== undefined && (entry.identity !== file.identity || file.size < entry.end)) {
      entry = undefined;
    }
    if (entry === undefined) {
      entry = this.restored(file) ?? {
        identity: file.identity,
        size: file.size,
        segments: [],
        end: 0,
        nextTs: NaN,
        building: false,
        columnBytes: 0,
      };
      this.entries.set(file.path, entry);
    }
    entry.size = file.size;
    if (entry.building || !this.buildDue(entry)) {
      return;
    }
    entry.building = true;
    const built = this.build(file, entry)
      .catch((e: unknown) => {
        entry.failed = (e as Error).message;
      })
      .finally(() => {
        entry.building = false;
        this.pending.delete(built);
      });
    this.pending.add(built);
  }

  /** Resolves once no query runs (or after a while, see RunningQueries.ended). */
  queriesEnded(): Promise<void> {
    return this.queries.ended();
  }

  /** A query started: builds give way until the returned function is called. */
  queryStarted(): () => void {
    return this.queries.started();
  }

  /** The covered prefix of a file, if its identity and size still match. */
  coverage(path: string, identity: string, size: number): Coverage | undefined {
    const entry = this.entries.get(path);
    if (entry === undefined || entry.identity !== identity || size < entry.end || entry.end === 0) {
      return undefined;
    }
    return entry;
  }

  /**
   * `coverage`, with the record columns of a restored index read from the cache first (once: a
   * restart reads them only when a query wants them).
   */
  withColumns(path: string, identity: string, size: number): Coverage | undefined {
    const entry = this.coverage(path, identity, size) as Entry | undefined;
    if (entry?.columnsOnDisk) {
      this.readColumns(path, entry);
    }
    return entry;
  }

  private readColumns(path: string, entry: Entry): void {
    entry.columnsOnDisk = false;
    const dir = this.options.cacheDir;
    entry.columnBytes = 0;
    if (dir !== undefined && loadColumns(dir, path, entry.identity, entry.segments)) {
      this.fitColumns(entry, entry.segments);
    }
  }

  /**
   * Keeps the record columns of `added` (segments of `entry` just built or loaded) while the
   * columns of every file, in memory or saved, stay within the budget; drops the others.
   */
  private fitColumns(entry: Entry, added: Segment[]): void {
    let held = 0;
    for (const other of this.entries.values()) {
      held += other === entry ? 0 : other.columnBytes;
    }
    const budget = this.options.columnBudgetBytes ?? COLUMN_BUDGET_BYTES;
    for (const segment of added) {
      const bytes = segment.columns === undefined ? 0 : columnBytes(segment.columns);
      if (held + entry.columnBytes + bytes > budget) {
        segment.columns = undefined;
      } else {
        entry.columnBytes += bytes;
      }
    }
  }

  /**
   * Once saved, record columns wait on disk until a query wants them (`withColumns`): a plugin
   * whose dashboards never read an access log's fields does not hold them.
   */
  private columnsToDisk(entry: Entry): void {
    if (entry.segments.some((s) => s.columns !== undefined)) {
      entry.segments.forEach((s) => (s.columns = undefined));
      entry.columnsOnDisk = true;
    }
  }

  /** Resolves once no build is running (tests, benchmarks, start-up warm-up). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }

  /** Forgets paths that no longer exist, and their cache files. */
  retain(paths: Set<string>): void {
    for (const path of this.entries.keys()) {
      if (!paths.has(path)) {
        this.entries.delete(path);
        if (this.options.cacheDir !== undefined) {
          forgetIndex(this.options.cacheDir, path);
        }
      }
    }
  }

  status(): IndexStatus {
    const entries = [...this.entries.entries()];
    const covered = entries.filter(
      ([, entry]) => !entry.building && entry.failed === undefined && !this.buildDue(entry)
    );
    const sum = (values: number[]) => values.reduce((n, v) => n + v, 0);
    return {
      cacheDir: this.options.cacheDir,
      files: entries.length,
      coveredFiles: covered.length,
      bytes: sum(entries.map(([, entry]) => entry.size)),
      coveredBytes: sum(entries.map(([, entry]) => Math.min(entry.end, entry.size))),
      memoryBytes: this.memoryBytes(),
      saveError: this.saveError,
      failed: entries.flatMap(([path, entry]) => (entry.failed === undefined ? [] : [{ path, error: entry.failed }])),
    };
  }

  /** Whether a build of the entry's file is due: it grew enough since the last one, and none failed. */
  private buildDue(entry: Entry): boolean {
    const growth = entry.size - entry.end;
    return (
      entry.failed === undefined &&
      growth > 0 &&
      (entry.end === 0 || growth >= (this.options.minGrowthBytes ?? MIN_GROWTH_BYTES))
    );
  }

  /** Bytes held by the segments' arrays and keys (an estimate of the index's memory). */
  private memoryBytes(): number {
    let bytes = 0;
    for (const entry of this.entries.values()) {
      for (const s of entry.segments) {
        bytes += s.blockStart.byteLength + s.blockFirstTs.byteLength;
        bytes += s.fingerprints.reduce((n, f) => n + f.byteLength + 64, 0);
        if (s.summary) {
          const { key, bucket, count, bytes: b, keys } = s.summary;
          bytes += key.byteLength + bucket.byteLength + count.byteLength + b.byteLength + keys.length * 160;
        }
        if (s.levels) {
          bytes += levelListArrays(s.levels).reduce((n, a) => n + a.byteLength, 0);
        }
        if (s.columns) {
          bytes += columnBytes(s.columns);
        }
      }
    }
    return bytes;
  }

  private restored(file: ObservedFile): Entry | undefined {
    const dir = this.options.cacheDir;
    const saved = dir === undefined ? undefined : loadIndex(dir, file.path, file.identity);
    if (saved === undefined || file.size < saved.end) {
      return undefined;
    }
    return {
      ...saved,
      identity: file.identity,
      size: file.size,
      building: false,
      columnsOnDisk: file.format.columnLabels.length > 0,
      columnBytes: dir === undefined ? 0 : savedColumnBytes(dir, file.path),
    };
  }

  /**
   * Builds [entry.end, size) and appends it, unless the file changed meanwhile. It starts once the
   * queries running now have ended (see RunningQueries.ended).
   */
  private async build(file: ObservedFile, entry: Entry): Promise<void> {
    await this.queries.ended();
    if (file.gzip) {
      const segment = await this.run({
        part: wholeFile(file),
        holdLast: false,
        gzip: true,
        blockBytes: this.options.blockBytes,
      });
      const st = await stat(file.path);
      if (`${st.dev}:${st.ino}:${st.size}` === file.identity && this.entries.get(file.path) === entry) {
        this.append(file, entry, [segment]);
      }
      return;
    }
    const fh = await open(file.path, 'r');
    let segments: Segment[];
    try {
      const plan = {
        path: file.path,
        fh,
        gzip: false,
        format: file.format,
        ctx: file.ctx,
        start: entry.end,
        end: file.size,
        holdTail: file.live,
        direction: 'forward' as const,
        fromMs: -Infinity,
        toMs: Infinity,
        literals: [],
        accept: () => true,
        firstTs: entry.end === 0 ? file.firstTs : entry.nextTs,
      };
      const parts = splitPlan(plan, [], this.options.inThread ? 1 : PARALLEL_PARTS, SPLIT_BYTES) ?? [];
      const jobs: SegmentJob[] = parts.map((part, i) => ({
        part,
        holdLast: i === parts.length - 1,
        blockBytes: this.options.blockBytes,
      }));
      segments = await Promise.all(jobs.map((job) => this.run(job)));
      const st = await fh.stat();
      if (fileIdentity(fh, st.dev, st.ino) !== file.identity || st.size < file.size) {
        return;
      }
    } finally {
      await fh.close();
    }
    if (this.entries.get(file.path) === entry) {
      this.append(file, entry, segments);
    }
  }

  private append(file: ObservedFile, entry: Entry, segments: Segment[]): void {
    if (entry.columnsOnDisk) {
      // The save below writes every segment's columns: those still on disk are read first.
      this.readColumns(file.path, entry);
    }
    this.fitColumns(entry, segments);
    for (const segment of segments) {
      if (segment.end > segment.start) {
        entry.segments.push(segment);
        entry.end = segment.end;
        entry.nextTs = segment.nextTs;
      }
    }
    if (this.options.cacheDir !== undefined) {
      this.saveError = saveIndex(this.options.cacheDir, file.path, file.identity, entry);
      if (this.saveError === undefined) {
        this.columnsToDisk(entry);
      }
    }
  }

  /** Runs a job when fewer than PARALLEL_PARTS run (index builds use at most the two cores). */
  private async run(job: SegmentJob): Promise<Segment> {
    while (this.running >= PARALLEL_PARTS) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await this.start(job);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private start(job: SegmentJob): Promise<Segment> {
    return (
      (this.options.inThread ? undefined : buildInWorker({ ...job, queries: this.queries.counter })) ??
      buildSegment(job)
    );
  }
}

/** A whole file as one part (gzip files are read whole). */
function wholeFile(file: ObservedFile): SegmentJob['part'] {
  return {
    path: file.path,
    format: file.format.name,
    ctx: file.ctx,
    direction: 'forward',
    start: 0,
    end: file.size,
    holdTail: false,
    fromMs: -Infinity,
    toMs: Infinity,
    literals: [],
    matchers: [],
    firstTs: file.firstTs,
  };
}

/** A byte range to scan for a trace-id literal, and the time for untimed lines at its start. */
export interface TraceRange {
  start: number;
  end: number;
  firstTs: number;
}

/**
 * The parts of [start, end) that may hold a line with `fingerprint`: the covered blocks whose set
 * has it (adjacent ones merged) and the uncovered rest; `skipped` counts the bytes ruled out.
 */
export function traceRanges(
  coverage: Coverage,
  fingerprint: number,
  start: number,
  end: number,
  firstTs: number
): { ranges: TraceRange[]; skipped: number } {
  const ranges: TraceRange[] = [];
  const add = (s: number, e: number, ts: number) => {
    const from = Math.max(s, start);
    const to = Math.min(e, end);
    if (from >= to) {
      return;
    }
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.end === from) {
      last.end = to;
    } else {
      ranges.push({ start: from, end: to, firstTs: from === s ? ts : firstTs });
    }
  };
  for (const segment of coverage.segments) {
    if (segment.end <= start || segment.start >= end) {
      continue;
    }
    const n = segment.blockStart.length;
    for (let b = 0; b < n; b++) {
      if (hasFingerprint(segment.fingerprints[b], fingerprint)) {
        add(segment.blockStart[b], b + 1 < n ? segment.blockStart[b + 1] : segment.end, segment.blockFirstTs[b]);
      }
    }
  }
  add(coverage.end, Infinity, coverage.nextTs);
  const read = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
  return { ranges, skipped: Math.max(end - start - read, 0) };
}

/**
 * The records of `[start, end)` in the covered prefix whose level is one of `levels` (indexes into
 * LISTED_LEVELS) and whose time is in `[fromMs, toMs)` (the scan's own test, so none it would
 * return is left out), in file order; undefined when a segment there has no level list. `read`:
 * their bytes.
 */
export function levelRecords(
  coverage: Coverage,
  levels: number[],
  range: { start: number; end: number; fromMs: number; toMs: number }
): { records: ListedRecords; read: number } | undefined {
  const { start, end, fromMs, toMs } = range;
  const lists: LevelList[] = [];
  for (const segment of coverage.segments) {
    if (segment.end > start && segment.start < end) {
      if (segment.levels === undefined) {
        return undefined;
      }
      lists.push(segment.levels);
    }
  }
  const wanted = new Uint8Array(LISTED_LEVELS.length);
  levels.forEach((l) => (wanted[l] = 1));
  const picks = (list: LevelList, i: number) =>
    wanted[list.level[i]] === 1 &&
    list.offset[i] >= start &&
    list.offset[i] < end &&
    list.time[i] >= fromMs &&
    list.time[i] < toMs;
  // Two passes, counting then copying, so the picked records go straight into typed arrays.
  let count = 0;
  for (const list of lists) {
    for (let i = 0; i < list.offset.length; i++) {
      count += picks(list, i) ? 1 : 0;
    }
  }
  const records: ListedRecords = {
    offset: new Float64Array(count),
    length: new Uint32Array(count),
    time: new Float64Array(count),
    cut: new Uint8Array(count),
  };
  let read = 0;
  let k = 0;
  for (const list of lists) {
    for (let i = 0; i < list.offset.length; i++) {
      if (picks(list, i)) {
        records.offset[k] = list.offset[i];
        records.length[k] = list.length[i];
        records.time[k] = list.time[i];
        records.cut[k] = list.cut[i];
        read += list.length[i];
        k++;
      }
    }
  }
  return { records, read };
}
