import type { RangeOp } from '../ast';
import { accumulatorFactory } from './rangeOps';
import { WindowLayout } from './windows';

/** Feeds (seconds, value) samples to one accumulator and returns each window's value. */
function windows(
  op: RangeOp,
  samples: Array<[number, number]>,
  opts: { times?: number[]; range?: number; param?: number; unwrapped?: boolean } = {}
) {
  const times = opts.times ?? [10_000, 20_000];
  const range = opts.range ?? 10_000;
  const layout = new WindowLayout(times, range, 0);
  const acc = accumulatorFactory(
    { op, rangeMs: range, offsetMs: 0, param: opts.param, unwrapped: opts.unwrapped ?? true },
    layout
  )();
  for (const [s, v] of samples) {
    const cell = layout.cellOf(s * 1000);
    if (cell >= 0) {
      acc.add(cell, s * 1000, v);
    }
  }
  return times.map((_, w) => acc.windowValue(w));
}

// Window 0 = (0s, 10s] holds 1, 3, 5; window 1 = (10s, 20s] holds 2, 4; 20.001s is outside.
const SAMPLES: Array<[number, number]> = [
  [1, 1],
  [5, 3],
  [10, 5],
  [15, 2],
  [20, 4],
  [20.001, 100],
];

describe('range aggregations', () => {
  it.each([
    ['count_over_time', false],
    ['rate', false],
  ] as const)('%s gives every window at once as it gives each (NaN where empty)', (op, unwrapped) => {
    // Windows of 25 s every 10 s overlap; those after 60 s hold nothing.
    const times = [10_000, 20_000, 30_000, 40_000, 50_000, 80_000, 90_000];
    const layout = new WindowLayout(times, 25_000, 0);
    const acc = accumulatorFactory({ op, rangeMs: 25_000, offsetMs: 0, unwrapped }, layout)();
    for (const s of [1, 4, 9, 12, 12.5, 20, 33, 41, 47]) {
      acc.add(layout.cellOf(s * 1000), s * 1000, 1);
    }
    const one = times.map((_, w) => acc.windowValue(w) ?? NaN);
    expect(one.filter(Number.isNaN)).toHaveLength(2);
    expect([...acc.windowValues!(new Float64Array(times.length))]).toEqual(one);
  });

  it('count, rate, sum, avg', () => {
    expect(windows('count_over_time', SAMPLES)).toEqual([3, 2]);
    expect(windows('rate', SAMPLES, { unwrapped: false })).toEqual([0.3, 0.2]);
    expect(windows('rate', SAMPLES, { unwrapped: true })).toEqual([0.9, 0.6]); // sum / 10s
    expect(windows('sum_over_time', SAMPLES)).toEqual([9, 6]);
    expect(windows('bytes_rate', SAMPLES)).toEqual([0.9, 0.6]);
    expect(windows('avg_over_time', SAMPLES)).toEqual([3, 3]);
  });

  it('min, max, first, last', () => {
    expect(windows('min_over_time', SAMPLES)).toEqual([1, 2]);
    expect(windows('max_over_time', SAMPLES)).toEqual([5, 4]);
    expect(windows('first_over_time', SAMPLES)).toEqual([1, 2]);
    expect(windows('last_over_time', SAMPLES)).toEqual([5, 4]);
  });

  it('first/last go by timestamp, not arrival order', () => {
    expect(
      windows('first_over_time', [
        [5, 3],
        [1, 1],
        [10, 5],
      ])
    ).toEqual([1, undefined]);
    expect(
      windows('last_over_time', [
        [10, 5],
        [1, 1],
        [5, 3],
      ])
    ).toEqual([5, undefined]);
  });

  it('max/min replace a NaN with any later value', () => {
    expect(
      windows('max_over_time', [
        [1, NaN],
        [2, 1],
      ])
    ).toEqual([1, undefined]);
    expect(
      windows('min_over_time', [
        [1, NaN],
        [2, 7],
      ])
    ).toEqual([7, undefined]);
  });

  it('stdvar and stddev are population statistics', () => {
    const [w0, w1] = windows('stdvar_over_time', SAMPLES) as number[];
    expect(w0).toBeCloseTo(8 / 3, 12); // mean 3, squared deviations 4+0+4
    expect(w1).toBeCloseTo(1, 12);
    expect((windows('stddev_over_time', SAMPLES) as number[])[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });

  it('quantile interpolates between ranks', () => {
    expect(windows('quantile_over_time', SAMPLES, { param: 0.5 })).toEqual([3, 3]);
    expect((windows('quantile_over_time', SAMPLES, { param: 0.9 }) as number[])[0]).toBeCloseTo(4.6, 12); // rank 1.8
    expect(windows('quantile_over_time', SAMPLES, { param: 2 })).toEqual([Infinity, Infinity]);
  });

  it('quantile orders NaN first, as Go sorts floats (Loki sorts with sort.Float64s)', () => {
    const withNaN: Array<[number, number]> = [
      [1, 3],
      [2, NaN],
      [3, 1],
      [4, 2],
    ];
    const at = (q: number) => windows('quantile_over_time', withNaN, { param: q, times: [10_000] })[0];
    expect(at(0)).toBeNaN();
    expect(at(1)).toBe(3);
    expect(at(2 / 3)).toBeCloseTo(2, 12); // rank 2 of NaN, 1, 2, 3
    expect(at(0.5)).toBeCloseTo(1.5, 12);
  });

  it('quantile of a window with one filled cell reorders that cell, which a later window still reads whole', () => {
    // Range 15s: window 0 = (-5s, 10s] has samples in its cell (5s, 10s] only; window 1 = (5s, 20s]
    // shares that cell and adds (10s, 20s].
    const shared: Array<[number, number]> = [
      [6, 9],
      [7, 1],
      [8, 5],
      [15, 2],
    ];
    expect(windows('quantile_over_time', shared, { range: 15_000, param: 0.5 })).toEqual([5, 3.5]);
    expect(windows('quantile_over_time', shared, { range: 15_000, param: 0 })).toEqual([1, 1]);
  });

  it('quantile of cells holding many values (several chunks each) ranks them all, once joined and once copied', () => {
    // A shuffled permutation of first..first+n-1 at times inside (from, to]: its φ-quantile is
    // first + φ·(n−1) exactly (consecutive integers interpolate linearly).
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const permutation = (first: number, n: number, from: number, to: number): Array<[number, number]> => {
      const values = Array.from({ length: n }, (_, i) => first + i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [values[i], values[j]] = [values[j], values[i]];
      }
      return values.map((v, i) => [from + ((i + 1) / (n + 1)) * (to - from), v]);
    };
    // Range 15s: window 0 = (-5s, 10s] has values in (5s, 10s] only; window 1 = (5s, 20s] adds (10s, 20s].
    const many = [...permutation(0, 20_000, 5, 10), ...permutation(20_000, 9_000, 10, 20)];
    const [median0, median1] = windows('quantile_over_time', many, { range: 15_000, param: 0.5 }) as number[];
    expect(median0).toBe(9_999.5);
    expect(median1).toBe(14_499.5);
    const [high0, high1] = windows('quantile_over_time', many, { range: 15_000, param: 0.9 }) as number[];
    expect(high0).toBeCloseTo(0.9 * 19_999, 6);
    expect(high1).toBeCloseTo(0.9 * 28_999, 6);
  });

  it('overlapping windows share samples', () => {
    // range 15s: windows (-5s, 10s] and (5s, 20s]; the sample at exactly 5s is not in the second.
    expect(windows('count_over_time', SAMPLES, { range: 15_000 })).toEqual([3, 3]);
    expect(windows('sum_over_time', SAMPLES, { range: 15_000 })).toEqual([9, 11]);
    expect(windows('first_over_time', SAMPLES, { range: 15_000 })).toEqual([1, 5]);
    expect(windows('min_over_time', SAMPLES, { range: 15_000 })).toEqual([1, 2]);
  });

  it('rate_counter extrapolates like Prometheus and handles counter resets', () => {
    const steady: Array<[number, number]> = [
      [2, 10],
      [4, 20],
      [6, 30],
      [8, 40],
    ];
    // delta 30 over 6s sampled, extrapolated by 2s each side → 50 over the 10s range.
    expect(windows('rate_counter', steady, { times: [10_000] })[0]).toBeCloseTo(5, 12);
    const reset: Array<[number, number]> = [
      [2, 10],
      [4, 20],
      [6, 5],
      [8, 15],
    ];
    // delta 5 + 20 (reset) = 25, extrapolated ×10/6 → 41.67 per 10s.
    expect(windows('rate_counter', reset, { times: [10_000] })[0]).toBeCloseTo(25 / 6, 12);
    expect(windows('rate_counter', [[2, 10]], { times: [10_000] })[0]).toBe(0);
  });
});
