/**
 * Answers one decoded query with the log engine: Grafana's query (LogQL, time range, interval,
 * line limit) → an engine request → frames. LogQL and limit errors are the user's to fix and are
 * marked as such (status 400, errorSource downstream), so Grafana does not count them as plugin
 * failures.
 */
import { LogQLSyntaxError } from '../../engine/logql/ast';
import { parseDuration, parseLogQL } from '../../engine/logql/parser';
import { requiredLiterals } from '../../engine/logql/pipeline';
import { PipelineError, QueryCancelledError, runQuery, SeriesLimitError } from '../../engine/query';
import { PluginError } from '../../protocol/handlers';
import type { Logger } from '../../protocol/logger';
import type { DataQuery, DataResponse, PluginContext, QueryDataRequest, TimeRange } from '../../protocol/messages';
import { DEFAULT_MAX_LINES, LogsQueryType, type KamiwazaLogsQuery } from '../../../shared/query';
import { DEFAULT_QUERY_TIMEOUT_SECONDS } from '../../../shared/settings';
import { resultToFrames } from './frames';
import type { DataSourceInstance } from './instance';
import { expandMacros } from './macros';

export interface QueryContext {
  logger: Logger;
  signal: AbortSignal;
  pluginContext: PluginContext;
  /** The query as Grafana sent it (maxDataPoints, intervalMS). */
  dataQuery: DataQuery;
  /** Forwarded HTTP headers (`http_<Name>`), FromAlert, ... */
  headers: QueryDataRequest['headers'];
}

/** Loki's data source keeps a range query under 11,000 points per series. */
const MAX_POINTS_PER_SERIES = 11_000;

export async function runDataQuery(
  instance: DataSourceInstance,
  query: KamiwazaLogsQuery,
  timeRange: TimeRange,
  ctx: QueryContext
): Promise<DataResponse> {
  const instant = query.queryType === LogsQueryType.Instant;
  const rangeMs = Math.max(0, timeRange.to - timeRange.from);
  const stepMs = stepFor(query, ctx.dataQuery, rangeMs);
  const expr = expandMacros(query.expr, {
    intervalMs: ctx.dataQuery.intervalMS || stepMs,
    rangeMs,
    stepMs,
    instant,
  }).trim();
  if (expr === '') {
    return { frames: [] };
  }
  const limit = query.maxLines ?? instance.settings.maxLines ?? DEFAULT_MAX_LINES;
  try {
    refuseLogQuery(expr, { instant, fromAlert: isFromAlert(ctx.headers) });
    const result = await runQuery(instance.store, {
      query: expr,
      startMs: timeRange.from,
      endMs: timeRange.to,
      stepMs: instant ? undefined : stepMs,
      instant,
      limit,
      direction: query.direction ?? 'backward',
      signal: ctx.signal,
      limits: {
        maxBytesScanned: instance.settings.maxBytesScanned,
        maxDurationMs: (instance.settings.queryTimeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS) * 1000,
      },
    });
    ctx.logger.debug('query done', { expr, resultType: result.resultType, ...result.stats });
    const traces = instance.settings.tracesDatasourceUid;
    return {
      frames: resultToFrames(result, {
        refId: query.refId,
        expr,
        limit,
        stepMs: result.resultType === 'matrix' ? stepMs : undefined,
        legendFormat: query.legendFormat,
        searchWords: searchWords(expr),
        traces: traces ? { uid: traces } : undefined,
      }),
    };
  } catch (error) {
    throw asPluginError(error);
  }
}

/** Loki's answer to a log query sent as an instant query (its ErrUnsupportedSyntaxForInstantQuery). */
export const INSTANT_LOG_QUERY_ERROR =
  'log queries are not supported as an instant query type, please change your query to a range query type';
export const ALERT_LOG_QUERY_ERROR =
  'alert rules need a metric query, e.g. count_over_time({source="application"} | level="ERROR" [5m]); this is a log query, which returns lines, not numbers';

/** Grafana marks queries of alert rules with the `FromAlert: true` header (no user in the plugin context). */
export function isFromAlert(headers: QueryDataRequest['headers']): boolean {
  return Object.entries(headers).some(
    ([name, value]) => /^(http_)?fromalert$/i.test(name) && value.trim().toLowerCase() === 'true'
  );
}

/** Log queries where a number is needed (instant queries, alert rules) fail before any scan. */
function refuseLogQuery(expr: string, asked: { instant: boolean; fromAlert: boolean }): void {
  if ((asked.instant || asked.fromAlert) && parseLogQL(expr).kind === 'log') {
    throw new PluginError(asked.fromAlert ? ALERT_LOG_QUERY_ERROR : INSTANT_LOG_QUERY_ERROR, 400, 'downstream');
  }
}

/**
 * The query's own step, else Grafana's interval, never so small that a series exceeds Loki's
 * point limit over the range.
 */
function stepFor(query: KamiwazaLogsQuery, dataQuery: DataQuery, rangeMs: number): number {
  const floor = Math.ceil(rangeMs / MAX_POINTS_PER_SERIES);
  if (query.step && query.step.trim() !== '') {
    try {
      return Math.max(parseDuration(query.step.trim()), floor, 1);
    } catch {
      throw new PluginError(`step ${JSON.stringify(query.step)} is not a duration (e.g. 30s, 5m)`, 400, 'downstream');
    }
  }
  return Math.max(dataQuery.intervalMS || 1000, floor, 1);
}

/** Literal `|=` filters of a log query: the words Explore highlights. */
function searchWords(expr: string): string[] {
  try {
    const parsed = parseLogQL(expr);
    return parsed.kind === 'log' ? requiredLiterals(parsed) : [];
  } catch {
    return [];
  }
}

function asPluginError(error: unknown): unknown {
  if (error instanceof LogQLSyntaxError || error instanceof SeriesLimitError || error instanceof PipelineError) {
    return new PluginError(error.message, 400, 'downstream');
  }
  if (error instanceof QueryCancelledError) {
    return new PluginError('query cancelled', 499, 'downstream');
  }
  return error;
}
