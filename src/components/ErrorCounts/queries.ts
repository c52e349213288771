/**
 * The Home page's counts: application errors and failed audit events, for the last hour and the
 * last day, each as an exact total (an instant query over the whole window) and a sparkline (a
 * range query, one point per step). Sent to Grafana's /api/ds/query on the Kamiwaza Logs data
 * source, one request per window.
 */
import type { DataFrame, DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, toDataQueryResponse } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { LogsQueryType } from '../../shared/query';

export interface CountedStream {
  id: 'errors' | 'audit';
  title: string;
  /** Log query for the lines counted, for Explore. */
  expr: string;
}

export const COUNTED: readonly CountedStream[] = [
  { id: 'errors', title: 'Application errors', expr: '{source="application"} | level="ERROR"' },
  { id: 'audit', title: 'Failed audit events', expr: '{source="audit"} | outcome="failure"' },
];

export interface CountWindow {
  id: 'hour' | 'day';
  label: string;
  /** Window as a LogQL range and in ms. */
  range: string;
  ms: number;
  /** Sparkline step, as LogQL and in ms. */
  step: string;
  stepMs: number;
  from: string;
}

export const WINDOWS: readonly CountWindow[] = [
  { id: 'hour', label: 'last hour', range: '1h', ms: 3_600_000, step: '1m', stepMs: 60_000, from: 'now-1h' },
  { id: 'day', label: 'last 24 hours', range: '24h', ms: 86_400_000, step: '30m', stepMs: 1_800_000, from: 'now-24h' },
];

export interface Count {
  total: number;
  /** Sparkline points: times (ms) and counts per step. */
  times: number[];
  values: number[];
}

export type Counts = Record<CountedStream['id'], Count>;

const countExpr = (stream: CountedStream, range: string) => `sum(count_over_time(${stream.expr} [${range}]))`;

function firstNumbers(frames: DataFrame[]): { times: number[]; values: number[] } {
  const frame = frames[0];
  const time = frame?.fields.find((f) => f.type === 'time');
  const value = frame?.fields.find((f) => f.type === 'number');
  return {
    times: time ? Array.from(time.values as number[]) : [],
    values: value ? Array.from(value.values as number[]).map((v) => v ?? 0) : [],
  };
}

/**
 * A metric query has no point for a step without lines (as in Loki): put zeros there, so the
 * sparkline spans the whole window.
 */
export function fillSteps(points: { times: number[]; values: number[] }, window: CountWindow, nowMs: number) {
  const byTime = new Map(points.times.map((t, i) => [t, points.values[i]]));
  const last = points.times.length ? points.times[points.times.length - 1] : nowMs;
  const times: number[] = [];
  for (let t = last; t > nowMs - window.ms; t -= window.stepMs) {
    times.unshift(t);
  }
  return { times, values: times.map((t) => byTime.get(t) ?? 0) };
}

export async function fetchCounts(
  datasource: DataSourceInstanceSettings,
  window: CountWindow,
  nowMs: number
): Promise<Counts> {
  const ref = { uid: datasource.uid, type: datasource.type };
  const queries = COUNTED.flatMap((stream) => [
    {
      refId: `${stream.id}-total`,
      datasource: ref,
      expr: countExpr(stream, window.range),
      queryType: LogsQueryType.Instant,
    },
    {
      refId: `${stream.id}-spark`,
      datasource: ref,
      expr: countExpr(stream, window.step),
      queryType: LogsQueryType.Range,
      step: window.step,
    },
  ]);
  const response = await lastValueFrom(
    getBackendSrv().fetch({
      url: '/api/ds/query',
      method: 'POST',
      data: { queries, from: String(nowMs - window.ms), to: String(nowMs) },
      showErrorAlert: false,
    })
  );
  const { data } = toDataQueryResponse(response as Parameters<typeof toDataQueryResponse>[0]);
  const framesOf = (refId: string) => (data as DataFrame[]).filter((frame) => frame.refId === refId);
  const counts = {} as Counts;
  for (const stream of COUNTED) {
    const total = firstNumbers(framesOf(`${stream.id}-total`)).values;
    counts[stream.id] = {
      total: total.reduce((a, b) => a + b, 0),
      ...fillSteps(firstNumbers(framesOf(`${stream.id}-spark`)), window, nowMs),
    };
  }
  return counts;
}
