/**
 * One benchmark measurement. Every row is measured in the same `npm run bench` run as its
 * baseline, and printed as a ratio to it (or to the goal when the goal is an absolute number).
 */
export interface BenchRow {
  /** What was measured, e.g. "exec → handshake (median of 20)". */
  name: string;
  value: number;
  unit: 'ms' | 'MB' | 'MiB' | 'bytes' | 's' | 'count';
  /** What the value is compared with, measured in the same run (e.g. "rg -F"), if anything. */
  baselineName?: string;
  baselineValue?: number;
  /** The goal as a maximum ratio to the baseline, or as a maximum absolute value without one. */
  goalRatio?: number;
  goalValue?: number;
}
