/**
 * Typed LogQL syntax tree, produced by `parser.ts` from @grafana/lezer-logql's tree and consumed
 * by the pipeline (log stages) and the metric evaluator. Durations are milliseconds, byte sizes
 * are bytes, regular expressions stay as source text (compiled with RE2 semantics later).
 */
import type { LabelMatcher } from '../model';

export type Expr = LogExpr | MetricExpr;

/** `{selector} | stage | stage ...` */
export interface LogExpr {
  kind: 'log';
  matchers: LabelMatcher[];
  stages: Stage[];
}

export type Stage =
  | LineFilterStage
  | ParserStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DropStage
  | KeepStage
  | DecolorizeStage;

/** `|>` / `!>` (added): Loki's pattern line filters, e.g. `|> "<_> status=5<_>"`. */
export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** `|= "a" or "b"`: the line passes when any value matches (for `!=`/`!~`/`!>`: when none does). */
export interface LineFilterStage {
  kind: 'lineFilter';
  op: LineFilterOp;
  values: string[];
}

export type ParserStage =
  | { kind: 'json'; params: ExtractionParam[] }
  | { kind: 'logfmt'; params: ExtractionParam[]; strict: boolean; keepEmpty: boolean }
  | { kind: 'regexp'; pattern: string }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'unpack' };

/** `json label="expr"` / `logfmt label="key"`; without params every field is extracted. */
export interface ExtractionParam {
  label: string;
  expression: string;
}

export interface LabelFilterStage {
  kind: 'labelFilter';
  filter: LabelFilterExpr;
}

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelFilterExpr =
  | { kind: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr }
  | { kind: 'string'; matcher: LabelMatcher }
  /** Numeric, duration (value in seconds, as Loki compares) and bytes (value in bytes) comparisons. */
  | { kind: 'number' | 'duration' | 'bytes'; name: string; op: CompareOp; value: number };

export interface LineFormatStage {
  kind: 'lineFormat';
  template: string;
}

/** `label_format dst=src` (rename) or `dst="{{template}}"`. */
export interface LabelFormatStage {
  kind: 'labelFormat';
  ops: Array<{ dst: string; rename?: string; template?: string }>;
}

/** `drop a, b="x"` / `keep a, b="x"`: a bare name, or a name with a matcher on its value. */
export interface DropStage {
  kind: 'drop';
  items: Array<{ name: string; matcher?: LabelMatcher }>;
}
export interface KeepStage {
  kind: 'keep';
  items: Array<{ name: string; matcher?: LabelMatcher }>;
}
export interface DecolorizeStage {
  kind: 'decolorize';
}

export type MetricExpr = RangeAggregationExpr | VectorAggregationExpr | BinaryOpExpr | LiteralExpr | VectorExpr;

export type RangeOp =
  | 'count_over_time'
  | 'rate'
  | 'bytes_over_time'
  | 'bytes_rate'
  | 'absent_over_time'
  | 'sum_over_time'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'stddev_over_time'
  | 'stdvar_over_time'
  | 'quantile_over_time'
  | 'first_over_time'
  | 'last_over_time'
  | 'rate_counter';

export interface Grouping {
  mode: 'by' | 'without';
  labels: string[];
}

/** `op(param, {sel} | ... | unwrap x [range] offset o) by (...)` */
export interface RangeAggregationExpr {
  kind: 'range';
  op: RangeOp;
  log: LogExpr;
  rangeMs: number;
  offsetMs: number;
  /** quantile_over_time's φ. */
  param?: number;
  unwrap?: Unwrap;
  /** Range aggregations over unwrapped samples accept `by`/`without`. */
  grouping?: Grouping;
}

export interface Unwrap {
  label: string;
  conversion?: 'duration' | 'duration_seconds' | 'bytes';
  /** Label filters after unwrap (`| unwrap x | __error__=""`). */
  postFilters: LabelFilterExpr[];
}

export type VectorOp =
  'sum' | 'avg' | 'min' | 'max' | 'count' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'sort' | 'sort_desc';

export interface VectorAggregationExpr {
  kind: 'vector';
  op: VectorOp;
  inner: MetricExpr;
  /** topk/bottomk's k. */
  param?: number;
  grouping?: Grouping;
}

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '>' | '>=' | '<' | '<=' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  mode: 'on' | 'ignoring';
  labels: string[];
  /** `group_left(...)` / `group_right(...)`: many-to-one matching and the labels to copy. */
  group?: { side: 'left' | 'right'; include: string[] };
}

export interface BinaryOpExpr {
  kind: 'binary';
  op: BinaryOp;
  left: MetricExpr;
  right: MetricExpr;
  /** Comparison with the `bool` modifier returns 0/1 instead of filtering. */
  returnBool: boolean;
  matching?: VectorMatching;
}

export interface LiteralExpr {
  kind: 'literal';
  value: number;
}

/** `vector(1)` */
export interface VectorExpr {
  kind: 'vectorLiteral';
  value: number;
}

/** A parse error with a 0-based offset into the query text and 1-based line/column. */
export class LogQLSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number
  ) {
    super(`parse error at line ${line}, col ${column}: ${message}`);
    this.name = 'LogQLSyntaxError';
  }
}
