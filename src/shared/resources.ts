/**
 * The data source backend's resource API (CallResource), shared by the backend routes and every
 * browser caller (data source, editors, app pages). Paths are relative to
 * `/api/datasources/uid/<uid>/resources/`. Times are Unix nanoseconds as decimal strings, as in
 * Loki's HTTP API; where `start`/`end` are omitted the backend uses all time the files cover.
 *
 * Loki-shaped where Loki has the same endpoint, so the same frontend tooling fits both.
 */

export const ResourcePath = {
  /** `GET labels?start&end&query`: stream label names only (Loki's `/labels`). */
  Labels: 'labels',
  /** `GET label/<name>/values?start&end&query`: values of one label (stream label or field). */
  labelValues: (name: string) => `label/${encodeURIComponent(name)}/values`,
  /** `GET detected_fields?query&start&end&limit`: fields the selected lines carry (Loki's `/detected_fields`). */
  DetectedFields: 'detected_fields',
  /** `GET index/stats?query&start&end`: what a query would read (Loki's `/index/stats`, plus `files`). */
  IndexStats: 'index/stats',
  /** `GET context?id&before&after&query`: lines around one row, from the same file. */
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
  streams: number;
  chunks: number;
  bytes: number;
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
