/**
 * The query builder's model and its canonical LogQL text. The parser back (builderParse.ts)
 * accepts exactly what this renders, in any equivalent spelling.
 */
import { escapeRegex, quote } from './strings';

export type LineFilterOp = '|=' | '!=' | '|~' | '!~';
export type LabelFilterOp = '=' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=';
export type BuilderParser = 'none' | 'json' | 'logfmt';
export type MetricFunction = 'count_over_time' | 'rate' | 'bytes_over_time' | 'sum_over_time';

export interface LineFilter {
  op: LineFilterOp;
  text: string;
}

export interface LabelFilter {
  label: string;
  op: LabelFilterOp;
  /** For `>`/`<` comparisons a number, duration (`1.5s`) or size (`10KB`), written unquoted. */
  value: string;
}

export interface BuilderMetric {
  fn: MetricFunction;
  /** `5m`, `$__auto`, `$__interval`. */
  range: string;
  /** The field `sum_over_time` adds up (`| unwrap <field>`). */
  unwrap?: string;
  /** undefined: one series per stream; []: `sum(…)`; names: `sum by (names) (…)`. */
  sumBy?: string[];
}

export interface BuilderQuery {
  /** Empty: every source. */
  sources: string[];
  services: string[];
  lineFilters: LineFilter[];
  /** `detected_level` values (docs/labels.md), e.g. `error`, `warn`. */
  levels: string[];
  traceId: string;
  parser: BuilderParser;
  /** Label filters after the parser (or on structured metadata when there is none). */
  labelFilters: LabelFilter[];
  metric?: BuilderMetric;
}

export const LEVEL_LABEL = 'detected_level';
export const TRACE_ID_LABEL = 'trace_id';
export const NUMERIC_OPS: LabelFilterOp[] = ['>', '>=', '<', '<='];

export const EMPTY_BUILDER_QUERY: BuilderQuery = {
  sources: [],
  services: [],
  lineFilters: [],
  levels: [],
  traceId: '',
  parser: 'none',
  labelFilters: [],
};

/** One value: `name="v"`; several: `name=~"a|b"`. */
function oneOf(name: string, values: string[]): string {
  return values.length === 1 ? `${name}=${quote(values[0])}` : `${name}=~${quote(values.map(escapeRegex).join('|'))}`;
}

function selector(query: BuilderQuery): string {
  const matchers: string[] = [];
  if (query.sources.length) {
    matchers.push(oneOf('source', query.sources));
  }
  if (query.services.length) {
    matchers.push(oneOf('service_name', query.services));
  }
  // A selector needs a matcher that does not match the empty value.
  return `{${matchers.length ? matchers.join(', ') : 'source=~".+"'}}`;
}

function labelFilter({ label, op, value }: LabelFilter): string {
  return `| ${label}${op}${NUMERIC_OPS.includes(op) ? value : quote(value)}`;
}

/** Rows the user has not filled in yet are left out of the text. */
function isComplete(filter: LabelFilter): boolean {
  return filter.label !== '' && (filter.value !== '' || !NUMERIC_OPS.includes(filter.op));
}

export function builderToLogQL(query: BuilderQuery): string {
  const stages = [
    ...query.lineFilters.filter((filter) => filter.text !== '').map((filter) => `${filter.op} ${quote(filter.text)}`),
    ...(query.levels.length ? [`| ${oneOf(LEVEL_LABEL, query.levels)}`] : []),
    ...(query.traceId ? [`| ${TRACE_ID_LABEL}=${quote(query.traceId)}`] : []),
    ...(query.parser !== 'none' ? [`| ${query.parser}`] : []),
    ...query.labelFilters.filter(isComplete).map(labelFilter),
  ];
  const { metric } = query;
  if (metric?.fn === 'sum_over_time' && metric.unwrap) {
    stages.push(`| unwrap ${metric.unwrap}`);
  }
  const logQuery = [selector(query), ...stages].join(' ');
  if (!metric) {
    return logQuery;
  }
  const rangeAggregation = `${metric.fn}(${logQuery}${stages.length ? ' ' : ''}[${metric.range}])`;
  if (!metric.sumBy) {
    return rangeAggregation;
  }
  return metric.sumBy.length ? `sum by (${metric.sumBy.join(', ')}) (${rangeAggregation})` : `sum(${rangeAggregation})`;
}
