/**
 * Evaluates a metric expression at every step of the query: range aggregations scan once each,
 * everything above them works step by step on small vectors.
 */
import type { MetricExpr, RangeAggregationExpr, RangeOp, VectorAggregationExpr, VectorOp } from '../ast';
import { applyOperator, isComparison, isSetOperator, vectorScalar, vectorVector } from './binary';
import type { Sample } from './labels';
import {
  evaluateRange,
  stepVectors,
  type RangeEvalContext,
  type RangeEvalOptions,
  type RangeSeries,
} from './rangeEval';
import { aggregateVector } from './vectorAgg';

export type MetricContext = RangeEvalContext;

/** A scalar (literals and their arithmetic) or one vector per step. */
export type Evaluated = { kind: 'scalar'; value: number } | { kind: 'vectors'; steps: Sample[][] };

/** The query's result: also a range aggregation's series as they are, when they are the result's. */
export type QueryEvaluated = Evaluated | { kind: 'series'; series: RangeSeries[] };

/**
 * Vector aggregations that may be pushed into the range aggregation below them: aggregating the
 * per-series window values by the grouping labels equals aggregating the samples by them directly.
 */
const PUSHDOWN: Partial<Record<VectorOp, ReadonlySet<RangeOp>>> = {
  sum: new Set<RangeOp>(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'sum_over_time']),
  max: new Set<RangeOp>(['max_over_time']),
  min: new Set<RangeOp>(['min_over_time']),
};

function pushdownTarget(expr: VectorAggregationExpr): RangeAggregationExpr | undefined {
  const inner = expr.inner;
  if (inner.kind !== 'range' || inner.grouping || (expr.grouping && expr.grouping.mode !== 'by')) {
    return undefined;
  }
  return PUSHDOWN[expr.op]?.has(inner.op) ? inner : undefined;
}

/**
 * `topk`/`bottomk` of one step over a range aggregation, or over an aggregation pushed down into
 * one: the range aggregation need only return the series that can be chosen (its others may be
 * far more than a query may return). Undefined for any other aggregation.
 */
function chosenOfOneStep(
  expr: VectorAggregationExpr,
  ctx: MetricContext
): { range: RangeAggregationExpr; options: RangeEvalOptions } | undefined {
  const chooses = expr.op === 'topk' || expr.op === 'bottomk';
  if (!chooses || expr.grouping !== undefined || ctx.steps.times.length !== 1) {
    return undefined;
  }
  const top = { k: expr.param ?? 0, descending: expr.op === 'topk' };
  const inner = expr.inner;
  if (inner.kind === 'range') {
    return { range: inner, options: { top } };
  }
  if (inner.kind !== 'vector') {
    return undefined;
  }
  const target = pushdownTarget(inner);
  return target && { range: target, options: { pushdownBy: inner.grouping?.labels ?? [], top } };
}

async function evaluateVectorAggregation(expr: VectorAggregationExpr, ctx: MetricContext): Promise<Evaluated> {
  const chosen = chosenOfOneStep(expr, ctx);
  if (chosen) {
    const samples = stepVectors(await evaluateRange(chosen.range, ctx, chosen.options), 1)[0];
    return { kind: 'vectors', steps: [aggregateVector(expr.op, expr.param, expr.grouping, samples, ctx.table)] };
  }
  const target = pushdownTarget(expr);
  if (target) {
    const series = await evaluateRange(target, ctx, { pushdownBy: expr.grouping?.labels ?? [] });
    return { kind: 'vectors', steps: stepVectors(series, ctx.steps.times.length) };
  }
  const inner = await evaluateMetric(expr.inner, ctx);
  if (inner.kind === 'scalar') {
    throw new Error(`${expr.op} expects a vector, got a scalar`);
  }
  return {
    kind: 'vectors',
    steps: inner.steps.map((samples) => aggregateVector(expr.op, expr.param, expr.grouping, samples, ctx.table)),
  };
}

async function evaluateBinary(expr: Extract<MetricExpr, { kind: 'binary' }>, ctx: MetricContext): Promise<Evaluated> {
  const left = await evaluateMetric(expr.left, ctx);
  const right = await evaluateMetric(expr.right, ctx);
  if (left.kind === 'scalar' && right.kind === 'scalar') {
    if (isSetOperator(expr.op)) {
      throw new Error(`set operator ${expr.op} not allowed in binary scalar expression`);
    }
    return { kind: 'scalar', value: applyOperator(expr.op, left.value, right.value) };
  }
  if (left.kind === 'scalar' || right.kind === 'scalar') {
    if (isSetOperator(expr.op)) {
      throw new Error(`set operator ${expr.op} not allowed between a scalar and a vector`);
    }
    const scalarOnLeft = left.kind === 'scalar';
    const scalar = scalarOnLeft ? (left as { value: number }).value : (right as { value: number }).value;
    const vectors = (scalarOnLeft ? right : left) as { steps: Sample[][] };
    return {
      kind: 'vectors',
      steps: vectors.steps.map((samples) => vectorScalar(expr.op, samples, scalar, scalarOnLeft, expr.returnBool)),
    };
  }
  if (expr.returnBool && !isComparison(expr.op)) {
    throw new Error('bool modifier can only be used on comparison operators');
  }
  return {
    kind: 'vectors',
    steps: left.steps.map((samples, i) =>
      vectorVector(expr.op, samples, right.steps[i], expr.matching, expr.returnBool, ctx.table)
    ),
  };
}

/**
 * Evaluates the query's expression. When a range aggregation's series are the result's (alone, or
 * pushed down into an enclosing aggregation), the series limit is enforced while scanning, and
 * they are returned column-wise, without a vector per step.
 */
export async function evaluateQuery(expr: MetricExpr, ctx: MetricContext): Promise<QueryEvaluated> {
  if (expr.kind === 'range') {
    return { kind: 'series', series: await evaluateRange(expr, ctx, { isResult: true }) };
  }
  const target = expr.kind === 'vector' ? pushdownTarget(expr) : undefined;
  if (expr.kind === 'vector' && target) {
    const pushdownBy = expr.grouping?.labels ?? [];
    return { kind: 'series', series: await evaluateRange(target, ctx, { pushdownBy, isResult: true }) };
  }
  return evaluateMetric(expr, ctx);
}

export async function evaluateMetric(expr: MetricExpr, ctx: MetricContext): Promise<Evaluated> {
  switch (expr.kind) {
    case 'literal':
      return { kind: 'scalar', value: expr.value };
    case 'vectorLiteral': {
      const series = ctx.table.get({});
      return { kind: 'vectors', steps: ctx.steps.times.map(() => [{ series, value: expr.value }]) };
    }
    case 'range':
      return { kind: 'vectors', steps: stepVectors(await evaluateRange(expr, ctx), ctx.steps.times.length) };
    case 'vector':
      return evaluateVectorAggregation(expr, ctx);
    case 'binary':
      return evaluateBinary(expr, ctx);
  }
}

/** Whether the query asks for value order (Loki's `Sortable`: a sort/sort_desc anywhere). */
export function isSortable(expr: MetricExpr): boolean {
  switch (expr.kind) {
    case 'vector':
      return expr.op === 'sort' || expr.op === 'sort_desc' || isSortable(expr.inner);
    case 'binary':
      return isSortable(expr.left) || isSortable(expr.right);
    default:
      return false;
  }
}
