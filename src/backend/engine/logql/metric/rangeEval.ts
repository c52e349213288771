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
import type { LabelMatcher, Labels, LogRecord, LogStore, QueryLimits, ScanRequest, ScanStats } from '../../model';
import { scanHints } from '../pipeline';
import { PipelineError, SeriesLimitError, throwIfAborted } from './errors';
import { type Sample, type SeriesId, type SeriesTable } from './labels';
import { PARALLEL_PARTS } from '../../scan/parts';
import { scanParts } from './parallel';
import {
  neededLabels,
  sampleExtractFn,
  seriesLabeling,
  type ExtractedSample,
  type SampleBatch,
  type SampleSpec,
} from './samples';
import { accumulatorFactory, quantileReader, type RangeAccumulator } from './rangeOps';
import {
  addCollected,
  keepForSiblings,
  siblingCollection,
  siblingKey,
  statsAdded,
  statsSnapshot,
  type CollectedSeries,
} from './siblingSamples';
import type { EvalSteps } from './steps';
import { WindowLayout } from './windows';
import { columnLabelsRead, planRange, type ColumnLabels } from '../../index/planner';
import { addSummaries, type DenseCells } from '../../index/summaries';
import { readColumnRows, type ColumnScan } from '../../scan/columnRows';
import { bucketOf } from '../../index/segment';
import { BoundedHeap } from '../../query/heap';
import { summarise } from '../../scan/budget';

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

/** What an enclosing `topk`/`bottomk` of one step chooses: the `k` highest values (`descending`) or lowest. */
export interface TopChoice {
  k: number;
  descending: boolean;
}

export interface RangeEvalOptions {
  /** Group samples by these labels right away (see `evaluateRange`). */
  pushdownBy?: string[];
  /** The range aggregation is the query's result: its series count is the result's. */
  isResult?: boolean;
  /** Only the series an enclosing `topk`/`bottomk` of one step can choose are wanted. */
  top?: TopChoice;
}

/**
 * Bounds on the series of a range aggregation that feeds another operation (its own series are
 * not the result's): accumulator cells (one number each) and series, so memory stays bounded when
 * labels are nearly unique per line (e.g. structured metadata with per-line values).
 */
const INTERMEDIATE_CELL_BUDGET = 4_000_000;
const INTERMEDIATE_SERIES_LIMIT = 50_000;
/**
 * Series of one window under a `topk`/`bottomk` (option `top`): only k of them are made into
 * points, so each costs its key, labels and accumulator while the scan runs (in process, 17–42 MB
 * for the 167 032 trace ids on error lines of a 10.8 GB week, which also has 78 629 request
 * paths). Loki limits only the result; this bounds the memory a query of nearly unique groups
 * can take before it fails with the series limit.
 */
const TOP_SERIES_LIMIT = 250_000;

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

/** A series while the scan runs; its identity (`SeriesTable`) is made only for the series returned. */
interface SeriesState {
  key: string;
  labels: Labels;
  acc: RangeAccumulator;
}

/**
 * One series of a range aggregation, column-wise: its windows (step indexes) that have a value, in
 * order, and those values. Series come in the order their first sample was seen.
 */
export interface RangeSeries {
  id: SeriesId;
  windows: Int32Array;
  values: Float64Array;
}

/**
 * Evaluates a range aggregation at every step. `pushdownBy` (from an enclosing `sum by (...)`
 * and the like) groups the samples by those labels right away, which is equivalent for ops whose
 * enclosing aggregation merges them the same way, and lets the pipeline build only those labels.
 * Too many series end the scan with the series limit error instead of exhausting memory.
 * A large single-file scan is split into parts; parts after the first are scanned by worker
 * threads (`parallel.ts`) and their samples are accumulated here in file order.
 */
export async function evaluateRange(
  expr: RangeAggregationExpr,
  ctx: RangeEvalContext,
  options: RangeEvalOptions = {}
): Promise<RangeSeries[]> {
  const { pushdownBy, isResult } = options;
  const layout = new WindowLayout(ctx.steps.times, expr.rangeMs, expr.offsetMs);
  const top = layout.windowCount === 1 ? options.top : undefined;
  // Every series gets a sample inside a window, so a result's series limit applies while scanning.
  const seriesCap = isResult
    ? ctx.maxSeries
    : top !== undefined
      ? TOP_SERIES_LIMIT
      : Math.max(
          ctx.maxSeries,
          Math.min(INTERMEDIATE_SERIES_LIMIT, Math.floor(INTERMEDIATE_CELL_BUDGET / Math.max(layout.cellCount, 1)))
        );
  const groupBy = expr.grouping?.mode === 'by' ? expr.grouping.labels : pushdownBy;
  const sample = sampleExtractFn(expr, neededLabels(expr, groupBy));
  const labeling = seriesLabeling(expr, groupBy);
  const extracted: ExtractedSample = { labels: {}, stageFailed: false };
  const newAccumulator = accumulatorFactory(
    { op: expr.op, rangeMs: expr.rangeMs, offsetMs: expr.offsetMs, param: expr.param, unwrapped: !!expr.unwrap },
    layout
  );
  const absent = expr.op === 'absent_over_time';
  const presence = newAccumulator();
  const series = new Map<string, SeriesState>();

  /** A key's series, created when it is new: with `labels`, else those of the sample just extracted. */
  const stateOf = (key: string, labels?: Labels): SeriesState => {
    let state = series.get(key);
    if (!state) {
      if (series.size >= seriesCap) {
        throw new SeriesLimitError(seriesCap);
      }
      state = { key, labels: labels ?? labeling.labels(extracted.labels), acc: newAccumulator() };
      series.set(key, state);
    }
    return state;
  };
  /** The points of the series the query wants: every one, or those an enclosing topk chooses. */
  const seriesPoints = (states: Iterable<SeriesState>): RangeSeries[] => {
    const scratch = new WindowScratch(layout.windowCount);
    const kept = top !== undefined ? topStates(states, top) : states;
    return [...kept].map((state) => accumulatedPoints(ctx.table.get(state.labels, state.key), state.acc, scratch));
  };
  // A percentile's siblings (another φ of the same values) take the values it collected.
  const siblings =
    expr.op === 'quantile_over_time' && ctx.store.selectedFilesVersion !== undefined
      ? {
          key: siblingKey(expr, { groupBy, seriesCap, stepTimes: ctx.steps.times, limits: ctx.limits }),
          version: ctx.store.selectedFilesVersion(expr.log.matchers),
          before: statsSnapshot(ctx.stats),
        }
      : undefined;
  const collected = siblings && siblingCollection(ctx.store, siblings.key, siblings.version);
  if (collected) {
    addCollected(ctx.stats, collected);
    ctx.stats.siblingSeries = (ctx.stats.siblingSeries ?? 0) + collected.series.length;
    return seriesPoints(
      collected.series.map(({ key, labels, quantile }) => ({ key, labels, acc: quantile(expr.param ?? NaN) }))
    );
  }

  const columnLabels = columnLabelsRead(expr, groupBy);
  const request: ScanRequest = {
    matchers: expr.log.matchers,
    fromMs: layout.fromMs,
    // The window end is inclusive; the scan's end is exclusive (1 µs = the time resolution).
    toMs: layout.toMs + 0.001,
    direction: 'forward',
    ...scanHints(expr.log),
    columnLabels: columnLabels?.all,
    // addRecords keeps nothing of a batch's records but their labels' text.
    transient: true,
    signal: ctx.signal,
    limits: ctx.limits,
  };
  const addRecords = (batch: LogRecord[]) => {
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
      if (extracted.stageFailed) {
        throw new PipelineError(extracted.labels);
      }
      if (absent) {
        presence.add(cell, record.ts, value);
        continue;
      }
      stateOf(labeling.key(extracted.labels)).acc.add(cell, record.ts, value);
    }
  };
  /**
   * Rows of record columns: a row's sample is judged once per combination of the values its
   * pipeline reads, its series once per combination of its grouping's (created when the first
   * sample lands in it, as a scan creates it).
   */
  const addColumnRows = (columns: ColumnScan, labels: ColumnLabels) =>
    readColumnRows(
      columns.parts,
      {
        fromMs: request.fromMs,
        toMs: request.toMs,
        selectorLabels: labels.selector,
        sampleLabels: labels.sample,
        seriesLabels: labels.series,
        cellOf: (ts) => layout.cellOf(ts),
        sample: (record) => {
          const value = sample(record, extracted);
          if (value !== null && extracted.stageFailed) {
            throw new PipelineError(extracted.labels);
          }
          return value;
        },
        series: (record): RangeAccumulator => {
          sample(record, extracted);
          return absent ? presence : stateOf(labeling.key(extracted.labels)).acc;
        },
        add: (acc, cell, ts, value) => acc.add(cell, ts, value),
        checkAborted: () => throwIfAborted(ctx.signal),
      },
      ctx.stats
    );
  /** Samples of one part, in order; `states` maps the part's series indexes (filled as they come). */
  const addSamples = (batch: SampleBatch, keys: Array<{ key: string; labels: Labels }>, states: SeriesState[]) => {
    throwIfAborted(ctx.signal);
    keys.push(...batch.newSeries);
    for (let i = 0; i < batch.count; i++) {
      const cell = batch.cell[i];
      if (absent) {
        presence.add(cell, batch.ts[i], batch.value[i]);
        continue;
      }
      const index = batch.series[i];
      let state = states[index];
      if (state === undefined) {
        const { key, labels } = keys[index];
        state = states[index] = stateOf(key, labels);
      }
      state.acc.add(cell, batch.ts[i], batch.value[i]);
    }
    // Loops, not forEach: a callback per series counted when a grouping has tens of thousands.
    const cellCounts = batch.cellCounts ?? [];
    for (let index = 0; index < cellCounts.length; index++) {
      const { key, labels } = keys[index];
      const acc = absent ? presence : (states[index] ??= stateOf(key, labels)).acc;
      const { values } = denseCellsOf(acc, true);
      const counts = cellCounts[index];
      for (let cell = 0; cell < counts.length; cell++) {
        values[cell] += counts[cell];
      }
    }
    if (batch.error) {
      throw new PipelineError(batch.error);
    }
  };

  // Plan: summaries when the planner allows it and the store has them; else record columns when
  // the query reads only labels and the store has them; otherwise scan.
  const plan = planRange(expr, ctx.steps.times, groupBy);
  const countsLines = expr.op === 'count_over_time' || expr.op === 'rate';
  const edges = new Set(plan.plan === 'summaries' ? plan.edgeBuckets : []);
  const summaries = plan.plan === 'summaries' ? await ctx.store.summaryScan?.(request, ctx.stats, plan) : undefined;
  const columns = summaries || !columnLabels ? undefined : await ctx.store.columnScan?.(request, ctx.stats);
  const parts = summaries || columns ? undefined : await ctx.store.splitScan?.(request, ctx.stats, PARALLEL_PARTS);
  if (summaries) {
    try {
      addSummaries(
        summaries.files,
        edges,
        {
          // A key's series, created when its first row lands in a window (as a scan creates it).
          judge: (record): { key: string; labels: Labels; state?: SeriesState } | null =>
            sample(record, extracted) === null
              ? null
              : { key: labeling.key(extracted.labels), labels: labeling.labels(extracted.labels) },
          cellOf: (ts) => layout.cellOf(ts),
          // Counting ops count lines into counters; byte ops add each row's bytes as one sample
          // to sums (a summed cell also counts its samples).
          cells: (target): DenseCells => {
            target.state ??= stateOf(target.key, target.labels);
            const cells = denseCellsOf(target.state.acc, countsLines);
            return { of: countsLines ? 'lines' : 'bytes', values: cells.values, rows: cells.samples };
          },
        },
        ctx.stats
      );
      for await (const batch of summaries.rest) {
        addRecords(batch);
      }
      for await (const batch of summaries.edges) {
        addRecords(batch.filter((record) => edges.has(bucketOf(record.ts))));
      }
    } finally {
      await summaries.close();
      summarise(ctx.stats);
    }
  } else if (columns && columnLabels) {
    try {
      await addColumnRows(columns, columnLabels);
      for await (const batch of columns.rest) {
        addRecords(batch);
      }
    } finally {
      await columns.close();
      summarise(ctx.stats);
    }
  } else if (parts !== undefined) {
    const spec: SampleSpec = { expr, groupBy, stepTimes: ctx.steps.times, seriesCap };
    await scanParts(parts, spec, ctx, addRecords, (batches) => {
      const keys: Array<{ key: string; labels: Labels }> = [];
      const states: SeriesState[] = [];
      for (const batch of batches) {
        addSamples(batch, keys, states);
      }
    });
  } else {
    for await (const batch of ctx.store.scan(request, ctx.stats)) {
      addRecords(batch);
    }
  }
  throwIfAborted(ctx.signal);

  const absentSeries = absent ? ctx.table.get(absentLabels(expr.log.matchers)) : undefined;
  if (absentSeries) {
    return [absentPoints(absentSeries, presence, new WindowScratch(layout.windowCount))];
  }
  if (siblings && ctx.stats.truncated === undefined) {
    const kept: CollectedSeries[] = [...series].flatMap(([key, state]) => {
      const quantile = quantileReader(state.acc);
      return quantile ? [{ key, labels: state.labels, quantile }] : [];
    });
    if (kept.length === series.size) {
      keepForSiblings(ctx.store, siblings.key, siblings.version, {
        series: kept,
        ...statsAdded(siblings.before, ctx.stats),
      });
    }
  }
  return seriesPoints(series.values());
}

/**
 * The `top.k` states of one window with the highest (lowest) values, in the order they were seen:
 * what `topk`/`bottomk` takes of all of them (`vectorAgg.ts`: a stable sort by value, NaN last,
 * so of equal values the one seen first).
 */
function topStates(states: Iterable<SeriesState>, top: TopChoice): SeriesState[] {
  interface Ranked {
    state: SeriesState;
    value: number;
    seen: number;
  }
  const before = (a: number, b: number) => !Number.isNaN(a) && (Number.isNaN(b) || (top.descending ? a > b : a < b));
  const best = new BoundedHeap<Ranked>(
    Math.floor(top.k),
    (a, b) => before(b.value, a.value) || (!before(a.value, b.value) && a.seen > b.seen)
  );
  let seen = 0;
  for (const state of states) {
    const value = state.acc.windowValue(0);
    if (value === undefined) {
      continue;
    }
    // A later state enters only ahead of the worst kept (checked first: most never do).
    const worst = best.peekWorst();
    if (!best.full || (worst !== undefined && before(value, worst.value))) {
      best.offer({ state, value, seen });
    }
    seen++;
  }
  return best
    .toArray()
    .sort((a, b) => a.seen - b.seen)
    .map((ranked) => ranked.state);
}

/**
 * The per-cell arrays of an accumulator that counts lines (`countsLines`) or sums values: line
 * counts (from summaries or a worker's cell counts) and summed bytes are added there in place.
 * The planner and the sample collector send only such ops here; any other fails loudly.
 */
function denseCellsOf(acc: RangeAccumulator, countsLines: boolean): { values: Float64Array; samples?: Float64Array } {
  const cells = acc.denseCells?.();
  if (cells === undefined || countsLines === (cells.samples !== undefined)) {
    throw new Error(`this range aggregation cannot take ${countsLines ? 'line counts' : 'summed bytes'} per cell`);
  }
  return cells;
}

/**
 * Per-window arrays that every series of one evaluation reuses: each series keeps only a copy of
 * its points. A 7-day range at a 1-minute step has 10 080 windows, and fresh arrays of that size
 * for each of a dashboard query's series made collections run in the middle of its answer.
 */
class WindowScratch {
  readonly all: Float64Array;
  readonly windows: Int32Array;
  readonly values: Float64Array;

  constructor(readonly windowCount: number) {
    this.all = new Float64Array(windowCount);
    this.windows = new Int32Array(windowCount);
    this.values = new Float64Array(windowCount);
  }
}

/**
 * One series' accumulated value at each window that has one (all at once where it can). Loops, not
 * a callback per window: a function made per series counted when a grouping has 60 000 of them.
 */
function accumulatedPoints(id: SeriesId, acc: RangeAccumulator, scratch: WindowScratch): RangeSeries {
  const all = acc.windowValues?.(scratch.all);
  const { windows, values } = scratch;
  let n = 0;
  for (let w = 0; w < scratch.windowCount; w++) {
    const value = all === undefined ? acc.windowValue(w) : Number.isNaN(all[w]) ? undefined : all[w];
    if (value !== undefined) {
      windows[n] = w;
      values[n++] = value;
    }
  }
  return keptPoints(id, scratch, n);
}

/** absent_over_time's series: 1 at each window where nothing was present. */
function absentPoints(id: SeriesId, presence: RangeAccumulator, scratch: WindowScratch): RangeSeries {
  const { windows, values } = scratch;
  let n = 0;
  for (let w = 0; w < scratch.windowCount; w++) {
    if (presence.windowValue(w) === undefined) {
      windows[n] = w;
      values[n++] = 1;
    }
  }
  return keptPoints(id, scratch, n);
}

/** The first `n` points written to the scratch arrays, copied for the series to keep. */
function keptPoints(id: SeriesId, scratch: WindowScratch, n: number): RangeSeries {
  return { id, windows: scratch.windows.slice(0, n), values: scratch.values.slice(0, n) };
}

/** The range aggregation's series as one vector per step (what the operations above it take). */
export function stepVectors(series: RangeSeries[], stepCount: number): Sample[][] {
  const steps: Sample[][] = Array.from({ length: stepCount }, () => []);
  for (const { id, windows, values } of series) {
    for (let i = 0; i < windows.length; i++) {
      steps[windows[i]].push({ series: id, value: values[i] });
    }
  }
  return steps;
}
