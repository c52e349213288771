/**
 * Dashboard ad hoc filters on LogQL: a stream label becomes a selector matcher, a field (structured
 * metadata or parsed) a label filter after the parsers, in every log expression of the query.
 * Grafana 12's multi-value operators (`=|`, `!=|`) become one regex matcher.
 */
import type { AdHocVariableFilter } from '@grafana/data';

import { isStreamLabel } from '../shared/labels';
import { escapeRegex } from './templating';
import { addLabelFilter, quote, type LabelFilterSpec, type LabelOperator } from './queryModification';

const OPERATORS: readonly string[] = ['=', '!=', '=~', '!~'];

/** The LogQL filter an ad hoc filter stands for, or undefined for operators LogQL labels lack (`<`, `>`). */
export function adHocFilterSpec(filter: AdHocVariableFilter): LabelFilterSpec | undefined {
  if (!filter.key) {
    return undefined;
  }
  if ((filter.operator === '=|' || filter.operator === '!=|') && filter.values?.length) {
    // quote() escapes the regex for the LogQL string later, so escape for RE2 only here.
    const regex = filter.values.map(escapeRegex).join('|');
    return { key: filter.key, operator: filter.operator === '=|' ? '=~' : '!~', value: regex };
  }
  if (!OPERATORS.includes(filter.operator)) {
    return undefined;
  }
  return { key: filter.key, operator: filter.operator as LabelOperator, value: filter.value };
}

export function applyAdHocFilters(expr: string, filters: AdHocVariableFilter[] | undefined): string {
  return (filters ?? []).reduce((text, filter) => {
    const spec = adHocFilterSpec(filter);
    return spec ? addLabelFilter(text, spec, isStreamLabel(spec.key) ? 'stream' : 'field') : text;
  }, expr);
}

/** A selector from the stream-label filters (fields cannot scope a label lookup), or undefined if none. */
export function streamSelectorOf(filters: AdHocVariableFilter[] | undefined): string | undefined {
  const matchers = (filters ?? [])
    .map(adHocFilterSpec)
    .filter((spec): spec is LabelFilterSpec => spec !== undefined && isStreamLabel(spec.key))
    .map((spec) => `${spec.key}${spec.operator}${quote(spec.value)}`);
  return matchers.length > 0 ? `{${matchers.join(', ')}}` : undefined;
}
