/**
 * LogQL text → typed AST (`ast.ts`), built on @grafana/lezer-logql's syntax tree (the grammar
 * Grafana's Loki editor uses). The lezer grammar has no operator precedence, so binary-operator
 * and label-filter chains are flattened and rebuilt with Loki's precedence here.
 *
 * Everything that can be checked statically is checked here, so a query that parses compiles:
 * regexes (RE2 syntax), templates (known functions), patterns, JSON/logfmt expressions.
 */
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import {
  LogQLSyntaxError,
  type BinaryOp,
  type CompareOp,
  type Expr,
  type ExtractionParam,
  type Grouping,
  type LabelFilterExpr,
  type LineFilterOp,
  type LogExpr,
  type MetricExpr,
  type RangeOp,
  type Stage,
  type Unwrap,
  type VectorMatching,
  type VectorOp,
} from './ast';
import type { LabelMatcher, MatchOp } from '../model';
import { compileRegex, RegexError } from './regex';
import { parseTemplate } from './template';
import { parseLinePattern, parsePattern } from './pipeline/pattern';
import { parseJsonPath } from './pipeline/jsonPath';
import { goParseFloat, parseBytes, parseDuration } from './syntax/units';
import { unquoteGoString } from './syntax/strings';

export { parseDuration, parseBytes } from './syntax/units';

const MAX_QUERY_LENGTH = 64 * 1024;

/** Parses a LogQL query; throws `LogQLSyntaxError` (with position) on any error. */
export function parseLogQL(text: string): Expr {
  if (text.length > MAX_QUERY_LENGTH) {
    throw errorAt(text, 0, `query is too long (${text.length} characters, at most ${MAX_QUERY_LENGTH})`);
  }
  checkLexically(text);
  if (text.trim() === '') {
    throw errorAt(text, 0, 'syntax error: unexpected end of input');
  }
  const tree = parser.parse(text);
  reportFirstError(text, tree.topNode);
  const top = tree.topNode.getChild('Expr');
  if (!top) {
    throw errorAt(text, 0, 'syntax error: unexpected end of input');
  }
  return new Builder(text).expr(top);
}

/** A readable error with line/column for a 0-based offset. */
function errorAt(text: string, offset: number, message: string): LogQLSyntaxError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new LogQLSyntaxError(message, offset, line, column);
}

/** Deeper nesting than any real query; bounds the recursion of the tree walk. */
const MAX_NESTING = 256;

/**
 * A lexical pre-pass: lezer recovers from an unterminated string silently far away, so report
 * it at its start; and reject absurd nesting before the recursive tree walk sees it.
 */
function checkLexically(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '(' && ++depth > MAX_NESTING) {
      throw errorAt(text, i, `syntax error: parentheses nested deeper than ${MAX_NESTING} levels`);
    } else if (c === ')') {
      depth--;
    } else if (c === '"' || c === '`') {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === '\\') {
          i++;
        } else if (c === '"' && text[i] === '\n') {
          break;
        }
      }
      if (i >= text.length || text[i] !== c) {
        throw errorAt(text, start, 'syntax error: unterminated string');
      }
    }
  }
}

/**
 * Error nodes that stand for valid LogQL the lezer grammar lacks: juxtaposed label filters
 * (`| a="b" c="d"`, an empty error node between them) and `offset` after a pipeline followed by
 * unwrap (`{...} | json | unwrap x [1m] offset 5m`, two error nodes after the range).
 */
function isGrammarGap(node: SyntaxNode): boolean {
  const prev = node.prevSibling;
  if (node.from === node.to && node.parent?.name === 'LabelFilter') {
    return prev?.name === 'LabelFilter' && node.nextSibling?.name === 'LabelFilter';
  }
  if (node.parent?.name === 'RangeAggregationExpr') {
    return (
      (node.firstChild?.name === 'Offset' && prev?.name === 'LogRangeExpr' && !!prev.getChild('UnwrapExpr')) ||
      (!!prev?.type.isError && prev.firstChild?.name === 'Offset')
    );
  }
  return false;
}

function reportFirstError(text: string, top: SyntaxNode): void {
  let error: SyntaxNode | undefined;
  const cursor = top.cursor();
  do {
    if (cursor.type.isError && !isGrammarGap(cursor.node)) {
      error = cursor.node;
      break;
    }
  } while (cursor.next());
  if (!error) {
    return;
  }
  const rest = text.slice(error.from);
  const token = /^\s*([A-Za-z_][\w]*|\d[\w.]*|"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s\w])/.exec(rest);
  let offset = error.from;
  if (token) {
    offset += token[0].length - token[1].length;
  }
  const what = token ? `"${token[1]}"` : 'end of input';
  throw errorAt(text, offset, `syntax error: unexpected ${what}`);
}

const BINARY_PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

const BINARY_OP_NODES: Record<string, BinaryOp> = {
  Or: 'or',
  And: 'and',
  Unless: 'unless',
  Eql: '==',
  Neq: '!=',
  Lss: '<',
  Lte: '<=',
  Gtr: '>',
  Gte: '>=',
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
};

const COMPARE_OP_NODES: Record<string, CompareOp> = {
  Eql: '==',
  Eq: '==',
  Neq: '!=',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
};

const MATCH_OP_NODES: Record<string, MatchOp> = { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' };

const LINE_FILTER_NODES: Record<string, LineFilterOp> = {
  PipeExact: '|=',
  Neq: '!=',
  PipeMatch: '|~',
  Nre: '!~',
  PipePattern: '|>',
  Npa: '!>',
};

const RANGE_OP_NODES: Record<string, RangeOp> = {
  CountOverTime: 'count_over_time',
  Rate: 'rate',
  RateCounter: 'rate_counter',
  BytesOverTime: 'bytes_over_time',
  BytesRate: 'bytes_rate',
  AvgOverTime: 'avg_over_time',
  SumOverTime: 'sum_over_time',
  MinOverTime: 'min_over_time',
  MaxOverTime: 'max_over_time',
  StddevOverTime: 'stddev_over_time',
  StdvarOverTime: 'stdvar_over_time',
  QuantileOverTime: 'quantile_over_time',
  FirstOverTime: 'first_over_time',
  LastOverTime: 'last_over_time',
  AbsentOverTime: 'absent_over_time',
};

const VECTOR_OP_NODES: Record<string, VectorOp> = {
  Sum: 'sum',
  Avg: 'avg',
  Count: 'count',
  Max: 'max',
  Min: 'min',
  Stddev: 'stddev',
  Stdvar: 'stdvar',
  Bottomk: 'bottomk',
  Topk: 'topk',
  Sort: 'sort',
  Sort_Desc: 'sort_desc',
};

/** Range aggregations that need `| unwrap` (Loki's RangeAggregationExpr.validate). */
const UNWRAP_OPS = new Set<RangeOp>([
  'sum_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
]);

/** Aggregations that take an unwrap without needing one. */
const UNWRAP_OPTIONAL_OPS = new Set<RangeOp>(['rate', 'absent_over_time']);

/** Range aggregations that accept `by`/`without`. */
const GROUPING_OPS = new Set<RangeOp>([
  'avg_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'max_over_time',
  'min_over_time',
  'first_over_time',
  'last_over_time',
]);

/** A flattened operator chain: operands and the operators between them. */
interface Chain<T, O> {
  operands: T[];
  ops: O[];
}

interface BinaryLink {
  op: BinaryOp;
  returnBool: boolean;
  matching?: VectorMatching;
  at: number;
}

class Builder {
  constructor(private readonly text: string) {}

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private fail(node: SyntaxNode | number, message: string): never {
    throw errorAt(this.text, typeof node === 'number' ? node : node.from, message);
  }

  private child(node: SyntaxNode, name: string): SyntaxNode {
    return node.getChild(name) ?? this.fail(node, `syntax error: expected ${name} in "${this.src(node)}"`);
  }

  private string(node: SyntaxNode): string {
    try {
      return unquoteGoString(this.src(node));
    } catch (e) {
      return this.fail(node, `syntax error: ${(e as Error).message}`);
    }
  }

  private number(node: SyntaxNode): number {
    const value = goParseFloat(this.src(node));
    return value ?? this.fail(node, `syntax error: invalid number "${this.src(node)}"`);
  }

  private duration(node: SyntaxNode): number {
    try {
      return parseDuration(this.src(node));
    } catch (e) {
      return this.fail(node, `syntax error: ${(e as Error).message}`);
    }
  }

  private checkRegex(node: SyntaxNode, pattern: string): void {
    try {
      compileRegex(pattern);
    } catch (e) {
      this.fail(node, e instanceof RegexError ? e.message : String(e));
    }
  }

  private checked<T>(node: SyntaxNode, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      return this.fail(node, `invalid ${what}: ${(e as Error).message}`);
    }
  }

  expr(node: SyntaxNode): Expr {
    const inner = node.firstChild ?? this.fail(node, 'syntax error: empty expression');
    if (inner.name === 'LogExpr') {
      return this.logExpr(inner);
    }
    if (inner.name === 'MetricExpr') {
      return this.metricExpr(inner);
    }
    return this.unsupported(inner);
  }

  private unsupported(node: SyntaxNode): never {
    const word = /^[\w]+/.exec(this.src(node))?.[0] ?? node.name;
    return this.fail(node, `${word} is not supported`);
  }

  // ---- log queries ----

  private logExpr(node: SyntaxNode): LogExpr {
    const selector = this.child(node, 'Selector');
    const pipeline = node.getChild('PipelineExpr');
    return { kind: 'log', matchers: this.selector(selector), stages: pipeline ? this.pipeline(pipeline) : [] };
  }

  private selector(node: SyntaxNode): LabelMatcher[] {
    const matchers: LabelMatcher[] = [];
    const collect = (n: SyntaxNode | null): void => {
      for (let c = n?.firstChild ?? null; c; c = c.nextSibling) {
        if (c.name === 'Matchers') {
          collect(c);
        } else if (c.name === 'Matcher') {
          matchers.push(this.matcher(c));
        }
      }
    };
    collect(node.getChild('Matchers'));
    if (matchers.length === 0) {
      this.fail(node, 'syntax error: a stream selector needs at least one matcher');
    }
    if (!matchers.some((m) => !this.matchesEmpty(m))) {
      this.fail(
        node,
        'queries require at least one regexp or equality matcher that does not have an empty-compatible value'
      );
    }
    return matchers;
  }

  /** Loki rejects selectors whose every matcher matches the empty string (`{a=~".*"}`). */
  private matchesEmpty(m: LabelMatcher): boolean {
    switch (m.op) {
      case '=':
        return m.value === '';
      case '!=':
        return m.value !== '';
      case '=~':
        return compileRegex(m.value).matches('');
      case '!~':
        return !compileRegex(m.value).matches('');
    }
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const name = this.src(this.child(node, 'Identifier'));
    const opNode = node.getChild('Identifier')?.nextSibling;
    const op = opNode ? MATCH_OP_NODES[opNode.name] : undefined;
    if (!op) {
      return this.fail(node, `syntax error: unexpected "${this.src(node)}"`);
    }
    const valueNode = this.child(node, 'String');
    const value = this.string(valueNode);
    if (op === '=~' || op === '!~') {
      this.checkRegex(valueNode, value);
    }
    return { name, op, value };
  }

  private pipeline(node: SyntaxNode): Stage[] {
    const stages: Stage[] = [];
    const walk = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === 'PipelineExpr') {
          walk(c);
        } else if (c.name === 'PipelineStage') {
          this.stage(c, stages);
        }
      }
    };
    walk(node);
    return stages;
  }

  private stage(node: SyntaxNode, out: Stage[]): void {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      switch (c.name) {
        case 'Pipe':
          break;
        case 'LineFilters':
          this.lineFilters(c, out);
          break;
        case 'LabelParser':
          out.push(this.labelParser(c));
          break;
        case 'JsonExpressionParser':
          out.push({ kind: 'json', params: this.extractionParams(c, 'json') });
          break;
        case 'LogfmtParser':
        case 'LogfmtExpressionParser': {
          const flags = c.getChild('LogfmtParserFlags');
          const flagText = flags ? this.src(flags) : '';
          const params = c.getChild('LabelExtractionExpressionList') ? this.extractionParams(c, 'logfmt') : [];
          out.push({
            kind: 'logfmt',
            params,
            strict: flagText.includes('--strict'),
            keepEmpty: flagText.includes('--keep-empty'),
          });
          break;
        }
        case 'LabelFilter':
          out.push({ kind: 'labelFilter', filter: this.labelFilter(c) });
          break;
        case 'LineFormatExpr': {
          const template = this.string(this.child(c, 'String'));
          this.checked(c, 'line_format template', () => parseTemplate(template));
          out.push({ kind: 'lineFormat', template });
          break;
        }
        case 'LabelFormatExpr':
          out.push(this.labelFormat(c));
          break;
        case 'DecolorizeExpr':
          out.push({ kind: 'decolorize' });
          break;
        case 'DropLabelsExpr':
          out.push({ kind: 'drop', items: this.dropKeepItems(c, 'DropLabels', 'DropLabel') });
          break;
        case 'KeepLabelsExpr':
          out.push({ kind: 'keep', items: this.dropKeepItems(c, 'KeepLabels', 'KeepLabel') });
          break;
        default:
          this.unsupported(c);
      }
    }
  }

  private lineFilters(node: SyntaxNode, out: Stage[]): void {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.name === 'LineFilters') {
        this.lineFilters(c, out);
      } else if (c.name === 'LineFilter') {
        out.push(this.lineFilter(c));
      }
    }
  }

  private lineFilter(node: SyntaxNode): Stage {
    const filter = this.child(node, 'Filter');
    const opNode = filter.firstChild;
    const op = opNode ? LINE_FILTER_NODES[opNode.name] : undefined;
    if (!op) {
      return this.fail(filter, `line filter ${this.src(filter)} is not supported`);
    }
    if (node.getChild('FilterOp')) {
      return this.fail(node.getChild('FilterOp')!, 'ip() line filters are not supported');
    }
    const strings: SyntaxNode[] = [];
    const collect = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === 'String') {
          strings.push(c);
        } else if (c.name === 'OrFilter') {
          collect(c);
        } else if (c.name === 'FilterOp') {
          this.fail(c, 'ip() line filters are not supported');
        }
      }
    };
    collect(node);
    const values = strings.map((s) => {
      const value = this.string(s);
      if (op === '|~' || op === '!~') {
        this.checkRegex(s, value);
      } else if (op === '|>' || op === '!>') {
        this.checked(s, 'pattern', () => parseLinePattern(value));
      }
      return value;
    });
    return { kind: 'lineFilter', op, values };
  }

  private labelParser(node: SyntaxNode): Stage {
    const kind = node.firstChild?.name;
    switch (kind) {
      case 'Json':
        return { kind: 'json', params: [] };
      case 'Logfmt':
        return { kind: 'logfmt', params: [], strict: false, keepEmpty: false };
      case 'Unpack':
        return { kind: 'unpack' };
      case 'Regexp': {
        const s = this.child(node, 'String');
        const pattern = this.string(s);
        this.checkRegex(s, pattern);
        const names = compileRegex(pattern).groupCount() > 0 ? Object.keys(compileRegex(pattern).namedGroups()) : [];
        if (names.length === 0) {
          this.fail(s, 'invalid regexp parser: at least one named capture must be supplied');
        }
        return { kind: 'regexp', pattern };
      }
      case 'Pattern': {
        const s = this.child(node, 'String');
        const pattern = this.string(s);
        this.checked(s, 'pattern', () => parsePattern(pattern));
        return { kind: 'pattern', pattern };
      }
      default:
        return this.unsupported(node);
    }
  }

  private extractionParams(node: SyntaxNode, parserName: 'json' | 'logfmt'): ExtractionParam[] {
    const params: ExtractionParam[] = [];
    const collect = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === 'LabelExtractionExpressionList') {
          collect(c);
        } else if (c.name === 'LabelExtractionExpression') {
          const label = this.src(this.child(c, 'Identifier'));
          const s = c.getChild('String');
          const expression = s ? this.string(s) : label;
          if (parserName === 'json' && s) {
            this.checked(s, 'JSON expression', () => parseJsonPath(expression));
          }
          params.push({ label, expression });
        }
      }
    };
    collect(node);
    return params;
  }

  private labelFormat(node: SyntaxNode): Stage {
    const ops: Array<{ dst: string; rename?: string; template?: string }> = [];
    const seen = new Set<string>();
    const collect = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === 'LabelsFormat') {
          collect(c);
        } else if (c.name === 'LabelFormatMatcher') {
          const ids = c.getChildren('Identifier');
          const dst = this.src(ids[0]);
          if (dst === '__error__') {
            this.fail(c, '__error__ cannot be formatted');
          }
          if (seen.has(dst)) {
            this.fail(c, `multiple label name '${dst}' not allowed in a single format operation`);
          }
          seen.add(dst);
          const s = c.getChild('String');
          if (s) {
            const template = this.string(s);
            this.checked(s, `template for label '${dst}'`, () => parseTemplate(template));
            ops.push({ dst, template });
          } else {
            ops.push({ dst, rename: this.src(ids[1] ?? this.fail(c, 'syntax error: label_format needs a value')) });
          }
        }
      }
    };
    collect(node);
    return { kind: 'labelFormat', ops };
  }

  private dropKeepItems(
    node: SyntaxNode,
    listName: string,
    itemName: string
  ): Array<{ name: string; matcher?: LabelMatcher }> {
    const items: Array<{ name: string; matcher?: LabelMatcher }> = [];
    const collect = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === listName) {
          collect(c);
        } else if (c.name === itemName) {
          const m = c.getChild('Matcher');
          if (m) {
            const matcher = this.matcher(m);
            items.push({ name: matcher.name, matcher });
          } else {
            items.push({ name: this.src(this.child(c, 'Identifier')) });
          }
        }
      }
    };
    collect(node);
    return items;
  }

  /**
   * Label filters: `and` (also `,` and juxtaposition) binds tighter than `or`, as in Loki; the
   * lezer tree is flattened (parenthesised groups stay whole) and rebuilt with that precedence.
   */
  private labelFilter(node: SyntaxNode): LabelFilterExpr {
    const chain: Chain<LabelFilterExpr, 'and' | 'or'> = { operands: [], ops: [] };
    this.flattenLabelFilter(node, chain);
    const orParts: LabelFilterExpr[] = [];
    let current = chain.operands[0];
    chain.ops.forEach((op, i) => {
      const next = chain.operands[i + 1];
      if (op === 'and') {
        current = { kind: 'and', left: current, right: next };
      } else {
        orParts.push(current);
        current = next;
      }
    });
    orParts.push(current);
    return orParts.reduce((left, right) => ({ kind: 'or', left, right }));
  }

  private flattenLabelFilter(node: SyntaxNode, chain: Chain<LabelFilterExpr, 'and' | 'or'>): void {
    const children: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) {
      children.push(c);
    }
    const filters = children.filter((c) => c.name === 'LabelFilter');
    if (filters.length === 1 && children.length === 1) {
      // `( ... )`: a group, built on its own.
      chain.operands.push(this.labelFilter(filters[0]));
      return;
    }
    if (filters.length === 0) {
      chain.operands.push(this.labelFilterLeaf(children[0] ?? this.fail(node, 'syntax error: empty label filter')));
      return;
    }
    for (const c of children) {
      if (c.name === 'LabelFilter') {
        if (chain.operands.length > chain.ops.length) {
          chain.ops.push('and'); // juxtaposed filters (the grammar leaves an empty error node between them)
        }
        this.flattenLabelFilter(c, chain);
      } else if (c.name === 'Or') {
        chain.ops.push('or');
      } else if (c.name === 'And') {
        chain.ops.push('and');
      }
    }
  }

  private labelFilterLeaf(node: SyntaxNode): LabelFilterExpr {
    switch (node.name) {
      case 'Matcher':
        return { kind: 'string', matcher: this.matcher(node) };
      case 'NumberFilter': {
        const name = this.src(this.child(node, 'Identifier'));
        const op = this.compareOp(node);
        const literal = this.child(node, 'LiteralExpr');
        return { kind: 'number', name, op, value: this.signedNumber(literal) };
      }
      case 'UnitFilter': {
        const inner = node.firstChild ?? this.fail(node, 'syntax error: empty filter');
        const name = this.src(this.child(inner, 'Identifier'));
        const op = this.compareOp(inner);
        if (inner.name === 'DurationFilter') {
          return { kind: 'duration', name, op, value: this.duration(this.child(inner, 'Duration')) / 1000 };
        }
        const bytesNode = this.child(inner, 'Bytes');
        const value = this.checked(bytesNode, 'byte size', () => parseBytes(this.src(bytesNode)));
        return { kind: 'bytes', name, op, value };
      }
      case 'IpLabelFilter':
        return this.fail(node, 'ip() label filters are not supported');
      default:
        return this.unsupported(node);
    }
  }

  private compareOp(node: SyntaxNode): CompareOp {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      const op = COMPARE_OP_NODES[c.name];
      if (op) {
        return op;
      }
    }
    return this.fail(node, `syntax error: missing comparison operator in "${this.src(node)}"`);
  }

  private signedNumber(literal: SyntaxNode): number {
    const value = this.number(this.child(literal, 'Number'));
    return literal.firstChild?.name === 'Sub' ? -value : value;
  }

  // ---- metric queries ----

  private metricExpr(node: SyntaxNode): MetricExpr {
    const inner = node.firstChild ?? this.fail(node, 'syntax error: empty expression');
    switch (inner.name) {
      case 'MetricExpr':
        return this.metricExpr(inner); // parenthesised
      case 'RangeAggregationExpr':
        return this.rangeAggregation(inner);
      case 'VectorAggregationExpr':
        return this.vectorAggregation(inner);
      case 'BinOpExpr':
        return this.binaryChain(inner);
      case 'LiteralExpr':
        return { kind: 'literal', value: this.signedNumber(inner) };
      case 'VectorExpr':
        return { kind: 'vectorLiteral', value: this.number(this.child(inner, 'Number')) };
      case 'LabelReplaceExpr':
        return this.fail(inner, 'label_replace is not supported');
      default:
        return this.unsupported(inner);
    }
  }

  private rangeAggregation(node: SyntaxNode): MetricExpr {
    const opNode = this.child(node, 'RangeOp');
    const op = RANGE_OP_NODES[opNode.firstChild?.name ?? ''] ?? this.unsupported(opNode);
    const range = this.child(node, 'LogRangeExpr');
    const selector = range.getChild('Selector');
    if (!selector) {
      return this.fail(range, 'syntax error: expected a stream selector');
    }
    const pipeline = range.getChild('PipelineExpr');
    const log: LogExpr = {
      kind: 'log',
      matchers: this.selector(selector),
      stages: pipeline ? this.pipeline(pipeline) : [],
    };
    const rangeNode = this.child(range, 'Range');
    const rangeMs = this.duration(this.child(rangeNode, 'Duration'));
    if (rangeMs <= 0) {
      this.fail(rangeNode, `syntax error: invalid range ${this.src(rangeNode)}`);
    }
    const offsetMs = this.offset(node, range);
    const unwrapNode = range.getChild('UnwrapExpr');
    const unwrap = unwrapNode ? this.unwrap(unwrapNode) : undefined;
    if (UNWRAP_OPS.has(op) && !unwrap) {
      this.fail(node, `invalid aggregation ${op} without unwrap`);
    }
    if (!UNWRAP_OPS.has(op) && !UNWRAP_OPTIONAL_OPS.has(op) && unwrap) {
      this.fail(node, `invalid aggregation ${op} with unwrap`);
    }
    const paramNode = node.getChild('Number');
    let param: number | undefined;
    if (op === 'quantile_over_time') {
      param = paramNode ? this.number(paramNode) : this.fail(node, 'quantile_over_time needs a φ parameter');
    } else if (paramNode) {
      this.fail(paramNode, `syntax error: ${op} takes no parameter`);
    }
    const groupingNode = node.getChild('Grouping');
    const grouping = groupingNode ? this.grouping(groupingNode) : undefined;
    if (grouping && !GROUPING_OPS.has(op)) {
      this.fail(groupingNode!, `grouping not allowed for ${op} aggregation`);
    }
    return { kind: 'range', op, log, rangeMs, offsetMs, param, unwrap, grouping };
  }

  private offset(aggregation: SyntaxNode, range: SyntaxNode): number {
    const offsetNode = range.getChild('OffsetExpr');
    if (offsetNode) {
      return this.duration(this.child(offsetNode, 'Duration'));
    }
    // The grammar gap (see isGrammarGap): `offset` and its duration arrive as error nodes.
    for (let c = range.nextSibling; c; c = c.nextSibling) {
      if (c.type.isError && c.firstChild?.name === 'Offset') {
        const duration = c.nextSibling;
        return duration?.type.isError ? this.duration(duration) : this.fail(c, 'syntax error: offset needs a duration');
      }
    }
    return 0;
  }

  private unwrap(node: SyntaxNode): Unwrap {
    // Nested: UnwrapExpr(UnwrapExpr(| unwrap x) | filter) | filter ...
    let base = node;
    const filterNodes: SyntaxNode[] = [];
    while (base.getChild('UnwrapExpr')) {
      filterNodes.unshift(...base.getChildren('LabelFilter'));
      base = base.getChild('UnwrapExpr')!;
    }
    const convNode = base.getChild('ConvOp');
    const conversions: Record<string, Unwrap['conversion']> = {
      DurationConv: 'duration',
      DurationSecondsConv: 'duration_seconds',
      BytesConv: 'bytes',
    };
    const conversion = convNode ? conversions[convNode.firstChild?.name ?? ''] : undefined;
    return {
      label: this.src(this.child(base, 'Identifier')),
      conversion,
      postFilters: filterNodes.map((f) => this.labelFilter(f)),
    };
  }

  private grouping(node: SyntaxNode): Grouping {
    const mode = node.getChild('Without') ? 'without' : 'by';
    const labelsNode = node.getChild('Labels');
    return { mode, labels: labelsNode ? this.labelList(labelsNode) : [] };
  }

  /** `a, b, c`: lezer nests the list left-recursively (`Labels(Labels(Labels(a) b) c)`). */
  private labelList(node: SyntaxNode): string[] {
    const out: string[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.name === 'Labels') {
        out.push(...this.labelList(c));
      } else if (c.name === 'Identifier') {
        out.push(this.src(c));
      }
    }
    return out;
  }

  private vectorAggregation(node: SyntaxNode): MetricExpr {
    const opNode = this.child(node, 'VectorOp');
    const op = VECTOR_OP_NODES[opNode.firstChild?.name ?? ''] ?? this.unsupported(opNode);
    const inner = this.metricExpr(this.child(node, 'MetricExpr'));
    const paramNode = node.getChild('Number');
    let param: number | undefined;
    if (op === 'topk' || op === 'bottomk') {
      param = paramNode ? this.number(paramNode) : this.fail(node, `${op} needs a parameter`);
      if (!Number.isInteger(param) || param <= 0) {
        this.fail(paramNode!, `invalid parameter for ${op}: ${this.src(paramNode!)} (must be a positive integer)`);
      }
    } else if (paramNode) {
      this.fail(paramNode, `syntax error: ${op} takes no parameter`);
    }
    const groupings = node.getChildren('Grouping');
    if (groupings.length > 1) {
      this.fail(groupings[1], 'syntax error: grouping given twice');
    }
    const grouping = groupings.length ? this.grouping(groupings[0]) : undefined;
    if (grouping && (op === 'sort' || op === 'sort_desc')) {
      this.fail(groupings[0], `grouping not allowed for ${op}`);
    }
    return { kind: 'vector', op, inner, param, grouping };
  }

  /** `a + b * c`: the lezer tree is left-nested without precedence; rebuild with Loki's. */
  private binaryChain(node: SyntaxNode): MetricExpr {
    const chain: Chain<MetricExpr, BinaryLink> = { operands: [], ops: [] };
    this.flattenBinary(node, chain);
    let pos = 0;
    const operand = (): MetricExpr => chain.operands[pos];
    const climb = (minPrecedence: number): MetricExpr => {
      let left = operand();
      while (pos < chain.ops.length && BINARY_PRECEDENCE[chain.ops[pos].op] >= minPrecedence) {
        const link = chain.ops[pos];
        const precedence = BINARY_PRECEDENCE[link.op];
        pos++;
        const right = climb(link.op === '^' ? precedence : precedence + 1);
        left = this.binary(link, left, right);
      }
      return left;
    };
    return climb(0);
  }

  private flattenBinary(node: SyntaxNode, chain: Chain<MetricExpr, BinaryLink>): void {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.name === 'Expr') {
        const metric = c.getChild('MetricExpr');
        const bin = metric?.firstChild;
        if (metric && bin?.name === 'BinOpExpr' && bin.from === metric.from) {
          this.flattenBinary(bin, chain);
        } else if (metric) {
          chain.operands.push(this.metricExpr(metric));
        } else {
          this.fail(c, 'syntax error: binary operations need metric expressions on both sides');
        }
      } else if (BINARY_OP_NODES[c.name]) {
        const modifier = c.nextSibling?.name === 'BinOpModifier' ? c.nextSibling : null;
        chain.ops.push({ op: BINARY_OP_NODES[c.name], at: c.from, ...this.binaryModifier(modifier) });
      }
    }
  }

  private binaryModifier(node: SyntaxNode | null): { returnBool: boolean; matching?: VectorMatching } {
    if (!node) {
      return { returnBool: false };
    }
    const returnBool = !!node.getChild('Bool');
    const onOrIgnoring = node.getChild('OnOrIgnoringModifier');
    if (!onOrIgnoring) {
      return { returnBool };
    }
    const labelsOf = (n: SyntaxNode | null): string[] =>
      n ? n.getChildren('GroupingLabelList').flatMap((l) => this.groupingLabels(l)) : [];
    const matching: VectorMatching = {
      mode: onOrIgnoring.getChild('Ignoring') ? 'ignoring' : 'on',
      labels: labelsOf(onOrIgnoring.getChild('GroupingLabels')),
    };
    const groupNode = node.getChild('GroupLeft') ?? node.getChild('GroupRight');
    if (groupNode) {
      const includeNode = groupNode.nextSibling?.name === 'GroupingLabels' ? groupNode.nextSibling : null;
      matching.group = { side: groupNode.name === 'GroupLeft' ? 'left' : 'right', include: labelsOf(includeNode) };
    }
    return { returnBool, matching };
  }

  private groupingLabels(list: SyntaxNode): string[] {
    const out: string[] = [];
    for (let c = list.firstChild; c; c = c.nextSibling) {
      if (c.name === 'GroupingLabelList') {
        out.push(...this.groupingLabels(c));
      } else if (c.name === 'GroupingLabel') {
        out.push(this.src(c).trim());
      }
    }
    return out;
  }

  private binary(link: BinaryLink, left: MetricExpr, right: MetricExpr): MetricExpr {
    const comparison = ['==', '!=', '<', '<=', '>', '>='].includes(link.op);
    if (link.returnBool && !comparison) {
      this.fail(link.at, `bool modifier can only be used on comparison operators`);
    }
    if (['and', 'or', 'unless'].includes(link.op)) {
      for (const [side, e] of [
        ['left', left],
        ['right', right],
      ] as const) {
        if (e.kind === 'literal') {
          this.fail(
            link.at,
            `unexpected literal for ${side} leg of logical/set binary operation (${link.op}): ${e.value}`
          );
        }
      }
    }
    return { kind: 'binary', op: link.op, left, right, returnBool: link.returnBool, matching: link.matching };
  }
}
