/**
 * The planner's rules: which range aggregations the per-minute summaries answer exactly, and
 * which log scans the trace-id index narrows. Every other query scans.
 *
 * Summaries hold, per file and minute ((b-1)·60 s, b·60 s], the line count and line bytes per
 * (service_name, detected_level, level, errored). A range aggregation is served from them when
 *  - its op counts lines or sums their bytes: count_over_time, rate, bytes_over_time, bytes_rate
 *    (no unwrap: the value would come from the line);
 *  - its series are grouped by summary labels only (`by`, given or pushed down from `sum by`):
 *    without a `by`, series carry every structured-metadata label;
 *  - its selector and stages read summary labels only: stream matchers, and label filters on
 *    string values (no parser, line filter, line_format, label_format, drop, keep, numeric filter);
 *  - every window boundary is a whole minute (step, range, offset and the steps' phase), so each
 *    minute lies in one window cell. Otherwise a minute at a window edge would be split: scan.
 */
import type { LabelFilterExpr, RangeAggregationExpr, Stage } from '../logql/ast';
import { BUCKET_MS } from './segment';

/** Labels a summary row knows (stream labels and the keyed metadata). */
export const SUMMARY_LABELS: ReadonlySet<string> = new Set([
  'source',
  'filename',
  'service_name',
  'detected_level',
  'level',
]);

const SUMMARY_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);

export type RangePlan = { plan: 'summaries' } | { plan: 'scan'; reason: string };

function filterLabels(filter: LabelFilterExpr, out: string[]): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filterLabels(filter.left, out) && filterLabels(filter.right, out);
    case 'string':
      out.push(filter.matcher.name);
      return true;
    default:
      return false;
  }
}

function stageReason(stage: Stage): string | undefined {
  if (stage.kind !== 'labelFilter') {
    return `a ${stage.kind} stage reads the line`;
  }
  const names: string[] = [];
  if (!filterLabels(stage.filter, names)) {
    return 'a numeric label filter';
  }
  const other = names.find((n) => !SUMMARY_LABELS.has(n));
  return other === undefined ? undefined : `a label filter on ${other}`;
}

/** Whether every window boundary of the steps is a whole bucket. */
export function alignedToBuckets(stepTimes: readonly number[], rangeMs: number, offsetMs: number): boolean {
  const whole = (t: number) => t % BUCKET_MS === 0;
  if (!whole(rangeMs) || !whole(offsetMs)) {
    return false;
  }
  return stepTimes.every((t) => whole(t));
}

/**
 * How one range aggregation is evaluated. `groupBy`: its `by` labels (own or pushed down), or
 * undefined when its series keep every label.
 */
export function planRange(
  expr: RangeAggregationExpr,
  stepTimes: readonly number[],
  groupBy: string[] | undefined
): RangePlan {
  if (!SUMMARY_OPS.has(expr.op) || expr.unwrap) {
    return { plan: 'scan', reason: `${expr.op}${expr.unwrap ? ' with unwrap' : ''} needs each line's value` };
  }
  if (groupBy === undefined) {
    return { plan: 'scan', reason: 'series without a by grouping keep every label' };
  }
  const outside = [...groupBy, ...expr.log.matchers.map((m) => m.name)].find((n) => !SUMMARY_LABELS.has(n));
  if (outside !== undefined) {
    return { plan: 'scan', reason: `${outside} is not a summary label` };
  }
  for (const stage of expr.log.stages) {
    const reason = stageReason(stage);
    if (reason !== undefined) {
      return { plan: 'scan', reason };
    }
  }
  if (!alignedToBuckets(stepTimes, expr.rangeMs, expr.offsetMs)) {
    return { plan: 'scan', reason: 'window edges are not whole minutes' };
  }
  return { plan: 'summaries' };
}
