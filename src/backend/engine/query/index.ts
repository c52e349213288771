/**
 * The engine's query API: LogQL text + time range → streams, matrix, vector or scalar, with stats
 * and notices; Loki's HTTP JSON for the result; live tailing.
 */
import type { Expr } from '../logql/ast';
import { throwIfAborted, QueryCancelledError } from '../logql/metric/errors';
import { parseLogQL } from '../logql/parser';
import { ERROR_LABEL, JSON_PARSER_ERROR } from '../readers/labels';
import { emptyStats, type LogStore, type Notice, type ScanStats } from '../model';
import { runLogQuery } from './logQuery';
import { runMetricQuery } from './metricQuery';
import { isLight, QueryScheduler } from './scheduler';
import {
  DEFAULT_LIMIT,
  MAX_ENTRIES_LIMIT,
  MAX_QUERY_RANGE_MS,
  type MatrixResult,
  type QueryRequest,
  type QueryResult,
  type QueryStats,
  type ScalarResult,
  type StreamsResult,
  type VectorResult,
} from './types';

export * from './types';
export { toLokiResponse, formatSampleValue } from './lokiResponse';
export { tailQuery } from './tail';
export { QueryScheduler, LIGHT_SPAN_MS, HEAVY_SLOTS } from './scheduler';
export { PipelineError, SeriesLimitError, QueryCancelledError } from '../logql/metric/errors';

function validateRange(req: QueryRequest): void {
  if (!Number.isFinite(req.startMs) || !Number.isFinite(req.endMs)) {
    throw new Error('invalid query time range: start and end must be finite timestamps');
  }
  if (req.endMs < req.startMs) {
    throw new Error('invalid query, through < from');
  }
}

/** Log queries only: metric queries ignore `limit`, as Loki's do. Above the maximum: clamped. */
function logLimit(req: QueryRequest, notices: Notice[]): number {
  const limit = req.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new Error('limit must be a positive value');
  }
  if (limit > MAX_ENTRIES_LIMIT) {
    notices.push({
      severity: 'warning',
      text: `the line limit ${limit} is above the maximum of ${MAX_ENTRIES_LIMIT} entries per query; at most ${MAX_ENTRIES_LIMIT} are returned`,
    });
    return MAX_ENTRIES_LIMIT;
  }
  return limit;
}

/** A range longer than the maximum keeps its end and loses its oldest part, with a notice. */
function clampRange(req: QueryRequest, notices: Notice[]): QueryRequest {
  if (req.instant || req.endMs - req.startMs <= MAX_QUERY_RANGE_MS) {
    return req;
  }
  const startMs = req.endMs - MAX_QUERY_RANGE_MS;
  notices.push({
    severity: 'warning',
    text: `the time range is longer than the maximum of ${MAX_QUERY_RANGE_MS / 3_600_000} h; only the last ${MAX_QUERY_RANGE_MS / 3_600_000} h (from ${new Date(startMs).toISOString()}) were queried`,
  });
  return { ...req, startMs };
}

function truncationNotice(
  stats: ScanStats,
  maxBytes: number | undefined,
  maxDurationMs: number | undefined
): Notice | undefined {
  switch (stats.truncated) {
    case 'bytes':
      return {
        severity: 'warning',
        text: `results are partial: the scan stopped after the byte limit (${maxBytes} bytes)`,
      };
    case 'time':
      return {
        severity: 'warning',
        text: `results are partial: the scan stopped at the time limit (${maxDurationMs} ms)`,
      };
    default:
      return undefined;
  }
}

/**
 * Log queries count the malformed lines they return (scans also see lines that a filter or the
 * limit drops); metric queries can only say how many were read.
 */
function malformedNotice(
  result: StreamsResult | MatrixResult | VectorResult | ScalarResult,
  read: number
): Notice | undefined {
  const flagged = `flagged with ${ERROR_LABEL}="${JSON_PARSER_ERROR}"; | ${ERROR_LABEL}="" drops them`;
  if (result.resultType === 'streams') {
    const returned = result.streams
      .filter((stream) => stream.labels[ERROR_LABEL] === JSON_PARSER_ERROR)
      .reduce((n, stream) => n + stream.entries.length, 0);
    return returned > 0
      ? { severity: 'warning', text: `${returned} malformed line(s) were returned as raw text, ${flagged}` }
      : undefined;
  }
  return read > 0
    ? { severity: 'warning', text: `${read} malformed line(s) were read in the range, ${flagged}` }
    : undefined;
}

function resultSize(result: StreamsResult | MatrixResult | VectorResult | ScalarResult): {
  lines: number;
  series: number;
} {
  switch (result.resultType) {
    case 'streams':
      return { lines: result.streams.reduce((n, s) => n + s.entries.length, 0), series: result.streams.length };
    case 'matrix':
      return { lines: result.series.reduce((n, s) => n + s.times.length, 0), series: result.series.length };
    case 'vector':
      return { lines: result.samples.length, series: result.samples.length };
    case 'scalar':
      return { lines: 1, series: 0 };
  }
}

/** The process's scheduler: every query of every data source instance shares the cores. */
const processScheduler = new QueryScheduler();
const storeIds = new WeakMap<LogStore, number>();
let lastStoreId = 0;

/** Identical requests on the same store share one run. */
function requestKey(store: LogStore, req: QueryRequest): string {
  let id = storeIds.get(store);
  if (id === undefined) {
    id = ++lastStoreId;
    storeIds.set(store, id);
  }
  const { query, startMs, endMs, stepMs, instant, limit, direction, limits } = req;
  return JSON.stringify([id, query, startMs, endMs, stepMs, instant, limit, direction, limits]);
}

export async function runQuery(
  store: LogStore,
  asked: QueryRequest,
  scheduler: QueryScheduler = processScheduler
): Promise<QueryResult> {
  const expr: Expr = parseLogQL(asked.query);
  validateRange(asked);
  throwIfAborted(asked.signal);
  const clampNotices: Notice[] = [];
  const req = clampRange(asked, clampNotices);
  const limit = expr.kind === 'log' ? logLimit(req, clampNotices) : undefined;
  const result = await scheduler.run(requestKey(store, req), isLight(expr, req), req, (signal) =>
    execute(store, expr, { ...req, signal }, limit)
  );
  return clampNotices.length === 0 ? result : { ...result, notices: [...clampNotices, ...result.notices] };
}

async function execute(
  store: LogStore,
  expr: Expr,
  req: QueryRequest,
  limit: number | undefined
): Promise<QueryResult> {
  const startedAt = performance.now();
  const scanStats = emptyStats();
  const ended = store.queryStarted?.();
  let result: StreamsResult | MatrixResult | VectorResult | ScalarResult;
  try {
    result =
      expr.kind === 'log'
        ? await runLogQuery(store, expr, req, limit!, scanStats)
        : await runMetricQuery(store, expr, req, scanStats);
  } finally {
    ended?.();
  }
  if (scanStats.truncated === 'cancelled') {
    throw new QueryCancelledError();
  }
  const notices = [...scanStats.notices];
  const malformed = malformedNotice(result, scanStats.malformedLines);
  if (malformed) {
    notices.push(malformed);
  }
  const truncated = truncationNotice(scanStats, req.limits?.maxBytesScanned, req.limits?.maxDurationMs);
  if (truncated) {
    notices.push(truncated);
  }
  const size = resultSize(result);
  const stats: QueryStats = {
    bytesScanned: scanStats.bytesScanned,
    linesScanned: scanStats.linesScanned,
    linesReturned: size.lines,
    filesRead: scanStats.filesRead,
    execTimeMs: performance.now() - startedAt,
    seriesCount: size.series,
    malformedLines: scanStats.malformedLines,
    invalidUtf8Lines: scanStats.invalidUtf8Lines,
    indexBytesSkipped: scanStats.indexBytesSkipped ?? 0,
    indexListedLines: scanStats.indexListedLines ?? 0,
    indexColumnLines: scanStats.indexColumnLines ?? 0,
    summaryRows: scanStats.summaryRows ?? 0,
    summaryLines: scanStats.summaryLines ?? 0,
    siblingSeries: scanStats.siblingSeries ?? 0,
  };
  return { ...result, stats, notices };
}
