/**
 * Text edits on LogQL that Explore and dashboards ask for (filter for / out, line filters, ad hoc
 * filters, context and sample queries). Every position comes from the `@grafana/lezer-logql` tree,
 * never from a string search, so edits land in every log expression of a metric or binary query.
 */
import {
  Identifier,
  JsonExpressionParser,
  LabelFilter,
  LabelParser,
  LineFilters,
  LogExpr,
  LogfmtExpressionParser,
  LogfmtParser,
  LogRangeExpr,
  Matcher,
  Matchers,
  parser,
  PipelineExpr,
  PipelineStage,
  Selector,
  String as StringLiteral,
} from '@grafana/lezer-logql';

export type LabelOperator = '=' | '!=' | '=~' | '!~';

/**
 * Where a label lives: stream labels go into the selector; structured metadata and parsed fields
 * become a `| name="value"` label filter after the query's parsers.
 */
export type LabelKind = 'stream' | 'field';

export interface LabelFilterSpec {
  key: string;
  operator: LabelOperator;
  value: string;
}

export type LineFilterOperator = '|=' | '!=';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface Span {
  from: number;
  to: number;
}

type StageKind = 'lineFilter' | 'parser' | 'labelFilter' | 'other';

interface Stage extends Span {
  kind: StageKind;
  /** Set when the stage is one plain `| name op "value"` filter (removable, comparable). */
  matcher?: LabelFilterSpec;
}

/** One `{selector} | pipeline` of a query: a log query has one, a metric query one per range aggregation. */
interface LogUnit {
  selector: Span;
  matchers: Array<LabelFilterSpec & Span>;
  stages: Stage[];
}

const PARSER_NODES = new Set([LabelParser, JsonExpressionParser, LogfmtParser, LogfmtExpressionParser]);

function logUnits(expr: string): LogUnit[] {
  const units: LogUnit[] = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.id !== LogExpr && ref.type.id !== LogRangeExpr) {
        return true;
      }
      const selector = ref.node.getChild(Selector);
      if (selector) {
        units.push(logUnit(expr, selector, ref.node.getChild(PipelineExpr)));
      }
      return false;
    },
  });
  return units;
}

function logUnit(expr: string, selector: SyntaxNode, pipeline: SyntaxNode | null): LogUnit {
  const matchers: LogUnit['matchers'] = [];
  const matchersNode = selector.getChild(Matchers);
  for (const node of matchersNode ? descendants(matchersNode, Matcher) : []) {
    const spec = matcherSpec(expr, node);
    if (spec) {
      matchers.push({ ...spec, from: node.from, to: node.to });
    }
  }
  return {
    selector: { from: selector.from, to: selector.to },
    matchers,
    stages: pipeline ? descendants(pipeline, PipelineStage).map((node) => stageOf(expr, node)) : [],
  };
}

function stageOf(expr: string, node: SyntaxNode): Stage {
  const span = { from: node.from, to: node.to };
  if (node.getChild(LineFilters)) {
    return { ...span, kind: 'lineFilter' };
  }
  const labelFilter = node.getChild(LabelFilter);
  if (labelFilter) {
    const only = labelFilter.firstChild;
    const plain = only && only.type.id === Matcher && only.nextSibling === null;
    return { ...span, kind: 'labelFilter', matcher: plain ? matcherSpec(expr, only) : undefined };
  }
  const isParser = [...PARSER_NODES].some((id) => node.getChild(id));
  return { ...span, kind: isParser ? 'parser' : 'other' };
}

/** Nodes of `type` below `node`, in text order, not descending into matches. */
function descendants(node: SyntaxNode, type: number): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const walk = (parent: SyntaxNode) => {
    for (let child = parent.firstChild; child; child = child.nextSibling) {
      if (child.type.id === type) {
        found.push(child);
      } else {
        walk(child);
      }
    }
  };
  walk(node);
  return found;
}

function matcherSpec(expr: string, node: SyntaxNode): LabelFilterSpec | undefined {
  const name = node.getChild(Identifier);
  const value = node.getChild(StringLiteral);
  if (!name || !value || !name.nextSibling) {
    return undefined;
  }
  const operator = expr.slice(name.nextSibling.from, name.nextSibling.to) as LabelOperator;
  if (!['=', '!=', '=~', '!~'].includes(operator)) {
    return undefined;
  }
  return { key: expr.slice(name.from, name.to), operator, value: unquote(expr.slice(value.from, value.to)) };
}

/** The value of a LogQL string literal (`"..."` with Go escapes, or a raw `` `...` ``). */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) {
    return body;
  }
  return body.replace(/\\(.)/g, (_, char: string) => ({ n: '\n', t: '\t', r: '\r' })[char] ?? char);
}

/** A double-quoted LogQL string whose value is exactly `value` (regex values included). */
export function quote(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r');
  return `"${escaped}"`;
}

function sameFilter(a: LabelFilterSpec, b: LabelFilterSpec): boolean {
  return a.key === b.key && a.operator === b.operator && a.value === b.value;
}

interface Edit {
  at: number;
  /** Characters removed from `at`. */
  remove: number;
  insert: string;
}

function applyEdits(expr: string, edits: Edit[]): string {
  return [...edits]
    .sort((a, b) => b.at - a.at)
    .reduce((text, edit) => text.slice(0, edit.at) + edit.insert + text.slice(edit.at + edit.remove), expr);
}

function formatFilter(filter: LabelFilterSpec): string {
  return `${filter.key}${filter.operator}${quote(filter.value)}`;
}

/** End of the selector and the line filters right after it: where line filters belong. */
function afterLineFilters(unit: LogUnit): number {
  let end = unit.selector.to;
  for (const stage of unit.stages) {
    if (stage.kind !== 'lineFilter') {
      break;
    }
    end = stage.to;
  }
  return end;
}

/** After the last parser or label filter (or the leading line filters): where a field filter belongs. */
function afterParsersAndFilters(unit: LogUnit): number {
  const last = [...unit.stages].reverse().find((stage) => stage.kind === 'parser' || stage.kind === 'labelFilter');
  return last ? last.to : afterLineFilters(unit);
}

function unitHasFilter(unit: LogUnit, filter: LabelFilterSpec): boolean {
  return (
    unit.matchers.some((matcher) => sameFilter(matcher, filter)) ||
    unit.stages.some((stage) => stage.matcher && sameFilter(stage.matcher, filter))
  );
}

/**
 * Adds `filter` to every log expression of `expr`: into the selector for a stream label, as a
 * label filter after the parsers for a field. Expressions that already have it are left alone.
 */
export function addLabelFilter(expr: string, filter: LabelFilterSpec, kind: LabelKind): string {
  const edits: Edit[] = [];
  for (const unit of logUnits(expr)) {
    if (unitHasFilter(unit, filter)) {
      continue;
    }
    if (kind === 'field') {
      edits.push({ at: afterParsersAndFilters(unit), remove: 0, insert: ` | ${formatFilter(filter)}` });
    } else if (unit.matchers.length > 0) {
      edits.push({ at: unit.matchers[unit.matchers.length - 1].to, remove: 0, insert: `, ${formatFilter(filter)}` });
    } else {
      edits.push({ at: unit.selector.from + 1, remove: 0, insert: formatFilter(filter) });
    }
  }
  return applyEdits(expr, edits);
}

/** Removes `filter` wherever it stands alone: a selector matcher, or a `| name op "value"` stage. */
export function removeLabelFilter(expr: string, filter: LabelFilterSpec): string {
  const edits: Edit[] = [];
  for (const unit of logUnits(expr)) {
    unit.matchers.forEach((matcher, index) => {
      if (!sameFilter(matcher, filter)) {
        return;
      }
      // Take the separating comma with it: the one before, or for the first matcher the one after.
      const from = index > 0 ? unit.matchers[index - 1].to : matcher.from;
      const to = index > 0 || unit.matchers.length === 1 ? matcher.to : unit.matchers[index + 1].from;
      edits.push({ at: from, remove: to - from, insert: '' });
    });
    unit.stages.forEach((stage, index) => {
      if (stage.matcher && sameFilter(stage.matcher, filter)) {
        const from = index > 0 ? unit.stages[index - 1].to : unit.selector.to;
        edits.push({ at: from, remove: stage.to - from, insert: '' });
      }
    });
  }
  return applyEdits(expr, edits);
}

export function hasLabelFilter(expr: string, filter: LabelFilterSpec): boolean {
  return logUnits(expr).some((unit) => unitHasFilter(unit, filter));
}

/** Adds a line filter right after the selector's line filters (before any parser), in every log expression. */
export function addLineFilter(expr: string, value: string, operator: LineFilterOperator = '|='): string {
  const literal = value.includes('`') ? quote(value) : `\`${value}\``;
  const edits = logUnits(expr).map((unit) => ({
    at: afterLineFilters(unit),
    remove: 0,
    insert: ` ${operator} ${literal}`,
  }));
  return applyEdits(expr, edits);
}

/** True when `expr` is a log query (returns lines), false for metric queries and unparsable text. */
export function isLogQuery(expr: string): boolean {
  const top = parser.parse(expr).topNode.firstChild?.firstChild;
  return top?.type.id === LogExpr;
}

/**
 * The log query inside a metric query: the first range aggregation's selector and pipeline
 * (without unwrap, range or offset), as Loki's logs sample runs it. Undefined when there is none.
 */
export function logQueryOfMetricQuery(expr: string): string | undefined {
  const unit = logUnits(expr)[0];
  if (!unit) {
    return undefined;
  }
  const end = unit.stages.length > 0 ? unit.stages[unit.stages.length - 1].to : unit.selector.to;
  return expr.slice(unit.selector.from, end);
}

/** The first log expression's pipeline text (`| json | level="error"`), or '' when it has none. */
export function pipelineOf(expr: string): string {
  const unit = logUnits(expr)[0];
  if (!unit || unit.stages.length === 0) {
    return '';
  }
  return expr.slice(unit.stages[0].from, unit.stages[unit.stages.length - 1].to).trim();
}
