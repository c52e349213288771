/**
 * Log context from the backend's `context` resource: the lines before and after a row in the same
 * file, found by the row's id. Unlike Loki's context (a new query on the row's stream labels that
 * drops parsed labels), the backend reads the file around the row, and on request applies the
 * query's whole pipeline, parsers and label filters included.
 */
import {
  createDataFrame,
  DataFrameType,
  FieldType,
  LogRowContextQueryDirection,
  type DataFrame,
  type DataQueryResponse,
  type LogRowContextOptions,
  type LogRowModel,
} from '@grafana/data';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';
import { ResourcePath, type LogContextResponse, type LogContextRow } from '../shared/resources';
import { isStreamLabel } from '../shared/labels';
import { isLogQuery, logQueryOfMetricQuery, pipelineOf, quote } from './queryModification';

export const LOG_CONTEXT_REF_PREFIX = 'log-row-context-';
const DEFAULT_CONTEXT_LINES = 10;

type ResourceGetter = <T>(path: string, params?: Record<string, string | number>) => Promise<T>;

export class LogContextProvider {
  /** The context UI's switch: also apply the query's parsers and filters. Kept for the session. */
  applyQueryPipeline = false;

  constructor(
    private readonly getResource: ResourceGetter,
    private readonly interpolate: (expr: string, options?: LogRowContextOptions) => string
  ) {}

  async getLogRowContext(
    row: LogRowModel,
    options?: LogRowContextOptions,
    query?: KamiwazaLogsQuery
  ): Promise<DataQueryResponse> {
    const id = rowIdOf(row);
    if (!id) {
      throw new Error('This log row has no id, so its context cannot be read.');
    }
    const limit = options?.limit ?? DEFAULT_CONTEXT_LINES;
    const backward =
      (options?.direction ?? LogRowContextQueryDirection.Backward) === LogRowContextQueryDirection.Backward;
    const pipelineQuery = this.applyQueryPipeline
      ? contextPipelineQuery(query, (expr) => this.interpolate(expr, options))
      : undefined;
    const response = await this.getResource<LogContextResponse>(ResourcePath.Context, {
      id,
      before: backward ? limit : 0,
      after: backward ? 0 : limit,
      ...(pipelineQuery ? { query: pipelineQuery } : {}),
    });
    // Backward context reads newest first, forward oldest first, as Loki's context queries return them.
    const rows = backward ? [...(response?.before ?? [])].reverse() : (response?.after ?? []);
    return { data: [contextFrame(rows, `${LOG_CONTEXT_REF_PREFIX}${row.dataFrame.refId ?? ''}`)] };
  }

  /** The query "open in split view" runs: the row's file, with the pipeline when the switch is on. */
  getLogRowContextQuery(
    row: LogRowModel,
    options?: LogRowContextOptions,
    query?: KamiwazaLogsQuery
  ): KamiwazaLogsQuery {
    const pipelineQuery = this.applyQueryPipeline
      ? contextPipelineQuery(query, (expr) => this.interpolate(expr, options))
      : undefined;
    const pipeline = pipelineQuery ? pipelineOf(pipelineQuery) : '';
    return {
      refId: `${LOG_CONTEXT_REF_PREFIX}${query?.refId ?? 'A'}`,
      expr: [rowSelector(row), pipeline].filter(Boolean).join(' '),
      queryType: LogsQueryType.Range,
      direction: 'backward',
      maxLines: options?.limit ?? query?.maxLines,
    };
  }
}

/** The log query whose pipeline the context applies (a metric query's inner log query). */
export function contextPipelineQuery(
  query: KamiwazaLogsQuery | undefined,
  interpolate: (expr: string) => string
): string | undefined {
  const expr = query?.expr ? interpolate(query.expr).trim() : '';
  if (expr === '') {
    return undefined;
  }
  return isLogQuery(expr) ? expr : logQueryOfMetricQuery(expr);
}

function rowIdOf(row: LogRowModel): string | undefined {
  if (row.rowId) {
    return row.rowId;
  }
  const value = row.dataFrame.fields.find((field) => field.name === 'id')?.values[row.rowIndex];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The row's file when known (context is per file), else its stream labels. */
function rowSelector(row: LogRowModel): string {
  const names = row.labels.filename ? ['filename'] : Object.keys(row.labels).filter(isStreamLabel).sort();
  return `{${names.map((name) => `${name}=${quote(row.labels[name])}`).join(', ')}}`;
}

/** Context rows in the logs frame's shape (timestamp, body, severity, id, labels). */
export function contextFrame(rows: LogContextRow[], refId: string): DataFrame {
  return createDataFrame({
    refId,
    meta: { type: DataFrameType.LogLines, typeVersion: [0, 0], preferredVisualisationType: 'logs' },
    fields: [
      { name: 'timestamp', type: FieldType.time, values: rows.map((row) => row.ts) },
      { name: 'body', type: FieldType.string, values: rows.map((row) => row.line) },
      {
        name: 'severity',
        type: FieldType.string,
        values: rows.map((row) => row.labels.detected_level ?? row.labels.level ?? null),
      },
      { name: 'id', type: FieldType.string, values: rows.map((row) => row.id) },
      { name: 'labels', type: FieldType.other, values: rows.map((row) => row.labels) },
    ],
  });
}
