/**
 * Per-series accumulators of the range aggregations (`count_over_time`, `rate`, ...). Samples are
 * added to the cell of the window layout that holds them; a window's value merges its cells.
 * Additive and order-free operations keep one small summary per cell; only `quantile_over_time`
 * and `rate_counter`, which need every sample of a window, keep the samples.
 *
 * Value semantics follow Loki's `pkg/logql/range_vector.go` aggregators.
 */
import type { RangeOp } from '../ast';
import type { WindowLayout } from './windows';
import { quantile } from './quantile';
import { grown } from '../../typedArrays';

export interface RangeAccumulator {
  add(cell: number, ts: number, value: number): void;
  /**
   * Accumulators that keep one number per cell (counts, sums): that array to add sample values to
   * in place, with the array of samples per cell when they keep one (their samples' times are
   * not used).
   */
  denseCells?(): { values: Float64Array; samples?: Float64Array };
  /** The op's value over window `w`, or undefined when the window holds no sample. */
  windowValue(w: number): number | undefined;
  /**
   * Every window's value at once, written into `into` (at least one element per window), NaN
   * where a window holds no sample (counts only: a per-window call costs more than the value at a
   * 1-minute step over 7 days, 10 080 windows a series).
   */
  windowValues?(into: Float64Array): Float64Array;
}

export interface RangeOpSpec {
  op: RangeOp;
  rangeMs: number;
  offsetMs: number;
  /** quantile_over_time's φ. */
  param?: number;
  /** rate with `unwrap` sums values; without it counts lines. */
  unwrapped: boolean;
}

/**
 * Counts per cell; one window's sum from prefix sums, every window's by one sliding sum (exact for
 * counts).
 */
class CountAccumulator implements RangeAccumulator {
  private readonly counts: Float64Array;
  private prefix: Float64Array | undefined;

  constructor(
    private readonly layout: WindowLayout,
    private readonly finish: (count: number) => number
  ) {
    this.counts = new Float64Array(layout.cellCount);
  }

  add(cell: number): void {
    this.counts[cell]++;
    this.prefix = undefined;
  }

  denseCells(): { values: Float64Array } {
    this.prefix = undefined;
    return { values: this.counts };
  }

  windowValue(w: number): number | undefined {
    const prefix = this.prefixSums();
    const n = prefix[this.layout.endCell[w]] - prefix[this.layout.firstCell[w]];
    return n > 0 ? this.finish(n) : undefined;
  }

  windowValues(into: Float64Array): Float64Array {
    // Windows move forward in time (neither bound of their cells ever goes back), so one sum
    // slides over the counts, adding the cells that enter and subtracting those that leave:
    // no prefix array per series (counts are whole numbers, so the sums stay exact).
    const { firstCell, endCell } = this.layout;
    const counts = this.counts;
    let sum = 0;
    let from = 0;
    let to = 0;
    for (let w = 0; w < firstCell.length; w++) {
      for (const end = endCell[w]; to < end; to++) {
        sum += counts[to];
      }
      for (const first = firstCell[w]; from < first; from++) {
        sum -= counts[from];
      }
      into[w] = sum > 0 ? this.finish(sum) : NaN;
    }
    return into;
  }

  private prefixSums(): Float64Array {
    if (!this.prefix) {
      this.prefix = new Float64Array(this.counts.length + 1);
      for (let i = 0; i < this.counts.length; i++) {
        this.prefix[i + 1] = this.prefix[i] + this.counts[i];
      }
    }
    return this.prefix;
  }
}

/** Sum and count per cell; windows add their cells in time order. */
class SumAccumulator implements RangeAccumulator {
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    private readonly layout: WindowLayout,
    private readonly finish: (sum: number, count: number) => number
  ) {
    this.sums = new Float64Array(layout.cellCount);
    this.counts = new Float64Array(layout.cellCount);
  }

  add(cell: number, _ts: number, value: number): void {
    this.sums[cell] += value;
    this.counts[cell]++;
  }

  denseCells(): { values: Float64Array; samples: Float64Array } {
    return { values: this.sums, samples: this.counts };
  }

  windowValue(w: number): number | undefined {
    let sum = 0;
    let count = 0;
    for (let c = this.layout.firstCell[w]; c < this.layout.endCell[w]; c++) {
      if (this.counts[c] > 0) {
        sum += this.sums[c];
        count += this.counts[c];
      }
    }
    return count > 0 ? this.finish(sum, count) : undefined;
  }
}

/** Min or max per cell; a NaN is replaced by any later value, as Loki's min/max_over_time do. */
class ExtremumAccumulator implements RangeAccumulator {
  private readonly values: Float64Array;
  private readonly present: Uint8Array;

  constructor(
    private readonly layout: WindowLayout,
    private readonly better: (candidate: number, current: number) => boolean
  ) {
    this.values = new Float64Array(layout.cellCount);
    this.present = new Uint8Array(layout.cellCount);
  }

  private merge(current: number | undefined, candidate: number): number {
    return current === undefined || this.better(candidate, current) || Number.isNaN(current) ? candidate : current;
  }

  add(cell: number, _ts: number, value: number): void {
    this.values[cell] = this.merge(this.present[cell] ? this.values[cell] : undefined, value);
    this.present[cell] = 1;
  }

  windowValue(w: number): number | undefined {
    let result: number | undefined;
    for (let c = this.layout.firstCell[w]; c < this.layout.endCell[w]; c++) {
      if (this.present[c]) {
        result = this.merge(result, this.values[c]);
      }
    }
    return result;
  }
}

/** Count, mean and sum of squared deviations per cell (Welford), merged with Chan's formula. */
class MomentsAccumulator implements RangeAccumulator {
  private readonly counts: Float64Array;
  private readonly means: Float64Array;
  private readonly m2s: Float64Array;

  constructor(
    private readonly layout: WindowLayout,
    private readonly finish: (variance: number) => number
  ) {
    this.counts = new Float64Array(layout.cellCount);
    this.means = new Float64Array(layout.cellCount);
    this.m2s = new Float64Array(layout.cellCount);
  }

  add(cell: number, _ts: number, value: number): void {
    const n = ++this.counts[cell];
    const delta = value - this.means[cell];
    this.means[cell] += delta / n;
    this.m2s[cell] += delta * (value - this.means[cell]);
  }

  windowValue(w: number): number | undefined {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let c = this.layout.firstCell[w]; c < this.layout.endCell[w]; c++) {
      const nc = this.counts[c];
      if (nc === 0) {
        continue;
      }
      const total = n + nc;
      const delta = this.means[c] - mean;
      mean += (delta * nc) / total;
      m2 += this.m2s[c] + (delta * delta * n * nc) / total;
      n = total;
    }
    return n > 0 ? this.finish(m2 / n) : undefined;
  }
}

/** The earliest (first_over_time) or latest (last_over_time) sample per cell. */
class EdgeAccumulator implements RangeAccumulator {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private readonly present: Uint8Array;

  constructor(
    private readonly layout: WindowLayout,
    private readonly wantLatest: boolean
  ) {
    this.times = new Float64Array(layout.cellCount);
    this.values = new Float64Array(layout.cellCount);
    this.present = new Uint8Array(layout.cellCount);
  }

  /** Ties keep the first-seen sample for `first`, the last-seen for `last` (iteration order). */
  private replaces(ts: number, current: number): boolean {
    return this.wantLatest ? ts >= current : ts < current;
  }

  add(cell: number, ts: number, value: number): void {
    if (!this.present[cell] || this.replaces(ts, this.times[cell])) {
      this.times[cell] = ts;
      this.values[cell] = value;
      this.present[cell] = 1;
    }
  }

  windowValue(w: number): number | undefined {
    let bestTs = 0;
    let best: number | undefined;
    for (let c = this.layout.firstCell[w]; c < this.layout.endCell[w]; c++) {
      if (this.present[c] && (best === undefined || this.replaces(this.times[c], bestTs))) {
        bestTs = this.times[c];
        best = this.values[c];
      }
    }
    return best;
  }
}

/** Every sample, per cell, for operations that need the whole window. */
class SampleListAccumulator implements RangeAccumulator {
  private readonly cells: Array<Array<[number, number]> | undefined>;

  constructor(
    private readonly layout: WindowLayout,
    private readonly finish: (samples: Array<[number, number]>, window: number) => number
  ) {
    this.cells = new Array(layout.cellCount);
  }

  add(cell: number, ts: number, value: number): void {
    (this.cells[cell] ??= []).push([ts, value]);
  }

  windowValue(w: number): number | undefined {
    const samples: Array<[number, number]> = [];
    for (let c = this.layout.firstCell[w]; c < this.layout.endCell[w]; c++) {
      // A loop, not push(...cell): a cell may hold more samples than the argument limit.
      for (const sample of this.cells[c] ?? []) {
        samples.push(sample);
      }
    }
    if (samples.length === 0) {
      return undefined;
    }
    samples.sort((a, b) => a[0] - b[0]);
    return this.finish(samples, w);
  }
}

/**
 * Values per chunk of a cell's list. A cell's first chunk doubles until it is this long, then the
 * cell grows by whole chunks: doubling one array all the way copied an access log's 600 000
 * durations into arrays of 8.4 MB with 8.4 MB of dropped ones, where chunks hold 5 MB and drop
 * nothing until a window needs the cell's values in one array.
 */
const CHUNK_VALUES = 8192;

/** Every cell's values, in chunks (shared by the accumulators of several φ of the same values). */
class CellValues {
  readonly chunks: Array<Float64Array[] | undefined>;
  /** Values in each cell's last chunk. */
  readonly fill: Uint32Array;
  readonly counts: Uint32Array;

  constructor(cellCount: number) {
    this.chunks = new Array(cellCount);
    this.fill = new Uint32Array(cellCount);
    this.counts = new Uint32Array(cellCount);
  }

  add(cell: number, value: number): void {
    const chunks = (this.chunks[cell] ??= [new Float64Array(8)]);
    let last = chunks[chunks.length - 1];
    let at = this.fill[cell];
    if (at === last.length) {
      if (last.length < CHUNK_VALUES) {
        last = chunks[chunks.length - 1] = grown(last, last.length * 2);
      } else {
        last = new Float64Array(CHUNK_VALUES);
        chunks.push(last);
        at = 0;
      }
    }
    last[at] = value;
    this.fill[cell] = at + 1;
    this.counts[cell]++;
  }

  /** Copies `cell`'s values into `into` from `at`; returns where they end. */
  copy(cell: number, into: Float64Array, at: number): number {
    const chunks = this.chunks[cell];
    for (let i = 0; chunks !== undefined && i < chunks.length; i++) {
      const chunk = i === chunks.length - 1 ? chunks[i].subarray(0, this.fill[cell]) : chunks[i];
      into.set(chunk, at);
      at += chunk.length;
    }
    return at;
  }

  /**
   * `cell`'s values in one array, itself kept as the cell's only chunk: whoever reorders them
   * reorders the cell's own values, which windows and siblings later read whole.
   */
  joined(cell: number): Float64Array {
    const chunks = this.chunks[cell];
    const n = this.counts[cell];
    if (chunks?.length === 1) {
      return chunks[0].subarray(0, n);
    }
    const values = new Float64Array(n);
    this.copy(cell, values, 0);
    this.chunks[cell] = [values];
    this.fill[cell] = n;
    return values;
  }
}

/**
 * Every sample value, per cell, for operations that need all values but not their order (typed
 * arrays, `CellValues`: pushing to a JS array cost more than anything else in a percentile over an
 * access log's 600 000 durations). `finish` may reorder the values it is given: a window of one
 * cell (an instant query's, or a range query's whose range is its step) gives the cell's own
 * values, not a copy; later windows that share the cell still see the same values.
 */
class ValueListAccumulator implements RangeAccumulator {
  constructor(
    private readonly layout: WindowLayout,
    private readonly finish: (values: Float64Array) => number,
    private readonly cells = new CellValues(layout.cellCount)
  ) {}

  /** The same values, finished another way (another quantile of them). */
  withFinish(finish: (values: Float64Array) => number): ValueListAccumulator {
    return new ValueListAccumulator(this.layout, finish, this.cells);
  }

  add(cell: number, _ts: number, value: number): void {
    this.cells.add(cell, value);
  }

  windowValue(w: number): number | undefined {
    const first = this.layout.firstCell[w];
    const end = this.layout.endCell[w];
    const { counts } = this.cells;
    let n = 0;
    let filled = 0;
    let last = -1;
    for (let c = first; c < end; c++) {
      if (counts[c] > 0) {
        n += counts[c];
        filled++;
        last = c;
      }
    }
    if (last < 0) {
      return undefined;
    }
    if (filled === 1) {
      return this.finish(this.cells.joined(last));
    }
    const values = new Float64Array(n);
    let at = 0;
    for (let c = first; c < end; c++) {
      at = this.cells.copy(c, values, at);
    }
    return this.finish(values);
  }
}

/**
 * Prometheus' extrapolated counter rate as Loki adapts it for `rate_counter`: counter resets add the
 * previous value; the window boundaries come from the query, not from the samples.
 */
function extrapolatedCounterRate(samples: Array<[number, number]>, rangeMs: number, rangeEndMs: number): number {
  if (samples.length < 2) {
    return 0;
  }
  const rangeStartMs = rangeEndMs - rangeMs;
  const firstTs = samples[0][0];
  const firstValue = samples[0][1];
  const lastTs = samples[samples.length - 1][0];
  let result = samples[samples.length - 1][1] - firstValue;
  let previous = 0;
  for (const [, value] of samples) {
    if (value < previous) {
      result += previous;
    }
    previous = value;
  }
  let durationToStart = (firstTs - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - lastTs) / 1000;
  const sampledInterval = (lastTs - firstTs) / 1000;
  const averageBetweenSamples = sampledInterval / (samples.length - 1);
  const threshold = averageBetweenSamples * 1.1;
  if (durationToStart >= threshold) {
    durationToStart = averageBetweenSamples / 2;
  }
  // A counter cannot go below zero: do not extrapolate past the zero point.
  let durationToZero = durationToStart;
  if (result > 0 && firstValue >= 0) {
    durationToZero = sampledInterval * (firstValue / result);
  }
  durationToStart = Math.min(durationToStart, durationToZero);
  if (durationToEnd >= threshold) {
    durationToEnd = averageBetweenSamples / 2;
  }
  const extrapolated = sampledInterval + durationToStart + durationToEnd;
  return (result * (extrapolated / sampledInterval)) / (rangeMs / 1000);
}

/**
 * Accumulators of any φ-quantile of the values a `quantile_over_time` accumulator collected, or
 * undefined when `acc` is not such an accumulator.
 */
export function quantileReader(acc: RangeAccumulator): ((q: number) => RangeAccumulator) | undefined {
  return acc instanceof ValueListAccumulator ? (q) => acc.withFinish((values) => quantile(q, values)) : undefined;
}

const unchanged = (value: number) => value;
const average = (sum: number, count: number) => sum / count;
const larger = (candidate: number, current: number) => candidate > current;
const smaller = (candidate: number, current: number) => candidate < current;

/**
 * A factory of per-series accumulators for one range aggregation. Each op's finishing function is
 * made once, not once per accumulator: a grouping by trace id makes 60 000 of them.
 */
export function accumulatorFactory(spec: RangeOpSpec, layout: WindowLayout): () => RangeAccumulator {
  const seconds = spec.rangeMs / 1000;
  const perSecond = (value: number) => value / seconds;
  switch (spec.op) {
    case 'count_over_time':
    case 'absent_over_time':
      return () => new CountAccumulator(layout, unchanged);
    case 'rate':
      return spec.unwrapped
        ? () => new SumAccumulator(layout, perSecond)
        : () => new CountAccumulator(layout, perSecond);
    case 'bytes_over_time':
    case 'sum_over_time':
      return () => new SumAccumulator(layout, unchanged);
    case 'bytes_rate':
      return () => new SumAccumulator(layout, perSecond);
    case 'avg_over_time':
      return () => new SumAccumulator(layout, average);
    case 'max_over_time':
      return () => new ExtremumAccumulator(layout, larger);
    case 'min_over_time':
      return () => new ExtremumAccumulator(layout, smaller);
    case 'stdvar_over_time':
      return () => new MomentsAccumulator(layout, unchanged);
    case 'stddev_over_time':
      return () => new MomentsAccumulator(layout, Math.sqrt);
    case 'first_over_time':
      return () => new EdgeAccumulator(layout, false);
    case 'last_over_time':
      return () => new EdgeAccumulator(layout, true);
    case 'quantile_over_time': {
      const q = spec.param ?? NaN;
      const ofValues = (values: Float64Array) => quantile(q, values);
      return () => new ValueListAccumulator(layout, ofValues);
    }
    case 'rate_counter': {
      const ofSamples = (samples: Array<[number, number]>, w: number) =>
        extrapolatedCounterRate(samples, spec.rangeMs, layout.windowEnd(w));
      return () => new SampleListAccumulator(layout, ofSamples);
    }
  }
}
