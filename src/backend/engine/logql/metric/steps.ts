/**
 * Evaluation timestamps of a metric query, as Loki computes them.
 *
 * - Range queries are evaluated at start, start+step, ... while <= end (Loki's range vector
 *   iterator); the query frontend's step alignment floors start and end to multiples of the step.
 * - Instant queries are evaluated once, at `end`.
 * - Without a step, Loki's `defaultQueryRangeStep` is max(floor(seconds(end-start)/250), 1) seconds.
 */

/** Loki refuses queries with more points per series than this (`max_points_per_series`-like guard). */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface EvalSteps {
  /** Evaluation timestamps (epoch ms), ascending. */
  readonly times: number[];
  readonly instant: boolean;
}

/** Loki's `defaultQueryRangeStep`, in milliseconds. */
export function defaultStepMs(startMs: number, endMs: number): number {
  return Math.max(Math.floor((endMs - startMs) / 1000 / 250), 1) * 1000;
}

/** The query frontend's `StepAlignMiddleware`: floor start and end to multiples of the step. */
export function alignToStep(startMs: number, endMs: number, stepMs: number): { startMs: number; endMs: number } {
  return {
    startMs: Math.floor(Math.floor(startMs) / stepMs) * stepMs,
    endMs: Math.floor(Math.floor(endMs) / stepMs) * stepMs,
  };
}

export function instantSteps(atMs: number): EvalSteps {
  return { times: [atMs], instant: true };
}

/** Range evaluation timestamps after step alignment. Throws on an unusable step or too many points. */
export function rangeSteps(startMs: number, endMs: number, stepMs: number | undefined): EvalSteps {
  const step = stepMs ?? defaultStepMs(startMs, endMs);
  if (!(step > 0) || !Number.isFinite(step)) {
    throw new Error('zero or negative query resolution step widths are not accepted. Try a positive integer');
  }
  if (endMs < startMs) {
    throw new Error('end timestamp must not be before start time');
  }
  const aligned = alignToStep(startMs, endMs, step);
  const count = Math.floor((aligned.endMs - aligned.startMs) / step) + 1;
  if (count > MAX_POINTS_PER_SERIES) {
    throw new Error(
      `exceeded maximum resolution of ${MAX_POINTS_PER_SERIES} points per timeseries. Try decreasing the query resolution (?step=XX)`
    );
  }
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    times.push(aligned.startMs + i * step);
  }
  return { times, instant: false };
}
