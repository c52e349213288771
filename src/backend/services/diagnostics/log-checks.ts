/**
 * The guide's troubleshooting checks that read the logs: export failures (TLS mismatch), start-up
 * failures in kamiwazad.log, recent API errors, and whether the log files are there and fresh.
 * Each runs LogQL through the engine over the data source's log directories with a time budget,
 * and returns the query with its evidence so the page can open the same lines in Explore.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

import { DIAGNOSTIC_LOOKBACK, type DiagnosticResult } from '../../../shared/environment-diagnostics';
import { KAMIWAZA_LOG_FILE_NAMES } from '../../../shared/kamiwaza';
import type { FileLogStore } from '../../engine/store';
import { runQuery, type QueryResult } from '../../engine/query';
import { parseBoolean } from '../environment/rules';
import type { DiagnosticContext } from './diagnostics';

/** Budget of one query of a check: the page wants an answer, not every byte. */
const QUERY_BUDGET_MS = 5000;
const EVIDENCE_LINES = 5;
/** Longest evidence line shown (stack traces keep their own lines). */
const MAX_LINE = 400;

type CheckBody = Omit<DiagnosticResult, 'id' | 'ms'>;

export const TLS_FAILURES_QUERY =
  '{source=~"application|kamiwazad-core"} |~ `Failed to export|StatusCode\\.UNAVAILABLE`';
export const STARTUP_FAILURES_QUERY = '{source="kamiwazad"} | detected_level=~"error|critical|fatal"';
export const API_ERRORS_QUERY = '{source="application"} | level="ERROR"';

function window(ctx: DiagnosticContext) {
  return { startMs: ctx.nowMs - DIAGNOSTIC_LOOKBACK.ms, endMs: ctx.nowMs };
}

function query(ctx: DiagnosticContext, store: FileLogStore, logql: string, limit?: number): Promise<QueryResult> {
  return runQuery(store, {
    query: logql,
    ...window(ctx),
    // Metric queries are evaluated once over the whole window; log queries (with a limit) read it.
    instant: limit === undefined,
    limit,
    direction: 'backward',
    signal: ctx.signal,
    limits: { maxDurationMs: QUERY_BUDGET_MS, maxBytesScanned: ctx.maxBytesScanned },
  });
}

/** Newest lines first, cut to a readable length. */
function newestLines(result: QueryResult, count = EVIDENCE_LINES): string[] {
  if (result.resultType !== 'streams') {
    return [];
  }
  return result.streams
    .flatMap((s) => s.entries)
    .sort((a, b) => b.ts - a.ts)
    .slice(0, count)
    .map((e) => (e.line.length > MAX_LINE ? `${e.line.slice(0, MAX_LINE)}…` : e.line));
}

function total(result: QueryResult): number {
  return result.resultType === 'vector' ? result.samples.reduce((sum, s) => sum + s.value, 0) : 0;
}

/** Lines matching `logql` in the lookback window: how many, and the newest few. */
async function countAndNewest(ctx: DiagnosticContext, logql: string): Promise<{ count: number; lines: string[] }> {
  const store = ctx.store;
  const range = `[${DIAGNOSTIC_LOOKBACK.ms / 3_600_000}h]`;
  const [counted, newest] = await Promise.all([
    query(ctx, store, `sum(count_over_time(${logql} ${range}))`),
    query(ctx, store, logql, EVIDENCE_LINES),
  ]);
  return { count: total(counted), lines: newestLines(newest) };
}

const evidence = (lines: string[], logql: string) => ({ lines, query: logql, from: DIAGNOSTIC_LOOKBACK.from });

export async function tlsMismatchCheck(ctx: DiagnosticContext): Promise<CheckBody> {
  const { count, lines } = await countAndNewest(ctx, TLS_FAILURES_QUERY);
  const insecure = parseBoolean(ctx.environment.values.get('OTEL_EXPORTER_INSECURE')?.value) === true;
  const tls = insecure ? 'OTEL_EXPORTER_INSECURE=true (plain gRPC)' : 'OTEL_EXPORTER_INSECURE=false (TLS)';
  return count === 0
    ? {
        status: 'ok',
        summary: 'No export failures in the last 24 hours.',
        evidence: evidence(lines, TLS_FAILURES_QUERY),
      }
    : {
        status: 'error',
        summary: `${count} export failure line${count === 1 ? '' : 's'} (StatusCode.UNAVAILABLE) in the last 24 hours; the exporter uses ${tls}: it must match the collector's TLS setting.`,
        evidence: evidence(lines, TLS_FAILURES_QUERY),
      };
}

export async function startupCheck(ctx: DiagnosticContext): Promise<CheckBody> {
  const { count, lines } = await countAndNewest(ctx, STARTUP_FAILURES_QUERY);
  return count === 0
    ? {
        status: 'ok',
        summary: 'No error lines in kamiwazad.log in the last 24 hours.',
        evidence: evidence(lines, STARTUP_FAILURES_QUERY),
      }
    : {
        status: 'warning',
        summary: `${count} error line${count === 1 ? '' : 's'} in kamiwazad.log in the last 24 hours; the newest first below.`,
        evidence: evidence(lines, STARTUP_FAILURES_QUERY),
      };
}

/** The stack trace of an error record: the JSON `exception` field, else the line itself. */
function stackTraceOf(line: string): string[] {
  try {
    const record = JSON.parse(line) as { exception?: unknown; message?: unknown; service?: unknown };
    const exception = typeof record.exception === 'string' ? record.exception : undefined;
    const header = `${String(record.service ?? '')}: ${String(record.message ?? '')}`;
    return exception ? [header, ...exception.split('\n')] : [header];
  } catch {
    return line.split('\n');
  }
}

export async function apiErrorsCheck(ctx: DiagnosticContext): Promise<CheckBody> {
  const range = `[${DIAGNOSTIC_LOOKBACK.ms / 3_600_000}h]`;
  const [byService, traced] = await Promise.all([
    query(ctx, ctx.store, `sum by (service_name) (count_over_time(${API_ERRORS_QUERY} ${range}))`),
    query(ctx, ctx.store, `${API_ERRORS_QUERY} |= "Traceback"`, 1),
  ]);
  const counts =
    byService.resultType === 'vector'
      ? byService.samples
          .map((s) => ({ service: s.labels.service_name ?? 'unknown_service', count: s.value }))
          .sort((a, b) => b.count - a.count)
      : [];
  const sum = counts.reduce((n, c) => n + c.count, 0);
  if (sum === 0) {
    return { status: 'ok', summary: 'No ERROR events in the last 24 hours.', evidence: evidence([], API_ERRORS_QUERY) };
  }
  const last = newestRaw(traced);
  const lines = [
    ...counts.map((c) => `${c.service}: ${c.count}`),
    ...(last ? ['', 'Last stack trace:', ...stackTraceOf(last)] : []),
  ];
  return {
    status: 'warning',
    summary: `${sum} ERROR event${sum === 1 ? '' : 's'} in the last 24 hours across ${counts.length} service${counts.length === 1 ? '' : 's'}.`,
    evidence: evidence(lines, API_ERRORS_QUERY),
  };
}

/** The newest line in full (a stack trace is not cut). */
function newestRaw(result: QueryResult): string {
  if (result.resultType !== 'streams') {
    return '';
  }
  return result.streams.flatMap((s) => s.entries).sort((a, b) => b.ts - a.ts)[0]?.line ?? '';
}

/** application.jsonl not written for this long: the platform (or its logging) is likely down. */
export const STALE_AFTER_MS = 3_600_000;

function age(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 1 ? 'just now' : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

export async function logFilesCheck(ctx: DiagnosticContext): Promise<CheckBody> {
  const lines: string[] = [];
  const missing: string[] = [];
  let stale: string | undefined;
  for (const name of KAMIWAZA_LOG_FILE_NAMES) {
    const stats = await Promise.all(ctx.logDirs.map((dir) => fs.stat(path.join(dir, name)).catch(() => undefined)));
    const index = stats.findIndex((s) => s?.isFile());
    if (index < 0) {
      missing.push(name);
      lines.push(`${name}: missing`);
      continue;
    }
    const stat = stats[index]!;
    const since = ctx.nowMs - stat.mtimeMs;
    const where = ctx.logDirs.length > 1 ? ` in ${ctx.logDirs[index]}` : '';
    lines.push(`${name}: ${(stat.size / 1e6).toFixed(1)} MB, last write ${age(since)}${where}`);
    if (name === 'application.jsonl' && since > STALE_AFTER_MS) {
      stale = `application.jsonl was last written ${age(since)}`;
    }
  }
  const found = KAMIWAZA_LOG_FILE_NAMES.length - missing.length;
  const evidenceLines = [`Log directory: ${ctx.logDirs.join(', ')}`, ...lines];
  const logql = '{filename=~".+"}';
  if (found === 0) {
    return {
      status: 'error',
      summary: `None of the guide's log files is in ${ctx.logDirs.join(', ')}.`,
      evidence: evidence(evidenceLines, logql),
    };
  }
  const problems = [...(missing.length ? [`missing: ${missing.join(', ')}`] : []), ...(stale ? [stale] : [])];
  return {
    status: missing.includes('application.jsonl') ? 'error' : problems.length ? 'warning' : 'ok',
    summary: problems.length
      ? `${found} of ${KAMIWAZA_LOG_FILE_NAMES.length} log files present; ${problems.join('; ')}.`
      : `All ${KAMIWAZA_LOG_FILE_NAMES.length} log files present; application.jsonl written in the last hour.`,
    evidence: evidence(evidenceLines, logql),
  };
}
