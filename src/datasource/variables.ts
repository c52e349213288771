/**
 * Query variables as Loki's data source has them: label names, or the values of one label,
 * optionally of the streams a selector matches. Stored as an object; the text forms Loki accepts
 * (`label_names()`, `label_values(<label>)`, `label_values(<selector>, <label>)`) are read too, so
 * dashboards written for Loki (or an older version of this plugin) carry over.
 */
import type { DataQuery } from '@grafana/schema';

export enum VariableQueryType {
  LabelNames = 'labelNames',
  LabelValues = 'labelValues',
}

export interface KamiwazaVariableQuery extends DataQuery {
  type: VariableQueryType;
  /** The label whose values are listed (label values only). */
  label?: string;
  /** A stream selector that scopes the lookup, e.g. `{source="audit"}`. */
  stream?: string;
}

export const VARIABLE_QUERY_REF_ID = 'KamiwazaVariableQuery';

const LABEL_NAMES = /^\s*label_names\(\s*\)\s*$/;
const LABEL_VALUES = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\s*\)\s*$/;

/** The object form of a variable query given as text; undefined when it is neither form. */
export function parseVariableQuery(text: string): KamiwazaVariableQuery | undefined {
  if (LABEL_NAMES.test(text)) {
    return { refId: VARIABLE_QUERY_REF_ID, type: VariableQueryType.LabelNames };
  }
  const values = LABEL_VALUES.exec(text);
  if (values) {
    return {
      refId: VARIABLE_QUERY_REF_ID,
      type: VariableQueryType.LabelValues,
      label: values[2],
      ...(values[1] ? { stream: values[1] } : {}),
    };
  }
  return undefined;
}

/** Loki's text spelling of a variable query (shown as the variable's description). */
export function formatVariableQuery(query: KamiwazaVariableQuery): string {
  if (query.type === VariableQueryType.LabelNames) {
    return 'label_names()';
  }
  return query.stream ? `label_values(${query.stream}, ${query.label ?? ''})` : `label_values(${query.label ?? ''})`;
}

/**
 * Stored queries may be text (older dashboards, Loki's), the object form, or text wrapped as
 * `{refId, query}` (how Grafana hands a string query to a data source that expects objects).
 */
export function toVariableQuery(
  query: KamiwazaVariableQuery | { query?: unknown } | string | undefined
): KamiwazaVariableQuery | undefined {
  if (typeof query === 'string') {
    return parseVariableQuery(query);
  }
  if (query && 'type' in query && query.type) {
    return query;
  }
  const text = query && 'query' in query ? query.query : undefined;
  return typeof text === 'string' ? parseVariableQuery(text) : undefined;
}
