/** The query API's request and result types (used by the CLI and the Grafana data source). */
import type { Direction, Labels, Notice, QueryLimits } from '../model';

export interface QueryRequest {
  query: string;
  startMs: number;
  endMs: number;
  /** Metric range queries only; default: Loki's `defaultQueryRangeStep`. */
  stepMs?: number;
  /** Evaluate a metric query once, at `endMs`. */
  instant?: boolean;
  /** Log queries: maximum entries returned (default 100, as Loki's API). */
  limit?: number;
  /** Log queries: `backward` (newest first, default) or `forward`. */
  direction?: Direction;
  signal?: AbortSignal;
  /** `maxSeries` defaults to Loki's `max_query_series` (500). */
  limits?: QueryLimits & { maxSeries?: number };
}

export interface StreamEntry {
  ts: number;
  line: string;
  id: string;
  structuredMetadata: Labels;
  parsed: Labels;
}

export interface StreamsResult {
  resultType: 'streams';
  /** Streams by full label set (stream labels + structured metadata + parsed), Loki's default encoding. */
  streams: Array<{ labels: Labels; entries: StreamEntry[] }>;
}

export interface MatrixResult {
  resultType: 'matrix';
  /** Each series' points column-wise: times (epoch ms, ascending) and their values. */
  series: Array<{ labels: Labels; times: number[]; values: number[] }>;
}

export interface VectorResult {
  resultType: 'vector';
  samples: Array<{ labels: Labels; ts: number; value: number }>;
}

export interface ScalarResult {
  resultType: 'scalar';
  ts: number;
  value: number;
}

export interface QueryStats {
  /** Bytes read from disk (compressed bytes for gzip files). */
  bytesScanned: number;
  linesScanned: number;
  /** Log entries returned, or samples for metric queries. */
  linesReturned: number;
  filesRead: number;
  execTimeMs: number;
  seriesCount: number;
  malformedLines: number;
  invalidUtf8Lines: number;
  /** Bytes the trace-id index or the level lists ruled out (not read). */
  indexBytesSkipped?: number;
  /** Records read alone because a level list named them. */
  indexListedLines?: number;
  /** Records read from the index's columns instead of the file. */
  indexColumnLines?: number;
  /** Per-minute summary rows read instead of lines, and the lines they stand for. */
  summaryRows?: number;
  summaryLines?: number;
  /** Series whose samples came from a sibling query's collection (another quantile of them). */
  siblingSeries?: number;
}

/** Stats of a result that read nothing (a tail batch, a query answered before any file was opened). */
export function emptyQueryStats(): QueryStats {
  return {
    bytesScanned: 0,
    linesScanned: 0,
    linesReturned: 0,
    filesRead: 0,
    execTimeMs: 0,
    seriesCount: 0,
    malformedLines: 0,
    invalidUtf8Lines: 0,
  };
}

export type QueryResult = (StreamsResult | MatrixResult | VectorResult | ScalarResult) & {
  stats: QueryStats;
  notices: Notice[];
};

/** Loki's defaults for the API parameters a request may omit. */
export const DEFAULT_LIMIT = 100;
/**
 * The most entries one log query returns whatever it asks for (Loki's
 * `max_entries_limit_per_query` default): what a query holds in memory is bounded by it.
 */
export const MAX_ENTRIES_LIMIT = 5000;
/** The longest time range one query covers (Loki's `max_query_length` default, 721 h). */
export const MAX_QUERY_RANGE_MS = 721 * 3_600_000;
export const DEFAULT_MAX_SERIES = 500;
