/**
 * Annotations from a log query: one event per returned line, its title, text and tags taken from
 * the line's labels (stream labels, structured metadata and parsed fields) with `{{name}}`
 * templates, as Loki's annotations do. Tags default to the stream labels a dashboard filters by.
 */
import {
  renderLegendFormat,
  type AnnotationEvent,
  type AnnotationQuery,
  type DataFrame,
  type Labels,
} from '@grafana/data';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';

export interface KamiwazaAnnotationQuery extends KamiwazaLogsQuery {
  /** `{{name}}` template for the event title; empty: no title. */
  titleFormat?: string;
  /** `{{name}}` template for the event text; empty: the log line. */
  textFormat?: string;
  /** Comma-separated label names whose values become tags; empty: DEFAULT_TAG_KEYS. */
  tagKeys?: string;
}

export const DEFAULT_TAG_KEYS = ['source', 'service_name'];
const ANNOTATION_REF_ID = 'Anno';

/**
 * Brings a stored annotation to the shape the editor and prepareQuery use: Loki (and Grafana before
 * the target object) kept `expr` and the formats on the annotation itself.
 */
export function prepareAnnotation(
  json: AnnotationQuery<KamiwazaAnnotationQuery>
): AnnotationQuery<KamiwazaAnnotationQuery> {
  if (json.target?.expr !== undefined) {
    return json;
  }
  const { expr, maxLines, titleFormat, textFormat, tagKeys } = json;
  return {
    ...json,
    target: {
      ...(json.target ?? {}),
      refId: json.target?.refId ?? ANNOTATION_REF_ID,
      expr: typeof expr === 'string' ? expr : '',
      ...(maxLines !== undefined ? { maxLines } : {}),
      ...(titleFormat !== undefined ? { titleFormat } : {}),
      ...(textFormat !== undefined ? { textFormat } : {}),
      ...(tagKeys !== undefined ? { tagKeys } : {}),
    },
  };
}

/** The query to run, or undefined (no run) while the expression is empty. */
export function prepareAnnotationQuery(
  annotation: AnnotationQuery<KamiwazaAnnotationQuery>
): KamiwazaAnnotationQuery | undefined {
  const target = annotation.target;
  if (!target || !(target.expr ?? '').trim()) {
    return undefined;
  }
  return { ...target, refId: target.refId || ANNOTATION_REF_ID, queryType: LogsQueryType.Range };
}

/** One event per line of every logs frame; metric frames carry no lines and give none. */
export function annotationEvents(target: KamiwazaAnnotationQuery | undefined, frames: DataFrame[]): AnnotationEvent[] {
  const tagKeys = parseTagKeys(target?.tagKeys);
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((field) => field.name === 'timestamp');
    const body = frame.fields.find((field) => field.name === 'body');
    const labels = frame.fields.find((field) => field.name === 'labels');
    if (!time || !body) {
      continue;
    }
    for (let row = 0; row < frame.length; row++) {
      const rowLabels: Labels = labels?.values[row] ?? {};
      const line = String(body.values[row] ?? '');
      events.push({
        time: Number(time.values[row]),
        title: target?.titleFormat ? renderLegendFormat(target.titleFormat, rowLabels) : undefined,
        text: (target?.textFormat && renderLegendFormat(target.textFormat, rowLabels)) || line,
        tags: tagsOf(rowLabels, tagKeys),
      });
    }
  }
  return events;
}

function parseTagKeys(tagKeys: string | undefined): string[] {
  const keys = (tagKeys ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  return keys.length > 0 ? keys : DEFAULT_TAG_KEYS;
}

/** Values of the tag labels in the order given, without blanks or repeats. */
function tagsOf(labels: Labels, keys: string[]): string[] {
  const values = keys.map((key) => (labels[key] ?? '').trim()).filter(Boolean);
  return Array.from(new Set(values));
}
