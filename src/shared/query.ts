/**
 * The query model shared by the frontend (editors, data source) and the backend (QueryData,
 * streams). One definition: both sides import it from here.
 */
import type { DataQuery } from '@grafana/schema';

/** How a query is evaluated, named as Loki's data source names them so dashboards carry over. */
export enum LogsQueryType {
  Range = 'range',
  Instant = 'instant',
  Stream = 'stream',
}

export type LogsDirection = 'forward' | 'backward';

/** Which editor shows the query; the builder falls back to code for queries it cannot show. */
export enum QueryEditorMode {
  Code = 'code',
  Builder = 'builder',
}

export interface KamiwazaLogsQuery extends DataQuery {
  /** LogQL text. */
  expr: string;
  queryType?: LogsQueryType;
  /** Maximum log lines returned by a log query. */
  maxLines?: number;
  direction?: LogsDirection;
  /** Series name template for metric queries, e.g. `{{service_name}}`. */
  legendFormat?: string;
  /** Metric query step as a duration (`30s`) or empty for Grafana's interval. */
  step?: string;
  editorMode?: QueryEditorMode;
}

export const DEFAULT_MAX_LINES = 1000;

export const DEFAULT_QUERY: Partial<KamiwazaLogsQuery> = {
  expr: '{source="application"}',
  queryType: LogsQueryType.Range,
  direction: 'backward',
};

/**
 * Keys the backend puts in a logs frame's `meta.custom`. Grafana's Go FrameMeta has no `limit` or
 * `searchWords`, so they cannot travel as top-level meta; the frontend data source copies them to
 * `meta.limit` / `meta.searchWords`, where Explore reads them (limit notice, word highlighting).
 */
export interface KamiwazaLogsFrameCustomMeta {
  /** The line limit the query ran with; Explore shows "limit reached" when rows == limit. */
  limit?: number;
  /** Line-filter words to highlight in the log rows. */
  searchWords?: string[];
}
