/**
 * The log engine's data model: what the storage layer (sources, readers, index) hands to the
 * LogQL layer. Nothing here knows about Grafana.
 *
 * Time is epoch **milliseconds** as a JS number; the fractional part carries sub-millisecond
 * precision down to the microsecond (a double has ~0.24 µs resolution at today's epoch, so
 * nanosecond inputs are rounded to the microsecond). Use `time.ts` to convert to Loki's
 * nanosecond strings.
 */

import type { SummaryPlan } from './index/planner';
import type { SummaryScan } from './index/summaries';
import type { ColumnScan } from './scan/columnRows';

/** A label set: Loki label name → value. */
export type Labels = Record<string, string>;

/** One log entry. Readers compute labels lazily: reading `ts` and `line` must stay cheap. */
export interface LogRecord {
  /** Epoch milliseconds (fraction = microseconds). */
  readonly ts: number;
  /** The entry text without its trailing newline; multi-line text records are joined with "\n". */
  readonly line: string;
  /** Stable unique id: file identity + byte offset. Used for de-duplication and log context. */
  readonly id: string;
  /** Stream labels: `source`, `service_name`, `filename` (see docs/labels.md). */
  readonly stream: Labels;
  /** Structured metadata (Loki OTLP conventions): top-level scalar fields, `detected_level`, ... */
  readonly metadata: Labels;
  /**
   * One stream label or structured-metadata value, without materialising the others when the
   * reader can extract it cheaply (e.g. `detected_level` from a JSON line by a byte search).
   */
  label(name: string): string | undefined;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A stream selector matcher, `{name op "value"}`. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type Direction = 'forward' | 'backward';

/** A notice for the user: data that was skipped, a limit that was hit, a file that was unreadable. */
export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/** Limits that end a query early with a notice. All optional; undefined = unlimited. */
export interface QueryLimits {
  /** Maximum bytes read from disk (compressed bytes for gzip files). */
  maxBytesScanned?: number;
  /** Wall-clock budget in ms. */
  maxDurationMs?: number;
}

/** What the storage layer is asked for. The range is [fromMs, toMs). */
export interface ScanRequest {
  /** Stream selector; the store evaluates it per record (service_name comes from record content). */
  matchers: LabelMatcher[];
  fromMs: number;
  toMs: number;
  direction: Direction;
  /**
   * Literal byte strings that every returned line must contain (a necessary condition the query
   * layer derived from `|=` filters and equality matchers). The store may use them to skip lines
   * before decoding or parsing them; it must never return fewer records than the exact filter would.
   */
  mustContain?: string[];
  /**
   * Groups of literals: every returned line contains one literal of each group (line filters
   * that allow a few, `|~ "a|b"`). Like `mustContain`, only a hint.
   */
  mustContainOneOf?: string[][];
  /**
   * Label equalities every kept record satisfies (`record.label(name) === value`), derived from
   * label filters that run before any stage that could change labels. The store may turn values
   * it reads straight from line bytes into raw-byte literals; like `mustContain`, only a hint.
   */
  labelEquals?: Array<{ name: string; value: string }>;
  /**
   * The `detected_level` values a kept record can have (from the same label filters), when they
   * are limited: the store may read only the records its index lists at those levels.
   */
  levels?: string[];
  /**
   * Every label the consumer reads, when it reads no line and nothing else of a record (a range
   * aggregation the planner's `columnLabelsRead` allows): `columnScan` then gives rows of its
   * index's record columns (`readers/columns.ts`), which answer those labels alone.
   */
  columnLabels?: string[];
  /**
   * The consumer is done with a yielded batch (its records and their bytes) when it asks for the
   * next one, as a range aggregation is: a scan of one file may then reuse its read memory instead
   * of copying each record out of it.
   */
  transient?: boolean;
  signal?: AbortSignal;
  limits?: QueryLimits;
}

/** Counters a scan reports, surfaced to users as query stats and notices. */
export interface ScanStats {
  filesRead: number;
  bytesScanned: number;
  linesScanned: number;
  malformedLines: number;
  invalidUtf8Lines: number;
  /** Lines longer than the reader's maximum, returned cut (optional: added for the file store). */
  cutLines?: number;
  /** Records without a timestamp of their own, given a neighbour's or the file's time. */
  untimedLines?: number;
  /** File bytes the trace-id index, the level lists or the record columns ruled out (not read). */
  indexBytesSkipped?: number;
  /** Records read alone because a level list named them (plan: index). */
  indexListedLines?: number;
  /** Records read from the index's columns instead of the file (plan: index). */
  indexColumnLines?: number;
  /** Summary rows read instead of lines (plan: summaries), and the lines they stand for. */
  summaryRows?: number;
  summaryLines?: number;
  /** Series whose samples came from a sibling query's collection (another quantile of them). */
  siblingSeries?: number;
  notices: Notice[];
  /** Set when a limit, the deadline or cancellation ended the scan early. */
  truncated?: 'bytes' | 'time' | 'cancelled';
}

/** The storage layer as the LogQL layer sees it. */
export interface LogStore {
  /**
   * Records matching the selector in [fromMs, toMs), in batches. Each batch and the whole
   * sequence is time-ordered in `direction` up to the small disorder real log files have
   * (entries written out of order within `DISORDER_TOLERANCE_MS`).
   */
  scan(request: ScanRequest, stats: ScanStats): AsyncIterable<LogRecord[]>;
  /** Stream-label and structured-metadata names seen in the range. */
  labelNames(fromMs: number, toMs: number, signal?: AbortSignal): Promise<string[]>;
  /** Values of one label in the range (optionally restricted by a selector). */
  labelValues(
    name: string,
    fromMs: number,
    toMs: number,
    matchers?: LabelMatcher[],
    signal?: AbortSignal
  ): Promise<string[]>;
  /**
   * Optional: when a forward scan reads one byte range of one plain file (and nothing else),
   * that range cut at timed line starts into up to `parts` pieces (one when it is small) that can
   * be scanned independently (e.g. in worker threads, see `scan/parts.ts`) and give, concatenated in order,
   * the records of `scan` — except that the records of parts after one that stopped early
   * (`FileScanner.stoppedEarly`) must be dropped, and the scan's notices summarised
   * (`scan/budget.ts` `summarise`). Undefined when the scan reads other files too, or a file
   * problem is to be reported, or a byte limit could be reached (parts count their bytes apart).
   */
  splitScan?(request: ScanRequest, stats: ScanStats, parts: number): Promise<ScanPart[] | undefined>;
  /**
   * Optional (plan: summaries): per-minute summaries of the indexed part of the selected files, a
   * scan of the rest, and a scan of the indexed minutes in `plan.edgeBuckets` (minutes a window
   * edge splits; their rows are not to be used); undefined when the store keeps no summaries.
   */
  summaryScan?(request: ScanRequest, stats: ScanStats, plan: SummaryPlan): Promise<SummaryScan | undefined>;
  /**
   * Optional (plan: index, record columns): the rows of the selected files' covered prefixes
   * whose record columns answer every label in `request.columnLabels`, and a scan of the rest;
   * undefined when the store has none.
   */
  columnScan?(request: ScanRequest, stats: ScanStats): Promise<ColumnScan | undefined>;
  /** Optional: a query started; background work (index builds) gives way until the returned function is called. */
  queryStarted?(): () => void;
  /**
   * Optional: the state of the files `matchers` select, as discovery finds them now (paths,
   * identities, sizes, modification times, and what it skipped): while it stays the same, so does
   * every answer over them.
   */
  selectedFilesVersion?(matchers: LabelMatcher[]): string;
}

/** A byte range of one plain file, scanned alone (plain data: it is posted to worker threads). */
export interface ScanPart {
  path: string;
  format: 'json' | 'text' | 'access' | 'lines';
  /** The file's FileContext (source, filename, defaultService, fileKey). */
  ctx: { source: string; filename: string; defaultService: string; fileKey: string };
  direction: Direction;
  /** Byte range: `start` is a timed line's start, `end` a line end or the file size. */
  start: number;
  end: number;
  holdTail: boolean;
  fromMs: number;
  toMs: number;
  /** Raw-byte literals, longest first, and groups of them (FileScanPlan); the selector's matchers. */
  literals: Uint8Array[];
  literalGroups?: Uint8Array[][];
  matchers: LabelMatcher[];
  /** Time for untimed lines before the part's first timed line. */
  firstTs: number;
  /** A whole gzip file (the range is the whole file: gzip is read from its start). */
  gzip?: boolean;
  /** Report the file's time span and line count (a gzip file whose span is not known yet). */
  learnSpan?: boolean;
}

/** A whole file's time span and line count, learnt by reading it all (gzip files' index). */
export interface FileSpan {
  minTs: number;
  maxTs: number;
  lines: number;
}

/**
 * How far out of time order entries of one file may be; seeks and early stops allow for it.
 * Concurrent Python writers disorder application logs by about a second; Traefik writes each
 * access-log entry when the response ends but stamps it with the request's start, so slow
 * requests land up to a gateway timeout (tens of seconds) late.
 */
export const DISORDER_TOLERANCE_MS = 60_000;

export function emptyStats(): ScanStats {
  return { filesRead: 0, bytesScanned: 0, linesScanned: 0, malformedLines: 0, invalidUtf8Lines: 0, notices: [] };
}
