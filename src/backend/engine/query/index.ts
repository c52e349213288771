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
import {
  DEFAULT_LIMIT,
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
export { PipelineError, SeriesLimitError, QueryCancelledError } from '../logql/metric/errors';

function validateRange(req: QueryRequest): void {
  if (!Number.isFinite(req.startMs) || !Number.isFinite(req.endMs)) {
    throw new Error('invalid query time range: start and end must be finite timestamps');
  }
  if (req.endMs < req.startMs) {
    throw new Error('invalid query, through < from');
  }
}

/** Log queries only: metric queries ignore `limit`, as Loki's do. */
function logLimit(req: QueryRequest): number {
  const limit = req.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new Error('limit must be a positive value');
  }
  return limit;
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
      return { lines: result.series.reduce((n, s) => n + s.points.length, 0), series: result.series.length };
    case 'vector':
      return { lines: result.samples.length, series: result.samples.length };
    case 'scalar':
      return { lines: 1, series: 0 };
  }
}

export async function runQuery(store: LogStore, req: QueryRequest): Promise<QueryResult> {
  const startedAt = performance.now();
  const expr: Expr = parseLogQL(req.query);
  validateRange(req);
  throwIfAborted(req.signal);
  const scanStats = emptyStats();
  const result =
    expr.kind === 'log'
      ? await runLogQuery(store, expr, req, logLimit(req), scanStats)
      : await runMetricQuery(store, expr, req, scanStats);
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
  };
  return { ...result, stats, notices };
}
