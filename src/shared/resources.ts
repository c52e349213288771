/**
 * The data source backend's resource API (CallResource), shared by the backend routes and every
 * browser caller (data source, editors, app pages). Paths are relative to
 * `/api/datasources/uid/<uid>/resources/`. Times are Unix nanoseconds as decimal strings, as in
 * Loki's HTTP API; where `start`/`end` are omitted the backend uses all time the files cover.
 *
 * Loki-shaped where Loki has the same endpoint, so the same frontend tooling fits both.
 */

export const ResourcePath = {
  /**
   * `GET labels?start&end&query`: stream label names only (Loki's `/labels`): `filename`,
   * `service_name`, `source` when the selector of `query` (optional) selects lines in the range,
   * else `[]`. Structured metadata and parsed fields come from `detected_fields`.
   */
  Labels: 'labels',
  /**
   * `GET label/<name>/values?start&end&query`: values of one label, a stream label or a
   * structured-metadata field such as `level` (so `label_values(level)` works); `query`'s selector
   * scopes them. `source`/`filename` come from the files, other names from a sample of the newest
   * lines (docs/labels.md).
   */
  labelValues: (name: string) => `label/${encodeURIComponent(name)}/values`,
  /**
   * `GET detected_fields?query&start&end&limit`: fields the selected lines carry (Loki's
   * `/detected_fields`), from the newest `limit` lines (default 500, at most 5000) that pass the
   * query, reading at most 16 MiB of files. `query` is required.
   */
  DetectedFields: 'detected_fields',
  /**
   * `GET index/stats?query&start&end`: what a query would read (Loki's `/index/stats`, plus
   * `files`), from file sizes and the time index, without a scan; `entries` is an estimate.
   */
  IndexStats: 'index/stats',
  /**
   * `GET context?id&before&after&query`: lines around one row (its logs frame `id`), from the same
   * file, in file order; `before`/`after` default 10, at most 1000. With `query`, its pipeline runs
   * over the context lines (filters skip lines, parsed labels are kept). An id that names no row
   * answers 400.
   */
  Context: 'context',
  /** `GET health`: the health check's result as JSON. */
  Health: 'health',
} as const;

/** `{status: "success", data}` as Loki's label endpoints answer. */
export interface LokiListResponse {
  status: 'success';
  data: string[];
}

export type DetectedFieldType = 'string' | 'int' | 'float' | 'boolean' | 'duration' | 'bytes';

export interface DetectedField {
  label: string;
  type: DetectedFieldType;
  cardinality: number;
  /** Parsers that produce the field (`json`, `logfmt`), or empty for structured metadata. */
  parsers: string[] | null;
}

export interface DetectedFieldsResponse {
  fields: DetectedField[];
  limit?: number;
}

export interface IndexStatsResponse {
  /** Log files with their rotated siblings (a source's `filename`) that have bytes to read. */
  streams: number;
  /** 1 MiB blocks the scan reads. */
  chunks: number;
  /** File bytes in the time ranges read (compressed bytes for gzip files). */
  bytes: number;
  /** Lines in those bytes, estimated from the mean line length (exact for gzip files once read). */
  entries: number;
  /** Files the query would open (not in Loki's answer). */
  files: number;
}

/** A log row's context, oldest line first in both lists. */
export interface LogContextResponse {
  /** The file the row came from, relative to its log root. */
  file: string;
  before: LogContextRow[];
  after: LogContextRow[];
}

export interface LogContextRow {
  /** Row id, the same id a logs frame carries in its `id` field. */
  id: string;
  /** Unix milliseconds. */
  ts: number;
  line: string;
  labels: Record<string, string>;
}
