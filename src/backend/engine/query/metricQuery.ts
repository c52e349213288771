/**
 * Metric queries: evaluation steps, evaluation, and the result shapes of Loki's engine — a matrix
 * for range queries (series sorted by labels), a vector for instant queries (sorted by labels
 * unless the query sorts by value), a scalar for an instant literal — with the series limit.
 */
import type { MetricExpr } from '../logql/ast';
import { evaluateQuery, isSortable } from '../logql/metric/evaluate';
import { stepVectors, type RangeSeries } from '../logql/metric/rangeEval';
import { SeriesLimitError } from '../logql/metric/errors';
import { compareLabels, SeriesTable, type Sample, type SeriesId } from '../logql/metric/labels';
import { instantSteps, rangeSteps } from '../logql/metric/steps';
import type { LogStore, ScanStats } from '../model';
import {
  DEFAULT_MAX_SERIES,
  type MatrixResult,
  type QueryRequest,
  type ScalarResult,
  type VectorResult,
} from './types';

export async function runMetricQuery(
  store: LogStore,
  expr: MetricExpr,
  req: QueryRequest,
  stats: ScanStats
): Promise<MatrixResult | VectorResult | ScalarResult> {
  const steps = req.instant ? instantSteps(req.endMs) : rangeSteps(req.startMs, req.endMs, req.stepMs);
  const maxSeries = req.limits?.maxSeries ?? DEFAULT_MAX_SERIES;
  const table = new SeriesTable();
  const evaluated = await evaluateQuery(expr, {
    store,
    steps,
    stats,
    table,
    signal: req.signal,
    limits: req.limits,
    maxSeries,
  });

  if (evaluated.kind === 'scalar') {
    if (steps.instant) {
      return { resultType: 'scalar', ts: steps.times[0], value: evaluated.value };
    }
    return {
      resultType: 'matrix',
      series: [{ labels: {}, times: steps.times, values: steps.times.map(() => evaluated.value) }],
    };
  }

  if (steps.instant) {
    const vector =
      evaluated.kind === 'series' ? stepVectors(evaluated.series, steps.times.length)[0] : evaluated.steps[0];
    if (vector.length > maxSeries) {
      throw new SeriesLimitError(maxSeries);
    }
    const samples = isSortable(expr)
      ? vector
      : [...vector].sort((a, b) => compareLabels(a.series.labels, b.series.labels));
    return {
      resultType: 'vector',
      samples: samples.map((s) => ({ labels: s.series.labels, ts: steps.times[0], value: s.value })),
    };
  }

  const series = (evaluated.kind === 'series' ? evaluated.series : seriesOf(evaluated.steps)).filter(
    (s) => s.windows.length > 0
  );
  if (series.length > maxSeries) {
    throw new SeriesLimitError(maxSeries);
  }
  return {
    resultType: 'matrix',
    series: series.sort((a, b) => compareLabels(a.id.labels, b.id.labels)).map((s) => matrixSeries(s, steps.times)),
  };
}

/** A series' points as the matrix result holds them: step times and values, in plain arrays. */
function matrixSeries(
  { id, windows, values }: RangeSeries,
  stepTimes: readonly number[]
): MatrixResult['series'][number] {
  const times: number[] = new Array(windows.length);
  const plain: number[] = new Array(values.length);
  for (let i = 0; i < windows.length; i++) {
    times[i] = stepTimes[windows[i]];
    plain[i] = values[i];
  }
  return { labels: id.labels, times, values: plain };
}

/** Per-step vectors regrouped by series, in the order each series first appears. */
function seriesOf(vectors: Sample[][]): RangeSeries[] {
  // Series ids are interned per query (one SeriesTable): the object is its key.
  const bySeries = new Map<SeriesId, { windows: number[]; values: number[] }>();
  vectors.forEach((vector, w) => {
    for (const sample of vector) {
      let series = bySeries.get(sample.series);
      if (!series) {
        series = { windows: [], values: [] };
        bySeries.set(sample.series, series);
      }
      series.windows.push(w);
      series.values.push(sample.value);
    }
  });
  return [...bySeries].map(([id, { windows, values }]) => ({
    id,
    windows: Int32Array.from(windows),
    values: Float64Array.from(values),
  }));
}
