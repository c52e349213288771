/** What to offer in each situation (situation.ts), from the data source's label and field lookups. */
import { AGGREGATION_OPERATORS, RANGE_VEC_FUNCTIONS } from '@grafana/lezer-logql';

import type { DetectedField } from '../../shared/resources';
import type { Situation } from './situation';
import { escapeRegex } from './strings';

export type CompletionKind = 'function' | 'label' | 'value' | 'field' | 'keyword' | 'operator' | 'duration';

export interface LogQLCompletion {
  label: string;
  /** Monaco snippet syntax (`$0` is where the cursor lands). */
  insertText: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Open the suggestions again after inserting, e.g. a label name's values. */
  retrigger?: boolean;
}

/** The lookups behind completion; each resolves to an empty list when the backend cannot answer. */
export interface CompletionData {
  labelNames(selector: string): Promise<string[]>;
  labelValues(label: string, selector: string): Promise<string[]>;
  detectedFields(logQuery: string): Promise<DetectedField[]>;
}

export const RANGE_DURATIONS = ['$__auto', '$__interval', '$__range', '1m', '5m', '10m', '1h', '1d'];

const LINE_FILTERS: Array<[string, string]> = [
  ['|=', 'line contains'],
  ['!=', 'line does not contain'],
  ['|~', 'line matches a regular expression'],
  ['!~', 'line does not match a regular expression'],
];

const PIPE_STAGES: Array<[label: string, snippet: string, documentation: string]> = [
  ['json', 'json', 'Extract the fields of a JSON line as labels'],
  ['logfmt', 'logfmt', 'Extract the key=value pairs of a logfmt line as labels'],
  ['pattern', 'pattern "$0"', 'Extract labels with a pattern such as "<ip> - <_> <status>"'],
  ['regexp', 'regexp "$0"', 'Extract labels with the named groups of a regular expression'],
  ['unpack', 'unpack', "Unpack a line packed by Promtail's pack stage"],
  ['line_format', 'line_format "$0"', 'Rewrite the line with a Go template, e.g. "{{.actor}}"'],
  ['label_format', 'label_format $0', 'Rename or template labels: new=old, new="{{.x}}"'],
  ['drop', 'drop $0', 'Drop labels'],
  ['keep', 'keep $0', 'Keep only these labels'],
  ['decolorize', 'decolorize', 'Strip ANSI colour codes from the line'],
  ['unwrap', 'unwrap $0', 'Use a label value as the sample of a range aggregation'],
];

export async function completionsFor(situation: Situation, data: CompletionData): Promise<LogQLCompletion[]> {
  switch (situation.kind) {
    case 'expression':
      return [selectorStart(), ...functions()];
    case 'labelName':
      return (await data.labelNames(situation.selector)).map((name) => ({
        label: name,
        insertText: `${name}=`,
        kind: 'label',
        retrigger: true,
      }));
    case 'labelValue':
      return valueItems(await data.labelValues(situation.label, situation.selector), situation);
    case 'fieldValue':
      return valueItems(await data.labelValues(situation.field, situation.logQuery), situation);
    case 'afterLogExpr':
      return [
        ...(situation.inRangeFunction ? RANGE_DURATIONS.map((d) => duration(`[${d}]`)) : []),
        ...lineFilters(),
        ...PIPE_STAGES.map(([label, snippet, documentation]) => stage(`| ${label}`, `| ${snippet}`, documentation)),
      ];
    case 'pipe':
      return [
        ...PIPE_STAGES.map(([label, snippet, documentation]) => stage(label, snippet, documentation)),
        ...fieldItems(await data.detectedFields(situation.logQuery), (name) => `${name}=`),
      ];
    case 'fieldName':
      return fieldItems(await data.detectedFields(situation.logQuery), (name) => name);
    case 'range':
      return RANGE_DURATIONS.map(duration);
    case 'grouping': {
      const [labels, fields] = await Promise.all([
        data.labelNames(selectorOf(situation.logQuery)),
        situation.logQuery ? data.detectedFields(situation.logQuery) : Promise.resolve([]),
      ]);
      const names = [...new Set([...labels, ...fields.map((field) => field.label)])];
      return names.map((name) => ({ label: name, insertText: name, kind: 'label' }));
    }
    case 'afterAggregation':
      return ['by', 'without'].map((keyword) => ({
        label: keyword,
        insertText: `${keyword} ($0)`,
        kind: 'keyword',
        retrigger: true,
      }));
    case 'none':
      return [];
  }
}

function selectorStart(): LogQLCompletion {
  return { label: '{…}', insertText: '{$0}', kind: 'keyword', detail: 'stream selector', retrigger: true };
}

function functions(): LogQLCompletion[] {
  const rangeFunctions = RANGE_VEC_FUNCTIONS.map((fn) => ({
    label: fn.label,
    insertText: fn.label === 'quantile_over_time' ? `${fn.label}(0.95, $0)` : `${fn.label}($0)`,
    kind: 'function' as const,
    detail: 'range aggregation',
    documentation: fn.documentation,
  }));
  const aggregations = AGGREGATION_OPERATORS.map((op) => ({
    label: op.label,
    insertText: `${op.label}($0)`,
    kind: 'function' as const,
    detail: 'vector aggregation',
    documentation: op.documentation,
  }));
  return [...rangeFunctions, ...aggregations];
}

function lineFilters(): LogQLCompletion[] {
  return LINE_FILTERS.map(([op, documentation]) => ({
    label: `${op} ""`,
    insertText: `${op} "$0"`,
    kind: 'operator',
    documentation,
  }));
}

function stage(label: string, insertText: string, documentation: string): LogQLCompletion {
  return { label, insertText, kind: 'keyword', documentation };
}

function duration(text: string): LogQLCompletion {
  return { label: text, insertText: text, kind: 'duration' };
}

function fieldItems(fields: DetectedField[], insert: (name: string) => string): LogQLCompletion[] {
  return fields.map((field) => ({
    label: field.label,
    insertText: insert(field.label),
    kind: 'field',
    detail: field.parsers?.length ? `${field.type}, from ${field.parsers.join(', ')}` : `${field.type}, structured metadata`,
  }));
}

function valueItems(
  values: string[],
  { op, inQuotes }: { op: string; inQuotes: boolean }
): LogQLCompletion[] {
  const isRegex = op === '=~' || op === '!~';
  return values.map((value) => {
    const escaped = JSON.stringify(isRegex ? escapeRegex(value) : value).slice(1, -1);
    // Snippet syntax: `$`, `}` and `\` are special there.
    const snippetSafe = escaped.replace(/[$}\\]/g, '\\$&');
    return { label: value, insertText: inQuotes ? snippetSafe : `"${snippetSafe}"`, kind: 'value' };
  });
}

/** `{a="b"} | json` → `{a="b"}`: label names are stream labels of the selector's streams. */
function selectorOf(logQuery: string): string {
  const end = logQuery.indexOf('}');
  return end >= 0 ? logQuery.slice(0, end + 1) : '';
}

/**
 * Where the text a completion replaces starts: the word being typed, or inside quotes the
 * partial value after the opening quote.
 */
export function replacedFrom(text: string, offset: number, situation: Situation): number {
  const before = text.slice(0, offset);
  if ((situation.kind === 'labelValue' || situation.kind === 'fieldValue') && situation.inQuotes) {
    return Math.max(before.lastIndexOf('"'), before.lastIndexOf('`')) + 1;
  }
  const word = /[\w$]*$/.exec(before);
  return offset - (word ? word[0].length : 0);
}
