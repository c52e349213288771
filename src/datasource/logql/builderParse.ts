/**
 * LogQL text → the builder's model (builder.ts), through @grafana/lezer-logql's tree. Accepts a
 * query only when the builder shows its exact meaning; otherwise says why, in words for the UI.
 */
import type { SyntaxNode } from '@lezer/common';

import { parseLogQLSyntax } from '../../shared/logqlSyntax';
import {
  EMPTY_BUILDER_QUERY,
  LEVEL_LABEL,
  TRACE_ID_LABEL,
  type BuilderMetric,
  type BuilderQuery,
  type LabelFilter,
  type LabelFilterOp,
  type LineFilterOp,
  type MetricFunction,
} from './builder';
import { regexAlternatives, unquote } from './strings';
import { maskVariables } from './variables';

export type BuilderParseResult = { query: BuilderQuery; reason?: undefined } | { query?: undefined; reason: string };

class NotShown extends Error {}

function notShown(reason: string): never {
  throw new NotShown(reason);
}

const METRIC_FUNCTIONS: Record<string, MetricFunction> = {
  CountOverTime: 'count_over_time',
  Rate: 'rate',
  BytesOverTime: 'bytes_over_time',
  SumOverTime: 'sum_over_time',
};

const LINE_FILTER_OPS: Record<string, LineFilterOp> = { PipeExact: '|=', Neq: '!=', PipeMatch: '|~', Nre: '!~' };
const MATCHER_OPS: Record<string, LabelFilterOp> = { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' };
const PARSER_NODES = ['LabelParser', 'LogfmtParser', 'JsonExpressionParser', 'LogfmtExpressionParser'];
const COMPARISON_OPS: Record<string, LabelFilterOp> = { Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=' };

export function logqlToBuilder(text: string): BuilderParseResult {
  if (text.trim() === '') {
    return { query: { ...EMPTY_BUILDER_QUERY } };
  }
  // The tree of the masked text has the same offsets; values are read from the text itself.
  const syntax = parseLogQLSyntax(maskVariables(text));
  if (syntax.problem) {
    return { reason: 'the query has a syntax error' };
  }
  try {
    if (syntax.tree.topNode.getChild('LineComment')) {
      notShown('comments are not shown in the builder');
    }
    return { query: new BuilderReader(text).expr(syntax.tree.topNode.getChild('Expr')!) };
  } catch (error) {
    if (error instanceof NotShown) {
      return { reason: error.message };
    }
    throw error;
  }
}

class BuilderReader {
  private readonly query: BuilderQuery = { ...EMPTY_BUILDER_QUERY, lineFilters: [], labelFilters: [] };

  constructor(private readonly text: string) {}

  private textOf(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private only(node: SyntaxNode, allowed: string[], what: (child: SyntaxNode) => string): void {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (!allowed.includes(child.name) && !child.type.isError) {
        notShown(what(child));
      }
    }
  }

  private stringValue(node: SyntaxNode | null): string {
    const value = node ? unquote(this.textOf(node)) : undefined;
    return value ?? notShown('this string escape is not shown in the builder');
  }

  expr(expr: SyntaxNode): BuilderQuery {
    const log = expr.getChild('LogExpr');
    if (log) {
      this.only(log, ['Selector', 'PipelineExpr'], (child) => `"${this.textOf(child)}" is not shown in the builder`);
      this.logQuery(log);
      return this.query;
    }
    const metric = expr.getChild('MetricExpr')!;
    this.query.metric = this.metric(metric);
    return this.query;
  }

  private metric(metric: SyntaxNode): BuilderMetric {
    const vector = metric.getChild('VectorAggregationExpr');
    if (vector) {
      const op = this.textOf(vector.getChild('VectorOp')!);
      if (op !== 'sum') {
        notShown(`the ${op} aggregation is not shown in the builder (only sum)`);
      }
      this.only(vector, ['VectorOp', 'Grouping', 'MetricExpr'], () => 'this aggregation is not shown in the builder');
      const inner = vector.getChild('MetricExpr')!;
      if (!inner.getChild('RangeAggregationExpr')) {
        notShown('only sum of a range function is shown in the builder');
      }
      return { ...this.rangeAggregation(inner.getChild('RangeAggregationExpr')!), sumBy: this.grouping(vector) };
    }
    const range = metric.getChild('RangeAggregationExpr');
    if (range) {
      return this.rangeAggregation(range);
    }
    if (metric.getChild('BinOpExpr')) {
      notShown('binary operations are not shown in the builder');
    }
    return notShown(`"${this.textOf(metric)}" is not shown in the builder`);
  }

  private grouping(vector: SyntaxNode): string[] {
    const grouping = vector.getChild('Grouping');
    if (!grouping) {
      return [];
    }
    if (grouping.getChild('Without')) {
      notShown('"without" grouping is not shown in the builder');
    }
    const labels: string[] = [];
    const cursor = grouping.cursor();
    do {
      if (cursor.name === 'Identifier') {
        labels.push(this.textOf(cursor.node));
      }
    } while (cursor.next() && cursor.from < grouping.to);
    return labels;
  }

  private rangeAggregation(range: SyntaxNode): BuilderMetric {
    const opNode = range.getChild('RangeOp')!;
    const fn = METRIC_FUNCTIONS[opNode.firstChild?.name ?? ''];
    if (!fn) {
      notShown(`${this.textOf(opNode)} is not shown in the builder`);
    }
    this.only(range, ['RangeOp', 'LogRangeExpr'], (child) =>
      child.name === 'Grouping' ? 'grouping inside a range function is not shown in the builder' : `"${this.textOf(child)}" is not shown in the builder`
    );
    const logRange = range.getChild('LogRangeExpr')!;
    this.only(logRange, ['Selector', 'PipelineExpr', 'Range', 'UnwrapExpr'], (child) =>
      child.name === 'OffsetExpr' ? 'offset is not shown in the builder' : `"${this.textOf(child)}" is not shown in the builder`
    );
    if (!logRange.getChild('Selector')) {
      notShown('a parenthesised log query is not shown in the builder');
    }
    this.logQuery(logRange);
    const rangeNode = logRange.getChild('Range')!;
    const metric: BuilderMetric = { fn, range: this.text.slice(rangeNode.from + 1, rangeNode.to - 1).trim() };
    const unwrap = logRange.getChild('UnwrapExpr');
    if (unwrap) {
      if (fn !== 'sum_over_time') {
        notShown(`unwrap with ${fn} is not shown in the builder`);
      }
      this.only(unwrap, ['Pipe', 'Unwrap', 'Identifier'], () => 'unwrap with a conversion or filters is not shown in the builder');
      metric.unwrap = this.textOf(unwrap.getChild('Identifier')!);
    } else if (fn === 'sum_over_time') {
      notShown('sum_over_time without unwrap is not shown in the builder');
    }
    return metric;
  }

  private logQuery(log: SyntaxNode): void {
    this.selector(log.getChild('Selector')!);
    const stages: SyntaxNode[] = [];
    for (let pipeline = log.getChild('PipelineExpr'); pipeline; pipeline = pipeline.getChild('PipelineExpr')) {
      stages.unshift(...pipeline.getChildren('PipelineStage'));
    }
    for (const stage of stages) {
      this.stage(stage);
    }
  }

  private selector(selector: SyntaxNode): void {
    const cursor = selector.cursor();
    do {
      if (cursor.name === 'Matcher') {
        this.streamMatcher(cursor.node);
      }
    } while (cursor.next() && cursor.from < selector.to);
  }

  private streamMatcher(matcher: SyntaxNode): void {
    const name = this.textOf(matcher.getChild('Identifier')!);
    const op = MATCHER_OPS[matcher.getChild('Identifier')!.nextSibling?.name ?? ''];
    const value = this.stringValue(matcher.getChild('String'));
    const target = name === 'source' ? 'sources' : name === 'service_name' ? 'services' : undefined;
    if (!target) {
      notShown(`the stream label ${name} is not shown in the builder (only source and service_name)`);
    }
    if (this.query[target].length) {
      notShown(`two ${name} matchers are not shown in the builder`);
    }
    if (name === 'source' && op === '=~' && value === '.+') {
      return; // every source
    }
    const values = op === '=' ? [value] : op === '=~' ? regexAlternatives(value) : undefined;
    if (!values) {
      notShown(`${this.textOf(matcher)} is not shown in the builder`);
    }
    this.query[target] = values;
  }

  private stage(stage: SyntaxNode): void {
    const lineFilters = stage.getChild('LineFilters');
    if (lineFilters) {
      const cursor = lineFilters.cursor();
      do {
        if (cursor.name === 'LineFilter') {
          this.lineFilter(cursor.node);
        }
      } while (cursor.next() && cursor.from < lineFilters.to);
      return;
    }
    const body = stage.getChild('Pipe')?.nextSibling;
    if (body && PARSER_NODES.includes(body.name)) {
      const parser = this.textOf(body);
      const name = parser.split(/\s/)[0];
      if (parser !== 'json' && parser !== 'logfmt') {
        const withParameters = name === 'json' || name === 'logfmt' ? ' with parameters' : '';
        notShown(`the ${name} parser${withParameters} is not shown in the builder`);
      }
      if (this.query.parser !== 'none') {
        notShown('two parsers are not shown in the builder');
      }
      if (this.query.labelFilters.length) {
        notShown('label filters before the parser are not shown in the builder');
      }
      this.query.parser = parser;
      return;
    }
    if (body?.name === 'LabelFilter') {
      this.labelFilters(body);
      return;
    }
    const keyword = body ? this.textOf(body).split(/[\s(]/)[0] : this.textOf(stage);
    notShown(`the ${keyword} stage is not shown in the builder`);
  }

  private lineFilter(filter: SyntaxNode): void {
    const opNode = filter.getChild('Filter')?.firstChild;
    const op = LINE_FILTER_OPS[opNode?.name ?? ''];
    if (!op) {
      notShown(`the ${opNode ? this.textOf(opNode) : 'ip'} line filter is not shown in the builder`);
    }
    if (filter.getChild('Or')) {
      notShown('line filters joined with "or" are not shown in the builder');
    }
    this.only(filter, ['Filter', 'String'], () => 'this line filter is not shown in the builder');
    this.query.lineFilters.push({ op, text: this.stringValue(filter.getChild('String')) });
  }

  /** A conjunction (`a="x", b="y"`, `a="x" and b="y"`, juxtaposed) of simple label filters. */
  private labelFilters(filter: SyntaxNode): void {
    const parts = filter.getChildren('LabelFilter');
    if (parts.length) {
      this.only(filter, ['LabelFilter', 'And'], (child) =>
        child.name === 'Or' ? 'label filters joined with "or" are not shown in the builder' : 'this label filter is not shown in the builder'
      );
      parts.forEach((part) => this.labelFilters(part));
      return;
    }
    this.labelFilter(this.simpleLabelFilter(filter));
  }

  private simpleLabelFilter(filter: SyntaxNode): LabelFilter {
    const matcher = filter.getChild('Matcher');
    if (matcher) {
      const nameNode = matcher.getChild('Identifier')!;
      const op = MATCHER_OPS[nameNode.nextSibling?.name ?? ''];
      return { label: this.textOf(nameNode), op, value: this.stringValue(matcher.getChild('String')) };
    }
    const comparison = filter.getChild('NumberFilter') ?? filter.getChild('UnitFilter')?.firstChild;
    const nameNode = comparison?.getChild('Identifier');
    const op = COMPARISON_OPS[nameNode?.nextSibling?.name ?? ''];
    if (!comparison || !nameNode || !op) {
      return notShown(`the label filter ${this.textOf(filter)} is not shown in the builder`);
    }
    return { label: this.textOf(nameNode), op, value: this.text.slice(nameNode.nextSibling!.to, comparison.to).trim() };
  }

  /** Level and trace id filters before any parser have their own fields; the rest follow the parser. */
  private labelFilter(filter: LabelFilter): void {
    const query = this.query;
    if (query.parser === 'none') {
      if (filter.label === LEVEL_LABEL && !query.levels.length) {
        const levels = filter.op === '=' ? [filter.value] : filter.op === '=~' ? regexAlternatives(filter.value) : undefined;
        if (levels) {
          query.levels = levels;
          return;
        }
      }
      if (filter.label === TRACE_ID_LABEL && filter.op === '=' && !query.traceId && filter.value) {
        query.traceId = filter.value;
        return;
      }
    }
    query.labelFilters.push(filter);
  }
}
