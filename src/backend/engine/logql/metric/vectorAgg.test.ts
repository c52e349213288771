import type { Labels } from '../../model';
import type { VectorOp } from '../ast';
import { SeriesTable, type Sample } from './labels';
import { aggregateVector } from './vectorAgg';

const table = new SeriesTable();
const sample = (labels: Labels, value: number): Sample => ({ series: table.get(labels), value });
const INPUT = [
  sample({ app: 'x', lvl: 'info' }, 1),
  sample({ app: 'x', lvl: 'err' }, 3),
  sample({ app: 'y', lvl: 'info' }, 5),
  sample({ app: 'y', lvl: 'err' }, 7),
];
const plain = (out: Sample[]) => out.map((s) => [s.series.labels, s.value]);
const agg = (op: VectorOp, grouping?: { mode: 'by' | 'without'; labels: string[] }, param?: number, input = INPUT) =>
  plain(aggregateVector(op, param, grouping, input, table));
const byApp = { mode: 'by' as const, labels: ['app'] };

describe('vector aggregations', () => {
  it('sum/avg/count/min/max by and without', () => {
    expect(agg('sum', byApp)).toEqual([
      [{ app: 'x' }, 4],
      [{ app: 'y' }, 12],
    ]);
    expect(agg('sum', { mode: 'without', labels: ['lvl'] })).toEqual([
      [{ app: 'x' }, 4],
      [{ app: 'y' }, 12],
    ]);
    expect(agg('sum')).toEqual([[{}, 16]]);
    expect(agg('avg', byApp)).toEqual([
      [{ app: 'x' }, 2],
      [{ app: 'y' }, 6],
    ]);
    expect(agg('count', { mode: 'by', labels: ['lvl'] })).toEqual([
      [{ lvl: 'info' }, 2],
      [{ lvl: 'err' }, 2],
    ]);
    expect(agg('min', byApp)).toEqual([
      [{ app: 'x' }, 1],
      [{ app: 'y' }, 5],
    ]);
    expect(agg('max')).toEqual([[{}, 7]]);
  });

  it('a `by` label missing from a series groups it under the empty value', () => {
    expect(agg('sum', { mode: 'by', labels: ['nope'] })).toEqual([[{}, 16]]);
  });

  it('stddev/stdvar are population statistics', () => {
    expect(agg('stdvar', byApp)).toEqual([
      [{ app: 'x' }, 1],
      [{ app: 'y' }, 1],
    ]);
    expect(agg('stddev')).toEqual([[{}, Math.sqrt(5)]]); // values 1,3,5,7: mean 4, deviations² 9+1+1+9 = 20 / 4
  });

  it('avg keeps an infinite mean and gives NaN for +Inf and -Inf', () => {
    expect(agg('avg', undefined, undefined, [sample({ a: '1' }, Infinity), sample({ a: '2' }, 1)])).toEqual([
      [{}, Infinity],
    ]);
    expect(
      agg('avg', undefined, undefined, [sample({ a: '1' }, Infinity), sample({ a: '2' }, -Infinity)])[0][1]
    ).toBeNaN();
  });

  it('topk/bottomk keep the original series, per group', () => {
    expect(agg('topk', byApp, 1)).toEqual([
      [{ app: 'x', lvl: 'err' }, 3],
      [{ app: 'y', lvl: 'err' }, 7],
    ]);
    expect(agg('bottomk', undefined, 2)).toEqual([
      [{ app: 'x', lvl: 'info' }, 1],
      [{ app: 'x', lvl: 'err' }, 3],
    ]);
    expect(agg('topk', undefined, 0)).toEqual([]);
  });

  it('sort and sort_desc order by value', () => {
    expect(agg('sort_desc').map((s) => s[1])).toEqual([7, 5, 3, 1]);
    expect(agg('sort', undefined, undefined, [INPUT[2], INPUT[0], INPUT[3]]).map((s) => s[1])).toEqual([1, 5, 7]);
  });
});
