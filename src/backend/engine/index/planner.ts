/**
 * The planner's rules: which range aggregations the per-minute summaries answer exactly, and
 * which log scans the trace-id index narrows. Every other query scans.
 *
 * Summaries hold, per file and minute ((b-1)·60 s, b·60 s], the line count and line bytes per
 * (service_name, detected_level, level, errored), and the format's own summary labels (an access
 * log's response status). A range aggregation is served from them when
 *  - its op counts lines or sums their bytes: count_over_time, rate, bytes_over_time, bytes_rate
 *    (no unwrap: the value would come from the line);
 *  - its series are grouped by summary labels only (`by`, given or pushed down from `sum by`):
 *    without a `by`, series carry every structured-metadata label;
 *  - its selector and stages read summary labels only: stream matchers, and label filters on
 *    string values (no parser, line filter, line_format, label_format, drop, keep, numeric filter);
 *    a query that reads a format's own summary label has the files of other formats scanned
 *    (`formatLabels`);
 *  - window boundaries inside a minute (an instant query's end, a step or range that is not whole
 *    minutes) split at most MAX_EDGE_BUCKETS minutes: those minutes are scanned (their indexed
 *    bytes, found by the time index), every other minute lies in one window cell and is read
 *    from the summaries. Range queries with a step of whole minutes are aligned to the step, so
 *    a dashboard's range queries (range = step = $__auto) split no minute at all.
 *
 * Record columns (`readers/columns.ts`) answer a range aggregation that summaries cannot, whatever
 * its op, when it reads no line and no label but those the columns hold (`columnLabelsRead`): the
 * store then takes the records of a file's indexed prefix from its segments' columns when they
 * hold every label read, and scans the rest.
 */
import type { LabelFilterExpr, RangeAggregationExpr, Stage } from '../logql/ast';
import { FORMATS } from '../readers/formats';
import { ERROR_DETAILS_LABEL, ERROR_LABEL } from '../readers/labels';
import { BUCKET_MS, bucketOf } from './segment';

/** Labels a summary row knows (stream labels and the keyed metadata). */
export const SUMMARY_LABELS: ReadonlySet<string> = new Set([
  'source',
  'filename',
  'service_name',
  'detected_level',
  'level',
]);

/** Labels only the summaries of some formats' files know (`LineFormat.summaryLabels`). */
const FORMAT_SUMMARY_LABELS: ReadonlySet<string> = new Set(Object.values(FORMATS).flatMap((f) => f.summaryLabels));

const isSummaryLabel = (name: string) => SUMMARY_LABELS.has(name) || FORMAT_SUMMARY_LABELS.has(name);

const SUMMARY_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);

/**
 * Summaries, with the edge minutes (bucket numbers) to scan instead, and the format's own summary
 * labels the query reads (the files of formats without them are scanned); or a scan, and why.
 */
export type RangePlan = SummaryPlan | { plan: 'scan'; reason: string };
export interface SummaryPlan {
  plan: 'summaries';
  edgeBuckets: number[];
  formatLabels: string[];
}

/** More split minutes than this (e.g. a step that is not whole minutes, over days): scan. */
export const MAX_EDGE_BUCKETS = 64;

/** The labels a label filter reads (every kind), into `out`; whether it compares strings only. */
function filterNames(filter: LabelFilterExpr, out: string[]): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = filterNames(filter.left, out);
      return filterNames(filter.right, out) && left;
    }
    case 'string':
      out.push(filter.matcher.name);
      return true;
    default:
      out.push(filter.name);
      return false;
  }
}

/** Why a stage needs the lines, if it does; the labels it reads go to `names`. */
function stageReason(stage: Stage, names: string[]): string | undefined {
  if (stage.kind !== 'labelFilter') {
    return `a ${stage.kind} stage reads the line`;
  }
  if (!filterNames(stage.filter, names)) {
    return 'a numeric label filter';
  }
  const other = names.find((n) => !isSummaryLabel(n));
  return other === undefined ? undefined : `a label filter on ${other}`;
}

/** The minutes that a window boundary (start or end of a step's window) falls strictly inside. */
export function edgeBuckets(stepTimes: readonly number[], rangeMs: number, offsetMs: number): number[] {
  const split = new Set<number>();
  for (const t of stepTimes) {
    for (const bound of [t - offsetMs, t - offsetMs - rangeMs]) {
      if (bound % BUCKET_MS !== 0) {
        split.add(bucketOf(bound));
      }
    }
    if (split.size > MAX_EDGE_BUCKETS) {
      break;
    }
  }
  return [...split].sort((a, b) => a - b);
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
  const read = [...groupBy, ...expr.log.matchers.map((m) => m.name)];
  const outside = read.find((n) => !isSummaryLabel(n));
  if (outside !== undefined) {
    return { plan: 'scan', reason: `${outside} is not a summary label` };
  }
  for (const stage of expr.log.stages) {
    const reason = stageReason(stage, read);
    if (reason !== undefined) {
      return { plan: 'scan', reason };
    }
  }
  const edges = edgeBuckets(stepTimes, expr.rangeMs, expr.offsetMs);
  if (edges.length > MAX_EDGE_BUCKETS) {
    return { plan: 'scan', reason: `more than ${MAX_EDGE_BUCKETS} window edges inside minutes` };
  }
  const formatLabels = [...new Set(read.filter((n) => FORMAT_SUMMARY_LABELS.has(n)))];
  return { plan: 'summaries', edgeBuckets: edges, formatLabels };
}

/** Byte ops sum the line's size: a column record has no line. */
const LINE_BYTES_OPS = new Set(['bytes_over_time', 'bytes_rate']);

/** The labels a range aggregation answered from record columns reads, by what each decides. */
export interface ColumnLabels {
  /** The selector's: whether a record is selected. */
  selector: string[];
  /** Those a record's sample depends on (kept or not, and its value). */
  sample: string[];
  /** The grouping's: a record's series. */
  series: string[];
  /** Every one of them, once. */
  all: string[];
}

/**
 * Every label a range aggregation reads (selector, label filters, unwrap, grouping, the error
 * labels its samples are checked for), when it reads them alone: no stage reads or rewrites the
 * line or the labels, its op does not sum line bytes, and its series are grouped `by` labels
 * (without one they keep every label). Undefined otherwise.
 */
export function columnLabelsRead(expr: RangeAggregationExpr, groupBy: string[] | undefined): ColumnLabels | undefined {
  const sample = columnSampleLabels(expr);
  if (sample === undefined || groupBy === undefined || expr.grouping?.mode === 'without') {
    return undefined;
  }
  const selector = expr.log.matchers.map((m) => m.name);
  return { selector, sample, series: groupBy, all: [...new Set([...groupBy, ...selector, ...sample])] };
}

/**
 * The labels a range aggregation's sample of a record depends on (kept or not, and its value):
 * those its label filters, unwrap and unwrap filters read, and the error labels; undefined when a
 * stage reads or rewrites more than labels, or the op sums line bytes. No stage then changes a
 * label, so a record's series depends on its grouping labels alone.
 */
function columnSampleLabels(expr: RangeAggregationExpr): string[] | undefined {
  if (LINE_BYTES_OPS.has(expr.op)) {
    return undefined;
  }
  const names = [ERROR_LABEL, ERROR_DETAILS_LABEL];
  for (const stage of expr.log.stages) {
    if (stage.kind !== 'labelFilter') {
      return undefined;
    }
    filterNames(stage.filter, names);
  }
  if (expr.unwrap) {
    names.push(expr.unwrap.label);
    expr.unwrap.postFilters.forEach((filter) => filterNames(filter, names));
  }
  return [...new Set(names)];
}
