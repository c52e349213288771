/**
 * Vector aggregations (`sum by (a) (...)`, `topk(3, ...)`, ...) over one step's samples, with the
 * semantics of Loki's `VectorAggEvaluator` (itself Prometheus' aggregation rules).
 */
import type { Grouping, VectorOp } from '../ast';
import { dropLabels, keepLabels, type Sample, type SeriesTable } from './labels';
import type { Labels } from '../../model';

interface Group {
  labels: Labels;
  samples: Sample[];
}

function groupLabels(labels: Labels, grouping: Grouping | undefined): Labels {
  if (!grouping) {
    return {};
  }
  return grouping.mode === 'by' ? keepLabels(labels, grouping.labels) : dropLabels(labels, grouping.labels);
}

/** Mean with Loki's care for infinities: a finite sample cannot change an infinite mean. */
function mean(values: number[]): number {
  let result = 0;
  let count = 0;
  for (const v of values) {
    count++;
    if (!Number.isFinite(result) && !Number.isNaN(result)) {
      if (!Number.isFinite(v) && !Number.isNaN(v) && result > 0 === v > 0) {
        continue;
      }
      if (Number.isFinite(v)) {
        continue;
      }
    }
    result += (v - result) / count;
  }
  return result;
}

/** Population variance by Welford's algorithm, as Loki's stddev/stdvar. */
function variance(values: number[]): number {
  let count = 0;
  let avg = 0;
  let m2 = 0;
  for (const v of values) {
    count++;
    const delta = v - avg;
    avg += delta / count;
    m2 += delta * (v - avg);
  }
  return m2 / count;
}

function extremum(values: number[], better: (a: number, b: number) => boolean): number {
  let result = values[0];
  for (const v of values) {
    if (better(v, result) || Number.isNaN(result)) {
      result = v;
    }
  }
  return result;
}

const LESS = (a: number, b: number) => a < b;
const GREATER = (a: number, b: number) => a > b;

/** A group's value for the ops that make one sample of a group. */
function groupValue(op: VectorOp, values: number[]): number {
  switch (op) {
    case 'sum': {
      let sum = 0;
      for (const v of values) {
        sum += v;
      }
      return sum;
    }
    case 'avg':
      return mean(values);
    case 'count':
      return values.length;
    case 'min':
      return extremum(values, LESS);
    case 'max':
      return extremum(values, GREATER);
    case 'stdvar':
      return variance(values);
    case 'stddev':
      return Math.sqrt(variance(values));
    default:
      throw new Error(`${op} keeps samples, it makes no value of its own`);
  }
}

function valuesOf(samples: Sample[]): number[] {
  const values: number[] = [];
  for (const sample of samples) {
    values.push(sample.value);
  }
  return values;
}

/** Descending by value with NaN last (topk/sort_desc), or ascending with NaN last (bottomk/sort). */
function byValue(descending: boolean): (a: Sample, b: Sample) => number {
  return (a, b) => {
    if (Number.isNaN(a.value) || Number.isNaN(b.value)) {
      return Number.isNaN(a.value) ? (Number.isNaN(b.value) ? 0 : 1) : -1;
    }
    return descending ? b.value - a.value : a.value - b.value;
  };
}

/** push(...items) without the engine's argument-count limit (vectors can be large). */
function appendAll(out: Sample[], items: Sample[]): void {
  for (const item of items) {
    out.push(item);
  }
}

export function aggregateVector(
  op: VectorOp,
  param: number | undefined,
  grouping: Grouping | undefined,
  samples: readonly Sample[],
  table: SeriesTable
): Sample[] {
  if ((op === 'topk' || op === 'bottomk') && !((param ?? 0) >= 1)) {
    return [];
  }
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const labels = groupLabels(sample.series.labels, grouping);
    const id = table.get(labels);
    let group = groups.get(id.key);
    if (!group) {
      group = { labels: id.labels, samples: [] };
      groups.set(id.key, group);
    }
    group.samples.push(sample);
  }
  // Per group, loops and no callbacks: a query grouping by a trace id has tens of thousands.
  const out: Sample[] = [];
  const order = byValue(op === 'topk' || op === 'sort_desc');
  for (const group of groups.values()) {
    switch (op) {
      case 'topk':
      case 'bottomk':
        appendAll(out, [...group.samples].sort(order).slice(0, Math.floor(param ?? 0)));
        break;
      case 'sort':
      case 'sort_desc':
        appendAll(out, [...group.samples].sort(order));
        break;
      default:
        out.push({ series: table.get(group.labels), value: groupValue(op, valuesOf(group.samples)) });
    }
  }
  return out;
}
