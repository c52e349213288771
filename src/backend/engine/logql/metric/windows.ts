/**
 * The range windows of a range aggregation cut into elementary cells.
 *
 * Loki's range vector iterator evaluates step t over the half-open window (t-offset-range, t-offset]
 * (start exclusive, end inclusive). All window boundaries, sorted, cut the time line into cells
 * (b[j], b[j+1]]; every window is a contiguous run of cells. A sample is therefore added to exactly
 * one cell, and a window's value is the merge of its cells' summaries: one pass over the samples,
 * no per-sample storage for mergeable operations, however much the windows overlap.
 */
export class WindowLayout {
  /** Sorted, distinct window boundaries. */
  private readonly bounds: number[];
  /** For window i: its cells are [firstCell[i], endCell[i]). */
  readonly firstCell: Int32Array;
  readonly endCell: Int32Array;
  /** Whether cell j lies inside at least one window (cells between windows exist when step > range). */
  readonly cellInWindow: Uint8Array;
  readonly cellCount: number;
  /** Earliest sample time that can count (exclusive) and latest (inclusive). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Window i ends (inclusively) at ends[i] = step time - offset. */
  private readonly ends: number[];
  /**
   * The bounds' common spacing when they are evenly spaced (a range that is a whole number of
   * steps, as `$__auto` gives), else NaN: then a time's cell is computed, not searched for (the
   * summaries look one up per file and minute, a scan per line).
   */
  private readonly spacing: number;

  /** `stepTimes` ascending, as `EvalSteps` holds them. */
  constructor(stepTimes: readonly number[], rangeMs: number, offsetMs: number) {
    const ends = stepTimes.map((t) => t - offsetMs);
    const starts = ends.map((e) => e - rangeMs);
    this.ends = ends;
    this.bounds = mergeDistinct(starts, ends);
    this.cellCount = Math.max(this.bounds.length - 1, 0);
    this.firstCell = new Int32Array(ends.length);
    this.endCell = new Int32Array(ends.length);
    this.cellInWindow = new Uint8Array(this.cellCount);
    for (let i = 0; i < ends.length; i++) {
      this.firstCell[i] = this.boundIndex(starts[i]);
      this.endCell[i] = this.boundIndex(ends[i]);
      this.cellInWindow.fill(1, this.firstCell[i], this.endCell[i]);
    }
    this.fromMs = this.bounds[0];
    this.toMs = this.bounds[this.bounds.length - 1];
    this.spacing = evenSpacing(this.bounds);
  }

  get windowCount(): number {
    return this.firstCell.length;
  }

  windowEnd(w: number): number {
    return this.ends[w];
  }

  /** The cell holding time `ts`, or -1 when `ts` is in no window. */
  cellOf(ts: number): number {
    const b = this.bounds;
    if (!(ts > b[0]) || ts > b[b.length - 1]) {
      return -1;
    }
    // Largest j with b[j] < ts: computed from an even spacing when the guess holds (a division
    // could round across a bound), else searched for.
    if (this.spacing > 0) {
      const guess = Math.min(Math.max(Math.ceil((ts - b[0]) / this.spacing) - 1, 0), b.length - 2);
      if (b[guess] < ts && ts <= b[guess + 1]) {
        return this.cellInWindow[guess] ? guess : -1;
      }
    }
    let lo = 0;
    let hi = b.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (b[mid] < ts) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return this.cellInWindow[lo] ? lo : -1;
  }

  private boundIndex(value: number): number {
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bounds[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

/** The common difference of ascending `bounds` (at least two), or NaN when they have none. */
function evenSpacing(bounds: readonly number[]): number {
  if (bounds.length < 2) {
    return NaN;
  }
  const spacing = bounds[1] - bounds[0];
  for (let j = 2; j < bounds.length; j++) {
    if (bounds[j] - bounds[j - 1] !== spacing) {
      return NaN;
    }
  }
  return spacing;
}

/**
 * The distinct values of two ascending arrays, ascending: one pass (a 7-day range at a 1-minute
 * step has 10 080 windows, and a dashboard asks for many such series).
 */
function mergeDistinct(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out.length === 0 || out[out.length - 1] !== next) {
      out.push(next);
    }
  }
  return out;
}
