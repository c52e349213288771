/**
 * Engine results → Grafana data frames, following the data plane contracts Explore, dashboards
 * and alerting read: `log-lines` for log queries, `timeseries-multi` (one series per frame) for
 * metric queries. Every frame carries the executed query; stats and notices (`notices.ts`) ride on
 * the first frame's meta.
 */
import type { Labels } from '../../engine/model';
import type { MatrixResult, QueryResult, QueryStats, StreamEntry } from '../../engine/query';
import type { Field, Frame, FrameMeta, Notice, QueryStat } from '../../protocol/frames/frame';
import type { KamiwazaLogsFrameCustomMeta } from '../../../shared/query';
import { frameNotices } from './notices';

export interface FrameOptions {
  refId: string;
  /** The LogQL that ran (after macro expansion), shown in the query inspector. */
  expr: string;
  limit: number;
  stepMs?: number;
  legendFormat?: string;
  /** Line-filter words Explore highlights. */
  searchWords: string[];
}

export function resultToFrames(result: QueryResult, options: FrameOptions): Frame[] {
  const notices = frameNotices(
    result.notices,
    result.resultType === 'streams' ? { count: result.stats.linesReturned, limit: options.limit } : undefined
  );
  const shared: FrameMeta = {
    executedQueryString: executedQueryString(options),
    stats: statsOf(result.stats),
    notices: notices.length > 0 ? notices.map((n): Notice => ({ severity: n.severity, text: n.text })) : undefined,
  };
  switch (result.resultType) {
    case 'streams':
      return [logsFrame(result.streams, options, shared)];
    case 'matrix':
      return seriesFrames(result.series, options, shared);
    case 'vector':
      return seriesFrames(
        result.samples.map((s) => ({ labels: s.labels, times: [s.ts], values: [s.value] })),
        options,
        shared
      );
    case 'scalar':
      return seriesFrames([{ labels: {}, times: [result.ts], values: [result.value] }], options, shared);
  }
}

/**
 * The log fields of each streams result. Identical queries asked at once share one result; their
 * frames then share the same field objects, which the Arrow encoder builds once.
 */
const logFieldsOf = new WeakMap<Array<{ labels: Labels; entries: StreamEntry[] }>, Field[]>();

function logFields(streams: Array<{ labels: Labels; entries: StreamEntry[] }>): Field[] {
  let fields = logFieldsOf.get(streams);
  if (fields === undefined) {
    const rows = streams.flatMap((stream) => stream.entries.map((entry) => ({ entry, labels: stream.labels })));
    // Explore shows one timeline: newest first, as Loki's data source returns it.
    rows.sort((a, b) => b.entry.ts - a.entry.ts);
    fields = [
      { name: 'timestamp', type: 'time', values: rows.map((r) => r.entry.ts), nullable: false },
      { name: 'body', type: 'string', values: rows.map((r) => r.entry.line), nullable: false },
      {
        name: 'severity',
        type: 'string',
        values: rows.map((r) => r.labels.detected_level ?? r.labels.level ?? null),
        nullable: true,
      },
      { name: 'id', type: 'string', values: rows.map((r) => r.entry.id), nullable: false },
      { name: 'labels', type: 'json', values: rows.map((r) => r.labels), nullable: false },
    ];
    logFieldsOf.set(streams, fields);
  }
  return fields;
}

function logsFrame(
  streams: Array<{ labels: Labels; entries: StreamEntry[] }>,
  options: FrameOptions,
  shared: FrameMeta
): Frame {
  const custom: KamiwazaLogsFrameCustomMeta = { limit: options.limit, searchWords: options.searchWords };
  return {
    name: options.refId,
    refId: options.refId,
    meta: { ...shared, type: 'log-lines', typeVersion: [0, 0], preferredVisualisationType: 'logs', custom },
    fields: logFields(streams),
  };
}

/** One series, column-wise (a matrix result's series; vector and scalar answers as one point). */
type Series = MatrixResult['series'][number];

function seriesFrames(series: Series[], options: FrameOptions, shared: FrameMeta): Frame[] {
  const meta: FrameMeta = { type: 'timeseries-multi', typeVersion: [0, 1], preferredVisualisationType: 'graph' };
  if (series.length === 0) {
    // "No data" per the data plane: one field-less frame that still carries the type and stats.
    return [{ name: options.refId, refId: options.refId, meta: { ...shared, ...meta }, fields: [] }];
  }
  return series.map((s, i) => {
    const displayName = options.legendFormat ? formatLegend(options.legendFormat, s.labels) : undefined;
    return {
      name: displayName ?? seriesName(s.labels),
      refId: options.refId,
      // The query inspector shows each frame's executed query; stats and notices are the query's, once.
      meta: i === 0 ? { ...shared, ...meta } : { ...meta, executedQueryString: shared.executedQueryString },
      fields: [
        {
          name: 'Time',
          type: 'time',
          values: s.times,
          nullable: false,
          config: options.stepMs ? { interval: options.stepMs } : undefined,
        },
        {
          name: 'Value',
          type: 'number',
          values: s.values,
          labels: s.labels,
          config: displayName !== undefined ? { displayNameFromDS: displayName } : undefined,
        },
      ],
    };
  });
}

/** What ran, as the query inspector shows it. */
export function executedQueryString(options: Pick<FrameOptions, 'expr' | 'stepMs'>): string {
  return `Expr: ${options.expr}${options.stepMs ? `\nStep: ${options.stepMs / 1000}s` : ''}`;
}

/** `{{label}}` placeholders as in Loki's and Prometheus' legend format; unknown labels render empty. */
export function formatLegend(template: string, labels: Labels): string {
  return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

function seriesName(labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${labels[name]}"`);
  return `{${pairs.join(', ')}}`;
}

function statsOf(stats: QueryStats): QueryStat[] {
  return [
    { displayName: 'Summary: total bytes processed', unit: 'decbytes', value: stats.bytesScanned },
    { displayName: 'Summary: total lines processed', value: stats.linesScanned },
    { displayName: 'Summary: exec time', unit: 's', value: stats.execTimeMs / 1000 },
    { displayName: 'Summary: log files read', value: stats.filesRead },
    { displayName: 'Summary: malformed lines', value: stats.malformedLines },
    {
      displayName: 'Index: bytes skipped (trace-id index, level lists, columns)',
      unit: 'decbytes',
      value: stats.indexBytesSkipped ?? 0,
    },
    { displayName: 'Index: lines read from level lists', value: stats.indexListedLines ?? 0 },
    { displayName: 'Index: lines read from columns', value: stats.indexColumnLines ?? 0 },
    { displayName: 'Index: summary rows read', value: stats.summaryRows ?? 0 },
    { displayName: 'Index: lines counted from summaries', value: stats.summaryLines ?? 0 },
    { displayName: 'Cache: series from a sibling query (other quantile)', value: stats.siblingSeries ?? 0 },
  ];
}
