import fc from 'fast-check';
import { quantile } from './quantile';

/** `values` in Go's `sort.Float64s` order: NaN first, then ascending, −0 before +0. */
function goSorted(values: number[]): number[] {
  return [...values].sort((a, b) => {
    if (Number.isNaN(a) || Number.isNaN(b)) {
      return Number(!Number.isNaN(a)) - Number(!Number.isNaN(b));
    }
    return a < b ? -1 : a > b ? 1 : Number(Object.is(b, -0)) - Number(Object.is(a, -0));
  });
}

/** Loki's quantile by its definition: the two closest ranks of the sorted values, interpolated. */
function sortedQuantile(q: number, sorted: number[]): number {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - lower;
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

describe('quantile', () => {
  it('interpolates between the two closest ranks', () => {
    expect(quantile(0.5, Float64Array.from([5, 1, 3]))).toBe(3);
    expect(quantile(0.9, Float64Array.from([5, 1, 3]))).toBeCloseTo(4.6, 12); // rank 1.8
    expect(quantile(0, Float64Array.from([5, 1, 3]))).toBe(1);
    expect(quantile(1, Float64Array.from([5, 1, 3]))).toBe(5);
  });

  it('answers out-of-range φ and empty input as Loki does', () => {
    expect(quantile(-0.1, Float64Array.from([1]))).toBe(-Infinity);
    expect(quantile(1.1, Float64Array.from([1]))).toBe(Infinity);
    expect(quantile(0.5, new Float64Array(0))).toBeNaN();
  });

  it('takes NaN as the lowest values, and −0 before +0', () => {
    expect(quantile(0, Float64Array.from([3, NaN, 1]))).toBeNaN();
    expect(quantile(0.5, Float64Array.from([3, NaN, 1]))).toBe(1);
    expect(quantile(0.25, Float64Array.from([3, NaN, 1]))).toBeNaN(); // NaN interpolated with 1
    expect(Object.is(quantile(0, Float64Array.from([0, -0, -0])), -0)).toBe(true); // ranks 0 and 1: −0 and −0
    expect(Object.is(quantile(1, Float64Array.from([-0, 0])), 0)).toBe(true);
  });

  it('equals the sorted definition on any values', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom(NaN, 0, -0, Infinity, -Infinity),
      fc.double({ noNaN: true })
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          expect(Object.is(quantile(q, Float64Array.from(values)), sortedQuantile(q, goSorted(values)))).toBe(true);
        }
      ),
      { seed: 23, numRuns: 5000 }
    );
  });

  it('gives the sorted answer on orders that defeat a median-of-three pivot', () => {
    // The organ-pipe order makes quickselect quadratic: its bounded partitions sort the rest.
    const n = 200_000;
    const organPipe = Array.from({ length: n }, (_, i) => (i < n / 2 ? i : n - i));
    const sawtooth = Array.from({ length: n }, (_, i) => i % 1000);
    for (const values of [organPipe, sawtooth]) {
      const sorted = goSorted(values);
      for (const q of [0, 0.05, 0.5, 0.95, 0.999, 1]) {
        expect(quantile(q, Float64Array.from(values))).toBe(sortedQuantile(q, sorted));
      }
    }
  });
});
