/**
 * Evaluates one range aggregation (`count_over_time({...} | ... [5m])`) at every step with a
 * single scan: each record goes through the pipeline once, its sample is added to the cell of the
 * window layout that holds it, and per-series accumulators answer every window afterwards.
 *
 * Series labels follow Loki's sample extractors: the pipeline's output labels (stream, structured
 * metadata, extracted), reduced by the range aggregation's grouping; with `unwrap` and no `by`
 * grouping the unwrapped label is dropped; samples with `__error__` keep their full labels and
 * fail the query (Loki's pipeline error) unless a filter removed them.
 */
import type { RangeAggregationExpr } from '../ast';
import type { LabelMatcher, Labels, LogRecord, LogStore, QueryLimits, ScanStats } from '../../model';
import { compilePipeline, compileSampleExtractor, requiredLabelValues, requiredLiterals } from '../pipeline';
import { PipelineError, SeriesLimitError, throwIfAborted } from './errors';
import {
  dropLabels,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  keepLabels,
  labelPairKey,
  labelsKey,
  type Sample,
  type SeriesId,
  type SeriesTable,
} from './labels';
import { accumulatorFactory, type RangeAccumulator } from './rangeOps';
import type { EvalSteps } from './steps';
import { WindowLayout } from './windows';

export interface RangeEvalContext {
  store: LogStore;
  steps: EvalSteps;
  stats: ScanStats;
  table: SeriesTable;
  signal?: AbortSignal;
  limits?: QueryLimits;
  /** The query's series limit (Loki's max_query_series). */
  maxSeries: number;
}

export interface RangeEvalOptions {
  /** Group samples by these labels right away (see `evaluateRange`). */
  pushdownBy?: string[];
  /** The range aggregation is the query's result: its series count is the result's. */
  isResult?: boolean;
}

/**
 * Bounds on the series of a range aggregation that feeds another operation (its own series are
 * not the result's): accumulator cells (one number each) and series, so memory stays bounded when
 * labels are nearly unique per line (e.g. structured metadata with per-line values).
 */
const INTERMEDIATE_CELL_BUDGET = 4_000_000;
const INTERMEDIATE_SERIES_LIMIT = 50_000;

/** Ops whose sample is the line itself (1 per line) rather than an unwrapped value. */
const LINE_COUNT_OPS = new Set(['count_over_time', 'rate', 'absent_over_time']);
const LINE_BYTES_OPS = new Set(['bytes_over_time', 'bytes_rate']);

/**
 * Labels the pipeline must produce, or undefined for all. Only a `by` grouping (given, or pushed
 * down from an enclosing `sum by`) and absent_over_time let the pipeline skip the other labels.
 */
function neededLabels(expr: RangeAggregationExpr, groupBy: string[] | undefined): string[] | undefined {
  if (groupBy === undefined && expr.op !== 'absent_over_time') {
    return undefined;
  }
  // The error labels are needed to refuse errored samples as Loki does.
  return [...new Set([...(groupBy ?? []), ERROR_LABEL, ERROR_DETAILS_LABEL])];
}

/** Loki's `absentLabels`: the selector's equality matchers, minus names matched any other way. */
export function absentLabels(matchers: LabelMatcher[]): Labels {
  const labels: Labels = {};
  const ambiguous = new Set<string>();
  for (const m of matchers) {
    if (m.op === '=' && !(m.name in labels)) {
      labels[m.name] = m.value;
    } else {
      ambiguous.add(m.name);
    }
  }
  ambiguous.forEach((name) => delete labels[name]);
  return labels;
}

interface SeriesState {
  id: SeriesId;
  acc: RangeAccumulator;
}

/** A record's sample value, or null for no sample; `out.labels` receives the sample's labels. */
type SampleExtract = (record: LogRecord, out: { labels: Labels }) => number | null;

/**
 * Lines count 1 (count_over_time, rate, absent_over_time) or their UTF-8 size after the pipeline
 * (bytes_*); with `unwrap`, the pipeline's sample extractor converts the label (Loki's semantics
 * for missing labels, conversion errors and post-unwrap filters live there).
 */
function sampleExtractFn(expr: RangeAggregationExpr, outputLabels: string[] | undefined): SampleExtract {
  if (expr.unwrap) {
    const extractor = compileSampleExtractor(expr.log.stages, expr.unwrap, { outputLabels, grouping: expr.grouping });
    return (record, out) => {
      const sample = extractor.process(record);
      if (!sample) {
        return null;
      }
      out.labels = sample.labels;
      return sample.value;
    };
  }
  const pipeline = compilePipeline(expr.log.stages, { outputLabels });
  if (LINE_COUNT_OPS.has(expr.op)) {
    // The line itself is not needed: counting never decodes it.
    return (record, out) => {
      const labels = pipeline.processLabels(record);
      if (!labels) {
        return null;
      }
      out.labels = labels;
      return 1;
    };
  }
  if (!LINE_BYTES_OPS.has(expr.op)) {
    throw new Error(`invalid aggregation ${expr.op} without unwrap`);
  }
  return (record, out) => {
    const processed = pipeline.process(record);
    if (!processed) {
      return null;
    }
    out.labels = processed.labels;
    return Buffer.byteLength(processed.line, 'utf8');
  };
}

interface SeriesLabeling {
  /** The series labels of a sample's labels. */
  labels(labels: Labels): Labels;
  /** `labelsKey(labels(l))`, computed without building the label set when possible. */
  key(labels: Labels): string;
}

/** Series labels after the range aggregation's grouping (errors are refused before this). */
function seriesLabeling(expr: RangeAggregationExpr, groupBy: string[] | undefined): SeriesLabeling {
  if (groupBy !== undefined) {
    const names = [...new Set(groupBy)].sort();
    return {
      labels: (labels) => keepLabels(labels, names),
      key: (labels) => {
        let key = '';
        for (const name of names) {
          const value = labels[name];
          if (value) {
            key += labelPairKey(name, value);
          }
        }
        return key;
      },
    };
  }
  const unwrapLabel = expr.unwrap?.label;
  const without = [
    ...(expr.grouping?.mode === 'without' ? expr.grouping.labels : []),
    ...(unwrapLabel ? [unwrapLabel] : []),
  ];
  const labels = without.length === 0 ? (l: Labels) => l : (l: Labels) => dropLabels(l, without);
  return { labels, key: (l) => labelsKey(labels(l)) };
}

/**
 * Evaluates a range aggregation at every step. `pushdownBy` (from an enclosing `sum by (...)`
 * and the like) groups the samples by those labels right away, which is equivalent for ops whose
 * enclosing aggregation merges them the same way, and lets the pipeline build only those labels.
 * Too many series end the scan with the series limit error instead of exhausting memory.
 */
export async function evaluateRange(
  expr: RangeAggregationExpr,
  ctx: RangeEvalContext,
  options: RangeEvalOptions = {}
): Promise<Sample[][]> {
  const { pushdownBy, isResult } = options;
  const layout = new WindowLayout(ctx.steps.times, expr.rangeMs, expr.offsetMs);
  // Every series gets a sample inside a window, so a result's series limit applies while scanning.
  const seriesCap = isResult
    ? ctx.maxSeries
    : Math.max(
        ctx.maxSeries,
        Math.min(INTERMEDIATE_SERIES_LIMIT, Math.floor(INTERMEDIATE_CELL_BUDGET / Math.max(layout.cellCount, 1)))
      );
  const groupBy = expr.grouping?.mode === 'by' ? expr.grouping.labels : pushdownBy;
  const sample = sampleExtractFn(expr, neededLabels(expr, groupBy));
  const labeling = seriesLabeling(expr, groupBy);
  const extracted = { labels: {} as Labels };
  const newAccumulator = accumulatorFactory(
    { op: expr.op, rangeMs: expr.rangeMs, offsetMs: expr.offsetMs, param: expr.param, unwrapped: !!expr.unwrap },
    layout
  );
  const absent = expr.op === 'absent_over_time';
  const presence = newAccumulator();
  const series = new Map<string, SeriesState>();

  const scan = ctx.store.scan(
    {
      matchers: expr.log.matchers,
      fromMs: layout.fromMs,
      // The window end is inclusive; the scan's end is exclusive (1 µs = the time resolution).
      toMs: layout.toMs + 0.001,
      direction: 'forward',
      mustContain: requiredLiterals(expr.log),
      labelEquals: requiredLabelValues(expr.log),
      signal: ctx.signal,
      limits: ctx.limits,
    },
    ctx.stats
  );
  for await (const batch of scan) {
    throwIfAborted(ctx.signal);
    for (const record of batch) {
      const cell = layout.cellOf(record.ts);
      if (cell < 0) {
        continue;
      }
      const value = sample(record, extracted);
      if (value === null) {
        continue;
      }
      if (extracted.labels[ERROR_LABEL]) {
        throw new PipelineError(extracted.labels);
      }
      if (absent) {
        presence.add(cell, record.ts, value);
        continue;
      }
      const key = labeling.key(extracted.labels);
      let state = series.get(key);
      if (!state) {
        if (series.size >= seriesCap) {
          throw new SeriesLimitError(seriesCap);
        }
        state = { id: ctx.table.get(labeling.labels(extracted.labels)), acc: newAccumulator() };
        series.set(key, state);
      }
      state.acc.add(cell, record.ts, value);
    }
  }
  throwIfAborted(ctx.signal);

  const steps: Sample[][] = [];
  const absentSeries = absent ? ctx.table.get(absentLabels(expr.log.matchers)) : undefined;
  for (let w = 0; w < layout.windowCount; w++) {
    const vector: Sample[] = [];
    if (absentSeries) {
      if (presence.windowValue(w) === undefined) {
        vector.push({ series: absentSeries, value: 1 });
      }
    } else {
      for (const state of series.values()) {
        const value = state.acc.windowValue(w);
        if (value !== undefined) {
          vector.push({ series: state.id, value });
        }
      }
    }
    steps.push(vector);
  }
  return steps;
}
