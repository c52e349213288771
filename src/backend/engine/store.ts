/**
 * The file-backed LogStore: discovers the Kamiwaza log files under the configured roots, seeks
 * each file to the asked time range with its sparse time index, scans the bytes in large chunks
 * (raw-byte literal prefilter first) and merges the files' records into one time-ordered stream.
 */
import { closeSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { matcherTest, type StringTest } from './logql/regex';
import {
  DISORDER_TOLERANCE_MS,
  emptyStats,
  type LabelMatcher,
  type LogRecord,
  type LogStore,
  type Notice,
  type ScanPart,
  type ScanRequest,
  type ScanStats,
} from './model';
import { IndexCache, seekRange, type FileTimeIndex } from './index/timeIndex';
import {
  BlockIndexes,
  levelRecords,
  traceRanges,
  type BlockIndexOptions,
  type Coverage,
  type IndexStatus,
} from './index/blockIndex';
import type { SummaryPlan } from './index/planner';
import { countFlagged, edgeRanges, type SummaryFile, type SummaryScan } from './index/summaries';
import { hasFingerprint, literalFingerprint } from './index/traceIds';
import { BUCKET_MS, LISTED_LEVELS, TRACE_ID_LABEL } from './index/segment';
import { answersLabels, ColumnTable, rowsIn } from './readers/columns';
import type { ColumnPart, ColumnScan } from './scan/columnRows';
import type { FileContext } from './readers/context';
import type { LineFormat } from './readers/formats';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, LINE_TRUNCATED_LABEL } from './readers/labels';
import { ScanBudget, summarise } from './scan/budget';
import { FileScanner, type FileScanPlan } from './scan/fileScan';
import { gzipPart, PARALLEL_PARTS, recordAccept, splitPlan } from './scan/parts';
import { LocalScans, searchedByWorker, searchParts, startSearches } from './scan/search';
import { mergeByTime } from './scan/merge';
import { followSources, TailFollower, type TailRequest, type TailTarget } from './scan/tail';
import {
  discoverSources,
  type Discovery,
  type LogicalSource,
  type SourceFile,
  type StoreConfig,
} from './sources/discovery';
import { openLogFile, openLogFileSync } from './sources/safeOpen';
import { msToIso } from './time';

export type { StoreConfig } from './sources/discovery';
export type { TailRequest } from './scan/tail';

/** One logical source as diagnostics show it. */
export interface SourceDescription {
  source: string;
  filename: string;
  format: LineFormat['name'];
  files: Array<{
    path: string;
    size: number;
    compressed: boolean;
    live: boolean;
    firstTime?: string;
    lastTime?: string;
  }>;
  problems: string[];
}

export interface FileLogStore extends LogStore {
  tail(request: TailRequest): AsyncIterable<LogRecord[]>;
  /** The tail's poll step on its own (tests drive it without timers). */
  follower(request: TailRequest): TailFollower;
  describeSources(): SourceDescription[];
  /** What a scan of the selector over [fromMs, toMs) would read, from the time indexes (no scan). */
  plannedReads(matchers: LabelMatcher[], fromMs: number, toMs: number): Promise<PlannedRead[]>;
  /** The file a record id names, if it is a file found under the roots (ids come from browsers). */
  locateRecord(id: string): LocatedRecord | undefined;
  splitScan(request: ScanRequest, stats: ScanStats, parts: number): Promise<ScanPart[] | undefined>;
  summaryScan(request: ScanRequest, stats: ScanStats, plan: SummaryPlan): Promise<SummaryScan | undefined>;
  columnScan(request: ScanRequest, stats: ScanStats): Promise<ColumnScan | undefined>;
  /** Counts a query in until the returned function is called (index builds give way to it). */
  queryStarted(): () => void;
  /** Resolves once the block index has caught up with the files seen so far. */
  indexIdle(): Promise<void>;
  /** What the block index covers and where it is saved, once every file was seen; undefined without one. */
  indexStatus(): Promise<IndexStatus | undefined>;
}

/** One file's part of a planned scan. */
export interface PlannedRead {
  source: string;
  filename: string;
  path: string;
  gzip: boolean;
  /** File size; `[start, end)` is the byte range a scan reads (gzip files: all of it). */
  size: number;
  start: number;
  end: number;
  /** Exact line count, when known (gzip files after one complete read). */
  lines?: number;
}

/** A record's file, as `locateRecord` finds it from the id. */
export interface LocatedRecord {
  path: string;
  gzip: boolean;
  live: boolean;
  mtimeMs: number;
  format: LineFormat;
  ctx: FileContext;
  /** Byte offset of the record's first line (decompressed for gzip). */
  offset: number;
}

/** `<inode base 36>.<device base 36>:<offset>`, as `FileStore.fileKey` and the readers form ids. */
const RECORD_ID = /^([0-9a-z]{1,13})\.([0-9a-z]{1,13}):(\d{1,15})$/;

/** Records per batch handed to the query layer. */
const BATCH_SIZE = 1000;
/** labelNames/labelValues sample at most this many records per source, newest first. */
const LABEL_SAMPLE_RECORDS = 2000;
const LABEL_SAMPLE_BYTES = 16 << 20;

export interface FileStoreOptions {
  /** Scans of fewer bytes are not split across threads (default MIN_SPLIT_BYTES; tests lower it). */
  minSplitBytes?: number;
  /** Every search reads in this thread, gzip files included (the tests' sequential reference). */
  oneThread?: boolean;
  /**
   * Keep a block index (trace-id fingerprints, per-minute summaries) of every plain file, built in
   * the background from start-up; undefined: no index, every query scans.
   */
  index?: BlockIndexOptions;
}

export function createFileLogStore(config: StoreConfig, options: FileStoreOptions = {}): FileLogStore {
  return new FileStore(config, options);
}

/** How a scan's selector applies: per source (static labels) and per record (service_name). */
interface Selection {
  sources: LogicalSource[];
  accept: (record: LogRecord) => boolean;
  /** A raw-byte literal implied by a `service_name="..."` matcher, per source. */
  serviceLiteral?: string;
}

const STATIC_LABELS = new Set(['source', 'filename']);
/** Characters a service name may have for its JSON and text spellings to be the same bytes. */
const PLAIN_VALUE = /^[A-Za-z0-9_.:@ -]+$/;

function select(sources: LogicalSource[], matchers: LabelMatcher[]): Selection {
  const tests = matchers.map((m) => ({ name: m.name, test: matcherTest(m) as StringTest }));
  const selected = sources.filter((s) =>
    tests.every((t) => !STATIC_LABELS.has(t.name) || t.test(t.name === 'source' ? s.source : s.filename))
  );
  const accept = recordAccept(matchers);
  const service = matchers.find((m) => m.name === 'service_name' && m.op === '=');
  const serviceLiteral = service && PLAIN_VALUE.test(service.value) ? service.value : undefined;
  return { sources: selected, accept, serviceLiteral };
}

/**
 * Labels whose value is not read from the line's bytes as written: stream labels (service_name
 * may be the source's default), computed labels and the error labels.
 */
const NOT_FROM_LINE = new Set([
  ...STATIC_LABELS,
  'service_name',
  'detected_level',
  ERROR_LABEL,
  ERROR_DETAILS_LABEL,
  LINE_TRUNCATED_LABEL,
]);

/**
 * A file's plan for a query of listed levels only (`levels`, all in LISTED_LEVELS): the records
 * the level lists name in the covered prefix, then a scan of the rest; the plan as it is when the
 * query's levels are not all listed or a segment has no list. A gzip file is covered whole, and
 * its list names decompressed offsets: none when it has no such record, else those records, read
 * as it inflates (unless this read is to learn its time span, which needs every line).
 */
function levelPlans(
  plan: FileScanPlan,
  coverage: Coverage,
  levels: string[] | undefined,
  stats: ScanStats
): FileScanPlan[] {
  const codes = (levels ?? []).map((l) => LISTED_LEVELS.indexOf(l));
  if (levels === undefined || codes.includes(-1) || (plan.gzip && plan.onComplete !== undefined)) {
    return [plan];
  }
  if (plan.gzip) {
    const listed = levelRecords(coverage, codes, { start: 0, end: Infinity, fromMs: plan.fromMs, toMs: plan.toMs });
    if (listed === undefined) {
      return [plan];
    }
    const none = listed.records.offset.length === 0;
    stats.indexListedLines = (stats.indexListedLines ?? 0) + listed.records.offset.length;
    stats.indexBytesSkipped = (stats.indexBytesSkipped ?? 0) + (none ? plan.end - plan.start : 0);
    return none ? [] : [{ ...plan, listed: listed.records }];
  }
  const coveredEnd = Math.min(plan.end, coverage.end);
  const listed = plan.start < coveredEnd ? levelRecords(coverage, codes, { ...plan, end: coveredEnd }) : undefined;
  if (listed === undefined) {
    return [plan];
  }
  stats.indexBytesSkipped = (stats.indexBytesSkipped ?? 0) + (coveredEnd - plan.start - listed.read);
  stats.indexListedLines = (stats.indexListedLines ?? 0) + listed.records.offset.length;
  const plans: FileScanPlan[] = [{ ...plan, end: coveredEnd, listed: listed.records }];
  if (coveredEnd < plan.end) {
    const firstTs = Number.isNaN(coverage.nextTs) ? plan.firstTs : coverage.nextTs;
    plans.push({ ...plan, start: coveredEnd, firstTs });
  }
  return plans;
}

/**
 * Record columns for a plain file's covered prefix, for a query that reads only labels
 * (`columnLabels`), forward: its segments' rows in the plan's byte range (into `parts`), and the
 * plan of the rest to scan; undefined when a segment has no columns or they lack a label read.
 */
function columnPlans(
  plan: FileScanPlan,
  coverage: Coverage,
  labels: string[] | undefined,
  stats: ScanStats,
  parts: ColumnPart[]
): FileScanPlan[] | undefined {
  const coveredEnd = Math.min(plan.end, coverage.end);
  if (labels === undefined || plan.gzip || plan.direction !== 'forward' || plan.start >= coveredEnd) {
    return undefined;
  }
  // A snapshot: a build that ends meanwhile must not add segments the scan of the rest also reads.
  const segments = coverage.segments.filter((s) => s.start < coveredEnd && s.end > plan.start);
  if (!segments.every((s) => s.columns !== undefined && answersLabels(s.columns, labels))) {
    return undefined;
  }
  stats.indexBytesSkipped = (stats.indexBytesSkipped ?? 0) + (coveredEnd - plan.start);
  for (const { columns } of segments) {
    const table = new ColumnTable(columns!, plan.ctx);
    parts.push({ table, ...rowsIn(columns!, plan.start, coveredEnd), accept: plan.accept });
  }
  if (coveredEnd === plan.end) {
    return [];
  }
  const firstTs = Number.isNaN(coverage.nextTs) ? plan.firstTs : coverage.nextTs;
  return [{ ...plan, start: coveredEnd, firstTs }];
}

/**
 * Values of `labelEquals` that every kept line contains as raw bytes. JSON and text records read
 * their other labels from the line's own bytes (a JSON string value as written, when it has only
 * PLAIN_VALUE characters, like `serviceLiteral`); access logs are left out (CLF fields are
 * rewritten, e.g. Duration).
 */
function labelLiterals(source: LogicalSource, labelEquals: ScanRequest['labelEquals']): string[] {
  if (source.format.name === 'access' || labelEquals === undefined) {
    return [];
  }
  return labelEquals.filter((l) => !NOT_FROM_LINE.has(l.name) && PLAIN_VALUE.test(l.value)).map((l) => l.value);
}

/** The raw-byte literals for one source: longest first (it is searched with indexOf). */
function literalsFor(
  source: LogicalSource,
  selection: Selection,
  mustContain: string[] | undefined,
  labelEquals?: ScanRequest['labelEquals']
): Buffer[] {
  const texts = (mustContain ?? []).filter((t) => prefiltersBytes(source, t));
  texts.push(...labelLiterals(source, labelEquals));
  const service = selection.serviceLiteral;
  if (service !== undefined && service !== source.defaultService) {
    texts.push(source.format.name === 'json' ? `"${service}"` : service);
  }
  return [...new Set(texts)].map((t) => Buffer.from(t, 'utf8')).sort((a, b) => b.length - a.length);
}

/**
 * Whether a line's raw bytes contain `literal` whenever its text does. Literals with U+FFFD may
 * match a decoded invalid sequence that the raw bytes do not contain; literals spanning lines can
 * only match multi-line records.
 */
function prefiltersBytes(source: LogicalSource, literal: string): boolean {
  return literal.length > 0 && !literal.includes('\ufffd') && !(literal.includes('\n') && !source.format.multiline);
}

/** The raw-byte groups for one source (`ScanRequest.mustContainOneOf`) whose every literal prefilters bytes. */
function literalGroupsFor(source: LogicalSource, groups: string[][] | undefined): Buffer[][] {
  return (groups ?? [])
    .filter((group) => group.every((t) => prefiltersBytes(source, t)))
    .map((group) => group.map((t) => Buffer.from(t, 'utf8')));
}

/** Adds what planning counted and noticed (index counters, unreadable files) in `from` to `into`. */
function addPlanningStats(into: ScanStats, from: ScanStats): void {
  into.notices.push(...from.notices);
  const counts = into as unknown as Record<string, number | undefined>;
  for (const [name, value] of Object.entries(from)) {
    if (typeof value === 'number') {
      counts[name] = (counts[name] ?? 0) + value;
    }
  }
}

/** What planning with summaries collects besides the scan plans of the rest. */
interface SummaryTarget {
  kind: 'summaries';
  files: SummaryFile[];
  /** Indexed minutes a window edge splits: scanned (`edgePlans`), not read from summaries. */
  edgeBuckets: Set<number>;
  /** Format-own summary labels the query reads: files of formats without them are scanned. */
  formatLabels: string[];
  edgePlans: FileScanPlan[];
}

/** What planning with record columns collects besides the scan plans of the rest. */
interface ColumnTarget {
  kind: 'columns';
  parts: ColumnPart[];
}

interface OpenedFile {
  file: SourceFile;
  fh?: FileHandle;
  index: FileTimeIndex;
}

/** Closes the files' handles once (a second call finds none). */
async function closeFiles(opened: OpenedFile[]): Promise<void> {
  const handles = opened.map((o) => o.fh);
  opened.forEach((o) => (o.fh = undefined));
  await Promise.all(handles.map((fh) => fh?.close()));
}

class FileStore implements FileLogStore {
  private readonly indexes = new IndexCache();
  private readonly blocks: BlockIndexes | undefined;
  /** Start-up: every file opened once, so indexing starts before the first query. */
  private readonly warming: Promise<void>;
  private fileKeys = new Map<string, string>();
  /** Where files may be read from, as of the last discovery. */
  private allowed: string[] = [];

  constructor(
    private readonly config: StoreConfig,
    private readonly options: FileStoreOptions
  ) {
    this.blocks = options.index === undefined ? undefined : new BlockIndexes(options.index);
    this.warming = this.blocks === undefined ? Promise.resolve() : this.warmIndex(this.blocks).catch(() => undefined);
  }

  private discover(): Discovery {
    const discovery = discoverSources(this.config);
    this.allowed = discovery.allowed;
    const paths = new Set(discovery.sources.flatMap((s) => s.files.map((f) => f.path)));
    this.indexes.retain(paths);
    this.blocks?.retain(paths);
    return discovery;
  }

  /**
   * Opens every file once, so that their builds start without waiting for a query. After the
   * queries of this turn: a store is made for the call that first names its data source, and
   * that query opens the files it reads itself (builds start once it ends, see giveWay.ts).
   */
  private async warmIndex(blocks: BlockIndexes): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await blocks.queriesEnded();
    const notices: Notice[] = [];
    for (const source of this.discover().sources) {
      const files = await this.openFiles(source, notices);
      await Promise.all(files.map((f) => f.fh?.close()));
    }
  }

  queryStarted(): () => void {
    return this.blocks?.queryStarted() ?? (() => {});
  }

  selectedFilesVersion(matchers: LabelMatcher[]): string {
    const discovery = this.discover();
    const files = select(discovery.sources, matchers).sources.flatMap((source) =>
      source.files.map((f) => [f.path, f.dev, f.ino, f.size, f.mtimeMs])
    );
    return JSON.stringify([files, discovery.problems]);
  }

  async indexIdle(): Promise<void> {
    await this.warming;
    await this.blocks?.idle();
  }

  async indexStatus(): Promise<IndexStatus | undefined> {
    await this.warming; // every file seen once
    return this.blocks?.status();
  }

  private fileKey(file: SourceFile): string {
    const identity = `${file.dev}:${file.ino}`;
    let key = this.fileKeys.get(identity);
    if (key === undefined) {
      key = `${file.ino.toString(36)}.${file.dev.toString(36)}`;
      if (this.fileKeys.size > 100_000) {
        this.fileKeys = new Map();
      }
      this.fileKeys.set(identity, key);
    }
    return key;
  }

  private context(source: LogicalSource, file: SourceFile): FileContext {
    return {
      source: source.source,
      filename: source.filename,
      defaultService: source.defaultService,
      fileKey: this.fileKey(file),
    };
  }

  /** Opens the files of a source and reads their indexes; unreadable files become notices. */
  private async openFiles(source: LogicalSource, notices: Notice[]): Promise<OpenedFile[]> {
    const opened: OpenedFile[] = [];
    for (const file of source.files) {
      try {
        if (file.gzip) {
          const index = await this.indexes.gzip(file.path, file.dev, file.ino, file.size, source.format);
          opened.push({ file, index });
          this.blocks?.observe({
            path: file.path,
            identity: index.identity,
            gzip: true,
            size: file.size,
            live: false,
            format: source.format,
            ctx: this.context(source, file),
            firstTs: Number.isNaN(index.firstTs) ? file.mtimeMs : index.firstTs,
          });
          continue;
        }
        const fh = await openLogFile(file.path, this.allowed);
        try {
          const st = await fh.stat();
          const current = { ...file, size: st.size, dev: st.dev, ino: st.ino };
          const index = await this.indexes.plain(file.path, fh, st.dev, st.ino, st.size, source.format);
          opened.push({ file: current, fh, index });
          this.blocks?.observe({
            path: file.path,
            identity: index.identity,
            gzip: false,
            size: st.size,
            live: file.live,
            format: source.format,
            ctx: this.context(source, current),
            firstTs: Number.isNaN(index.firstTs) ? file.mtimeMs : index.firstTs,
          });
        } catch (e) {
          await fh.close();
          throw e;
        }
      } catch (e) {
        notices.push({ severity: 'warning', text: `cannot read ${file.path}: ${(e as Error).message}` });
      }
    }
    // Time order (oldest first); a file without known times keeps its rotation-name order.
    opened.sort((a, b) => {
      const ta = a.index.firstTs;
      const tb = b.index.firstTs;
      return Number.isNaN(ta) || Number.isNaN(tb) || ta === tb ? b.file.age - a.file.age : ta - tb;
    });
    return opened;
  }

  async *scan(request: ScanRequest, stats: ScanStats): AsyncGenerator<LogRecord[]> {
    const opened: OpenedFile[] = [];
    const plans = await this.plansOrClose(opened, stats, () =>
      this.plans(this.selectReporting(stats), request, stats, opened)
    );
    yield* this.scanPlans(plans, opened, request, stats);
  }

  /** `plan()`'s plans; on failure the files opened so far are closed and the stats summarised. */
  private async plansOrClose(
    opened: OpenedFile[],
    stats: ScanStats,
    plan: () => Promise<FileScanPlan[]>
  ): Promise<FileScanPlan[]> {
    try {
      return await plan();
    } catch (e) {
      await closeFiles(opened);
      summarise(stats);
      throw e;
    }
  }

  /**
   * Plan: summaries. Per-minute summaries of the selected files' indexed prefixes, and a scan of
   * the rest (bytes not indexed yet, gzip files); undefined without a block index.
   */
  async summaryScan(request: ScanRequest, stats: ScanStats, plan: SummaryPlan): Promise<SummaryScan | undefined> {
    if (this.blocks === undefined) {
      return undefined;
    }
    const opened: OpenedFile[] = [];
    const target: SummaryTarget = {
      kind: 'summaries',
      files: [],
      edgeBuckets: new Set(plan.edgeBuckets),
      formatLabels: plan.formatLabels,
      edgePlans: [],
    };
    // Planned apart: without summaries, the scan that answers instead plans (and counts) again.
    const planned = emptyStats();
    const plans = await this.plansOrClose(opened, stats, () =>
      this.plans(this.selectReporting(planned), request, planned, opened, target)
    );
    if (target.files.length === 0) {
      // Nothing indexed yet: the plain scan (split across threads) is faster than this one.
      await closeFiles(opened);
      return undefined;
    }
    addPlanningStats(stats, planned);
    return {
      files: target.files,
      rest: this.scanPlans(plans, opened, request, stats, false),
      edges: this.scanPlans(target.edgePlans, opened, request, stats, false),
      close: () => closeFiles(opened),
    };
  }

  /**
   * Plan: index, record columns. The rows of the selected files' covered prefixes whose columns
   * answer every label the query reads (`request.columnLabels`), and a scan of the rest; undefined
   * without a block index or when no file has such columns.
   */
  async columnScan(request: ScanRequest, stats: ScanStats): Promise<ColumnScan | undefined> {
    if (this.blocks === undefined || request.columnLabels === undefined) {
      return undefined;
    }
    // Most such queries select no format with columns (an application log's errors by trace):
    // they go to the scan at once, without opening and planning every file first.
    const discovery = this.discover();
    if (!select(discovery.sources, request.matchers).sources.some((s) => s.format.columnLabels.length > 0)) {
      return undefined;
    }
    const opened: OpenedFile[] = [];
    const target: ColumnTarget = { kind: 'columns', parts: [] };
    // Planned apart: without columns, the scan that answers instead plans (and counts) again.
    const planned = emptyStats();
    const plans = await this.plansOrClose(opened, stats, () =>
      this.plans(this.selectReporting(planned, discovery), request, planned, opened, target)
    );
    if (target.parts.length === 0) {
      await closeFiles(opened);
      return undefined;
    }
    addPlanningStats(stats, planned);
    return {
      parts: target.parts,
      rest: this.scanPlans(plans, opened, request, stats, false),
      close: () => closeFiles(opened),
    };
  }

  /** The request's selection; discovery problems become notices. */
  private selectReporting(stats: ScanStats, discovery = this.discover()): (matchers: LabelMatcher[]) => Selection {
    const skipped = discoveryNotice(discovery.problems);
    if (skipped) {
      stats.notices.push(skipped);
    }
    return (matchers) => select(discovery.sources, matchers);
  }

  /** Scans the plans, merged by time; `closeAtEnd`: then closes the opened files. */
  private async *scanPlans(
    plans: FileScanPlan[],
    opened: OpenedFile[],
    request: ScanRequest,
    stats: ScanStats,
    closeAtEnd = true
  ): AsyncGenerator<LogRecord[]> {
    const budget = new ScanBudget(stats, request.limits, request.signal);
    const streams: Array<AsyncGenerator<LogRecord[]>> = [];
    const splits = this.searchSplits(plans, request, stats);
    const maxDurationMs = request.limits?.maxDurationMs;
    const deadline = maxDurationMs === undefined ? undefined : Date.now() + maxDurationMs;
    // Every file's parts for the worker go to it at once, in the order the scan reaches them.
    const workerParts = splits.map((parts) => (parts ?? []).filter(searchedByWorker));
    const searches = startSearches(workerParts.flat().map((part) => ({ part, deadline })));
    const local = new LocalScans(searches);
    try {
      let firstJob = 0;
      for (const [i, plan] of plans.entries()) {
        const parts = splits[i];
        if (parts === undefined) {
          const scanPlan = request.transient === true ? { ...plan, transient: true } : plan;
          streams.push(local.track(new FileScanner(scanPlan, budget).records()));
        } else {
          streams.push(searchParts({ parts, searches, firstJob, local, onComplete: plan.onComplete }, budget));
          firstJob += workerParts[i].length;
        }
      }
      // Inputs read ahead of the merge unless they reuse their batches' memory.
      yield* mergeByTime(streams, request.direction, BATCH_SIZE, request.transient !== true);
    } finally {
      budget.end();
      searches.stop();
      await Promise.all(streams.map((s) => s.return(undefined)));
      if (closeAtEnd) {
        await closeFiles(opened);
        summarise(stats);
      }
    }
  }

  /**
   * Literal searches of large plain-file ranges, each cut into parts for two threads, and of gzip
   * files, whole, for the worker (`scan/search.ts`), in the order the scan reads them; undefined
   * for a plan scanned whole in this thread (and for listed records: few, each read alone). None
   * when a byte limit could be reached (parts count their bytes apart).
   */
  private searchSplits(plans: FileScanPlan[], request: ScanRequest, stats: ScanStats): Array<ScanPart[] | undefined> {
    const maxBytes = request.limits?.maxBytesScanned;
    const total = plans.reduce((n, plan) => n + plan.end - plan.start, 0);
    if (this.options.oneThread || (maxBytes !== undefined && stats.bytesScanned + total >= maxBytes)) {
      return plans.map(() => undefined);
    }
    return plans.map((plan) => {
      if (plan.literals.length === 0 || plan.listed !== undefined) {
        return undefined;
      }
      const gzip = gzipPart(plan, request.matchers);
      if (gzip !== undefined) {
        return [gzip];
      }
      const parts = splitPlan(plan, request.matchers, PARALLEL_PARTS, this.options.minSplitBytes);
      if (parts === undefined || parts.length < 2) {
        return undefined;
      }
      return plan.direction === 'backward' ? parts.reverse() : parts;
    });
  }

  async splitScan(request: ScanRequest, stats: ScanStats, parts: number): Promise<ScanPart[] | undefined> {
    if (request.direction !== 'forward' || parts < 2) {
      return undefined;
    }
    const discovery = this.discover();
    const selection = select(discovery.sources, request.matchers);
    const opened: OpenedFile[] = [];
    // Problems and unreadable files are reported by `scan`: leave such scans to it.
    const notices: Notice[] = [];
    if (discovery.problems.length > 0) {
      return undefined;
    }
    try {
      const plans = await this.plans(() => selection, request, { ...emptyStats(), notices }, opened);
      const only = plans.length === 1 ? plans[0] : undefined;
      const maxBytes = request.limits?.maxBytesScanned;
      // Parts count their bytes apart: split only when the limit cannot be reached.
      if (
        only === undefined ||
        notices.length > 0 ||
        (maxBytes !== undefined && stats.bytesScanned + (only.end - only.start) >= maxBytes)
      ) {
        return undefined;
      }
      return splitPlan(only, request.matchers, parts, this.options.minSplitBytes);
    } finally {
      await Promise.all(opened.map((o) => o.fh?.close()));
    }
  }

  /**
   * Opens the selected sources' files (into `opened`, for the caller to close) and plans each.
   * With a target, indexed prefixes go there (summaries, or record columns) and only the rest is
   * planned for scanning.
   */
  private async plans(
    selectFor: (matchers: LabelMatcher[]) => Selection,
    request: ScanRequest,
    stats: ScanStats,
    opened: OpenedFile[],
    target?: SummaryTarget | ColumnTarget
  ): Promise<FileScanPlan[]> {
    const selection = selectFor(request.matchers);
    const plans: FileScanPlan[] = [];
    for (const source of selection.sources) {
      const files = await this.openFiles(source, stats.notices);
      opened.push(...files);
      const prefilter = {
        literals: literalsFor(source, selection, request.mustContain, request.labelEquals),
        literalGroups: literalGroupsFor(source, request.mustContainOneOf),
      };
      for (let i = 0; i < files.length; i++) {
        const plan = await this.plan(source, files, i, request, prefilter, selection.accept);
        if (plan !== undefined) {
          plans.push(...(await this.useIndex(plan, files[i], request, stats, target)));
        }
      }
    }
    return plans;
  }

  /**
   * Plan: index | summaries | scan, for one file's plan. Summaries: the indexed prefix is answered
   * from its summaries, the rest scanned. Index: a literal with a trace id is searched only in the
   * blocks whose fingerprints have it, and in the rest; a query for listed levels only reads the
   * records the level lists name, and the rest. Columns: a query that reads only column labels
   * takes the indexed prefix's rows from its record columns, the rest is scanned. Scan: the plan as
   * it is.
   */
  private async useIndex(
    plan: FileScanPlan,
    opened: OpenedFile,
    request: Pick<ScanRequest, 'labelEquals' | 'levels' | 'columnLabels'>,
    stats: ScanStats,
    target: SummaryTarget | ColumnTarget | undefined
  ): Promise<FileScanPlan[]> {
    const { labelEquals } = request;
    const { identity } = opened.index;
    const coverage =
      target?.kind === 'columns'
        ? this.blocks?.withColumns(plan.path, identity, opened.file.size)
        : this.blocks?.coverage(plan.path, identity, opened.file.size);
    if (coverage === undefined) {
      return [plan];
    }
    if (target?.kind === 'summaries') {
      return this.summaryPlans(plan, opened, coverage, stats, target);
    }
    const rest = target?.kind === 'columns' && columnPlans(plan, coverage, request.columnLabels, stats, target.parts);
    if (rest) {
      return rest;
    }
    const fingerprint = [
      ...plan.literals,
      // Access-log trace_id labels are fingerprinted by value (no literal stands for them).
      ...(plan.format.name === 'access' ? (labelEquals ?? []).filter((l) => l.name === TRACE_ID_LABEL) : []).map((l) =>
        Buffer.from(l.value, 'utf8')
      ),
    ]
      .map(literalFingerprint)
      .find((f) => f !== undefined);
    if (fingerprint === undefined) {
      return levelPlans(plan, coverage, request.levels, stats);
    }
    if (plan.gzip) {
      // A gzip file is read whole or not at all.
      const hit = coverage.segments.some((s) => s.fingerprints.some((f) => hasFingerprint(f, fingerprint)));
      stats.indexBytesSkipped = (stats.indexBytesSkipped ?? 0) + (hit ? 0 : opened.file.size);
      return hit ? [plan] : [];
    }
    const { ranges, skipped } = traceRanges(coverage, fingerprint, plan.start, plan.end, plan.firstTs);
    stats.indexBytesSkipped = (stats.indexBytesSkipped ?? 0) + skipped;
    return ranges.map((r) => ({
      ...plan,
      start: r.start,
      end: r.end,
      firstTs: Number.isNaN(r.firstTs) ? plan.firstTs : r.firstTs,
    }));
  }

  /**
   * Plan: summaries for one file's indexed prefix (into `target.files`), with scans of the rest
   * (returned) and of the indexed minutes that a window edge splits (into `target.edgePlans`).
   */
  private async summaryPlans(
    plan: FileScanPlan,
    opened: OpenedFile,
    coverage: Coverage,
    stats: ScanStats,
    target: SummaryTarget
  ): Promise<FileScanPlan[]> {
    if (
      !coverage.segments.every((s) => s.summary !== undefined) ||
      target.formatLabels.some((name) => !plan.format.summaryLabels.includes(name))
    ) {
      return [plan];
    }
    // A snapshot: a build that ends meanwhile must not add segments the scan below also reads.
    const segments = coverage.segments.slice();
    const file = { stream: { source: plan.ctx.source, filename: plan.ctx.filename }, segments, accept: plan.accept };
    target.files.push(file);
    countFlagged(file, plan.fromMs, plan.toMs, target.edgeBuckets, stats);
    const edges = edgeRanges(target.edgeBuckets, plan.fromMs, plan.toMs);
    if (plan.fh === undefined) {
      // A gzip file is read whole: once, for all the edge minutes it has lines in.
      const inFile = edges.filter((e) =>
        segments.some((seg) =>
          seg.summary!.bucket.some((b) => (b - 1) * BUCKET_MS < e.toMs && b * BUCKET_MS >= e.fromMs)
        )
      );
      if (inFile.length > 0) {
        target.edgePlans.push({ ...plan, fromMs: inFile[0].fromMs, toMs: inFile[inFile.length - 1].toMs });
      }
      return [];
    }
    for (const edge of edges) {
      const { start, end } = await seekRange(opened.index, plan.fh, plan.format, edge.fromMs, edge.toMs);
      if (start < Math.min(end, coverage.end)) {
        target.edgePlans.push({ ...plan, ...edge, start, end: Math.min(end, coverage.end) });
      }
    }
    const start = Math.max(plan.start, coverage.end);
    const firstTs = start === coverage.end ? coverage.nextTs : plan.firstTs;
    return start < plan.end ? [{ ...plan, start, firstTs: Number.isNaN(firstTs) ? plan.firstTs : firstTs }] : [];
  }

  /** The scan plan of one file, or undefined when its time span misses the range. */
  private async plan(
    source: LogicalSource,
    files: OpenedFile[],
    i: number,
    request: Pick<ScanRequest, 'fromMs' | 'toMs' | 'direction'>,
    prefilter: Pick<FileScanPlan, 'literals' | 'literalGroups'>,
    accept: (r: LogRecord) => boolean
  ): Promise<FileScanPlan | undefined> {
    const { file, fh, index } = files[i];
    const { fromMs, toMs } = request;
    // The newest time a file can hold: its last line, or (gzip) its indexed maximum, or the next
    // newer file's first time; all up to the disorder tolerance.
    const nextFirst = i + 1 < files.length ? files[i + 1].index.firstTs : NaN;
    const maxTs = file.gzip ? (index.gzipSpan?.maxTs ?? nextFirst) : index.lastTs;
    const minTs = index.gzipSpan?.minTs ?? index.firstTs;
    if (minTs - DISORDER_TOLERANCE_MS >= toMs || maxTs + DISORDER_TOLERANCE_MS < fromMs) {
      return undefined;
    }
    let start = 0;
    let end = file.size;
    if (fh !== undefined) {
      ({ start, end } = await seekRange(index, fh, source.format, fromMs, toMs));
    }
    return {
      path: file.path,
      fh,
      gzip: file.gzip,
      format: source.format,
      ctx: this.context(source, file),
      start,
      end,
      holdTail: file.live,
      direction: request.direction,
      fromMs,
      toMs,
      ...prefilter,
      accept,
      firstTs: Number.isNaN(index.firstTs) ? file.mtimeMs : index.firstTs,
      onComplete: file.gzip && index.gzipSpan === undefined ? (span) => (index.gzipSpan = span) : undefined,
    };
  }

  async labelNames(fromMs: number, toMs: number, signal?: AbortSignal): Promise<string[]> {
    const names = new Set<string>();
    await this.sample(fromMs, toMs, [], signal, (record) => {
      for (const name of Object.keys(record.stream)) {
        names.add(name);
      }
      for (const name of Object.keys(record.metadata)) {
        names.add(name);
      }
    });
    return [...names].sort();
  }

  async labelValues(
    name: string,
    fromMs: number,
    toMs: number,
    matchers: LabelMatcher[] = [],
    signal?: AbortSignal
  ): Promise<string[]> {
    const values = new Set<string>();
    if (STATIC_LABELS.has(name)) {
      for (const source of select(this.discover().sources, matchers).sources) {
        values.add(name === 'source' ? source.source : source.filename);
      }
    } else {
      await this.sample(fromMs, toMs, matchers, signal, (record) => {
        const value = record.label(name);
        if (value !== undefined && value !== '') {
          values.add(value);
        }
      });
    }
    return [...values].sort();
  }

  /** Visits the newest records of each selected source in the range (bounded per source). */
  private async sample(
    fromMs: number,
    toMs: number,
    matchers: LabelMatcher[],
    signal: AbortSignal | undefined,
    visit: (r: LogRecord) => void
  ) {
    const discovery = this.discover();
    for (const source of select(discovery.sources, matchers).sources) {
      let seen = 0;
      const scan = this.scan(
        {
          matchers: [
            ...matchers.filter((m) => !STATIC_LABELS.has(m.name)),
            { name: 'filename', op: '=', value: source.filename },
          ],
          fromMs,
          toMs,
          direction: 'backward',
          signal,
          limits: { maxBytesScanned: LABEL_SAMPLE_BYTES },
        },
        emptyStats()
      );
      for await (const batch of scan) {
        for (const record of batch) {
          visit(record);
        }
        seen += batch.length;
        if (seen >= LABEL_SAMPLE_RECORDS || signal?.aborted) {
          break;
        }
      }
    }
  }

  async plannedReads(matchers: LabelMatcher[], fromMs: number, toMs: number): Promise<PlannedRead[]> {
    const selection = select(this.discover().sources, matchers);
    const reads: PlannedRead[] = [];
    for (const source of selection.sources) {
      const files = await this.openFiles(source, []);
      try {
        for (let i = 0; i < files.length; i++) {
          const plan = await this.plan(
            source,
            files,
            i,
            { fromMs, toMs, direction: 'forward' },
            { literals: [] },
            selection.accept
          );
          if (plan !== undefined) {
            const { file, index } = files[i];
            reads.push({
              source: source.source,
              filename: source.filename,
              path: plan.path,
              gzip: plan.gzip,
              size: file.size,
              start: plan.start,
              end: plan.end,
              lines: index.gzipSpan?.lines,
            });
          }
        }
      } finally {
        await Promise.all(files.map((f) => f.fh?.close()));
      }
    }
    return reads;
  }

  locateRecord(id: string): LocatedRecord | undefined {
    const m = RECORD_ID.exec(id);
    if (m === null) {
      return undefined;
    }
    for (const source of this.discover().sources) {
      for (const file of source.files) {
        const ctx = this.context(source, file);
        if (ctx.fileKey === `${m[1]}.${m[2]}`) {
          const { path, gzip, live, mtimeMs } = file;
          return { path, gzip, live, mtimeMs, format: source.format, ctx, offset: Number(m[3]) };
        }
      }
    }
    return undefined;
  }

  tail(request: TailRequest): AsyncGenerator<LogRecord[]> {
    return followSources(() => this.tailTargets(request.matchers, request.mustContain), request);
  }

  follower(request: TailRequest): TailFollower {
    return new TailFollower(() => this.tailTargets(request.matchers, request.mustContain), request);
  }

  private tailTargets(matchers: LabelMatcher[], mustContain: string[] | undefined): TailTarget[] {
    const selection = select(this.discover().sources, matchers);
    return selection.sources.map((source) => ({
      source,
      literals: literalsFor(source, selection, mustContain),
      accept: selection.accept,
      context: (file: SourceFile) => this.context(source, file),
      allowed: this.allowed,
    }));
  }

  describeSources(): SourceDescription[] {
    const discovery = this.discover();
    const described: SourceDescription[] = discovery.sources.map((source) => {
      const problems: string[] = [];
      if (!source.files.some((f) => f.live)) {
        problems.push(`the live file ${source.filename} is missing; only rotated files exist`);
      }
      const files = source.files.map((file) => {
        const times = file.gzip
          ? this.indexes.gzipTimes(file.path)
          : timesOfPlainFile(file.path, source, file.size, this.allowed);
        if (!file.gzip && times === undefined) {
          problems.push(`cannot read ${file.path}`);
        } else if (!file.gzip && file.size > 0 && times?.first === undefined) {
          problems.push(`no timestamp found at the start of ${file.path}`);
        }
        return {
          path: file.path,
          size: file.size,
          compressed: file.gzip,
          live: file.live,
          firstTime: times?.first,
          lastTime: times?.last,
        };
      });
      return { source: source.source, filename: source.filename, format: source.format.name, files, problems };
    });
    if (discovery.problems.length > 0 || discovery.accessLogMissing) {
      described.push({
        source: '(discovery)',
        filename: '',
        format: 'text',
        files: [],
        problems: [...discovery.problems, ...(discovery.accessLogMissing ? [discovery.accessLogMissing] : [])],
      });
    }
    return described;
  }
}

/** How many discovery problems one notice lists by name (the count covers them all). */
const LISTED_PROBLEMS = 10;

/** One notice for everything discovery skipped: how many, and why for the first few. */
function discoveryNotice(problems: string[]): Notice | undefined {
  if (problems.length === 0) {
    return undefined;
  }
  const listed = problems.slice(0, LISTED_PROBLEMS).join('; ');
  const more = problems.length > LISTED_PROBLEMS ? `; and ${problems.length - LISTED_PROBLEMS} more` : '';
  return {
    severity: 'warning',
    text: `${problems.length} problem(s) under the log roots, skipped: ${listed}${more}`,
  };
}

/** First and last time of a plain file from its head and tail (synchronous, for diagnostics). */
function timesOfPlainFile(
  path: string,
  source: LogicalSource,
  size: number,
  allowed: string[]
): { first?: string; last?: string } | undefined {
  const window = 64 << 10;
  let fd: number | undefined;
  try {
    fd = openLogFileSync(path, allowed);
    const read = (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      return buf.subarray(0, readSync(fd!, buf, 0, length, position));
    };
    const times = (buf: Buffer, skipFirstLine: boolean) => {
      let first: number | undefined;
      let last: number | undefined;
      let s = skipFirstLine ? buf.indexOf(10) + 1 : 0;
      if (skipFirstLine && s === 0) {
        return { first, last };
      }
      while (s < buf.length) {
        const nl = buf.indexOf(10, s);
        const ts = source.format.lineTs(buf, s, nl < 0 ? buf.length : nl);
        if (!Number.isNaN(ts)) {
          first ??= ts;
          last = ts;
        }
        if (nl < 0) {
          break;
        }
        s = nl + 1;
      }
      return { first, last };
    };
    const head = times(read(0, window), false);
    const tail = size > window ? times(read(size - window, window), true) : head;
    return {
      first: head.first === undefined ? undefined : msToIso(head.first),
      last: tail.last === undefined ? undefined : msToIso(tail.last),
    };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}
