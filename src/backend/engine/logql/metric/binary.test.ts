import type { Labels } from '../../model';
import type { VectorMatching } from '../ast';
import { applyOperator, vectorScalar, vectorVector } from './binary';
import { SeriesTable, type Sample } from './labels';

const table = new SeriesTable();
const s = (labels: Labels, value: number): Sample => ({ series: table.get(labels), value });
const plain = (out: Sample[]) => out.map((x) => [x.series.labels, x.value]);

describe('binary operators', () => {
  it('arithmetic follows Loki: division and modulo by zero are NaN, % keeps the dividend sign', () => {
    expect(applyOperator('/', 1, 0)).toBeNaN();
    expect(applyOperator('%', 1, 0)).toBeNaN();
    expect(applyOperator('%', -7, 3)).toBe(-1);
    expect(applyOperator('^', 2, 3)).toBe(8);
    expect(applyOperator('^', 1, NaN)).toBe(1); // Go's math.Pow
    expect(applyOperator('>=', 2, 2)).toBe(1);
  });

  it('vector-scalar arithmetic keeps operand order', () => {
    expect(plain(vectorScalar('-', [s({ a: '1' }, 10)], 3, false, false))).toEqual([[{ a: '1' }, 7]]);
    expect(plain(vectorScalar('-', [s({ a: '1' }, 10)], 3, true, false))).toEqual([[{ a: '1' }, -7]]);
  });

  it('vector-scalar comparisons filter and keep the sample value; bool gives 0/1', () => {
    const v = [s({ a: '1' }, 1), s({ a: '2' }, 5)];
    expect(plain(vectorScalar('>', v, 2, false, false))).toEqual([[{ a: '2' }, 5]]);
    expect(plain(vectorScalar('<', v, 2, true, false))).toEqual([[{ a: '2' }, 5]]); // 2 < v
    expect(plain(vectorScalar('>', v, 2, false, true))).toEqual([
      [{ a: '1' }, 0],
      [{ a: '2' }, 1],
    ]);
  });

  const run = (
    op: Parameters<typeof vectorVector>[0],
    l: Sample[],
    r: Sample[],
    matching?: VectorMatching,
    bool = false
  ) => plain(vectorVector(op, l, r, matching, bool, table));

  it('one-to-one matching on all labels keeps the left labels', () => {
    const left = [s({ a: '1', b: 'x' }, 10), s({ a: '2', b: 'y' }, 20)];
    expect(run('/', left, [s({ a: '1', b: 'x' }, 2)])).toEqual([[{ a: '1', b: 'x' }, 5]]);
  });

  it('on(...) keeps only the matching labels, ignoring(...) drops them', () => {
    expect(run('+', [s({ a: '1', b: 'x' }, 10)], [s({ a: '1', c: 'z' }, 2)], { mode: 'on', labels: ['a'] })).toEqual([
      [{ a: '1' }, 12],
    ]);
    expect(
      run('+', [s({ a: '1', b: 'x' }, 10)], [s({ a: '1', b: 'q' }, 2)], { mode: 'ignoring', labels: ['b'] })
    ).toEqual([[{ a: '1' }, 12]]);
  });

  it('group_left copies the included labels from the one side', () => {
    const many = [s({ a: '1', b: 'x' }, 10), s({ a: '1', b: 'y' }, 20)];
    const one = [s({ a: '1', c: 'z' }, 2)];
    expect(run('/', many, one, { mode: 'on', labels: ['a'], group: { side: 'left', include: ['c'] } })).toEqual([
      [{ a: '1', b: 'x', c: 'z' }, 5],
      [{ a: '1', b: 'y', c: 'z' }, 10],
    ]);
  });

  it('group_right keeps operand order and the right (many) side labels', () => {
    const one = [s({ a: '1', c: 'z' }, 2)];
    const many = [s({ a: '1', b: 'x' }, 10), s({ a: '1', b: 'y' }, 20)];
    expect(run('/', one, many, { mode: 'on', labels: ['a'], group: { side: 'right', include: [] } })).toEqual([
      [{ a: '1', b: 'x' }, 0.2],
      [{ a: '1', b: 'y' }, 0.1],
    ]);
  });

  it('refuses ambiguous matches with Loki’s errors', () => {
    const twoLeft = [s({ a: '1', b: 'x' }, 1), s({ a: '1', b: 'y' }, 2)];
    expect(() => run('+', twoLeft, [s({ a: '1' }, 1)], { mode: 'on', labels: ['a'] })).toThrow(
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
    );
    expect(() => run('+', [s({ a: '1' }, 1)], twoLeft, { mode: 'on', labels: ['a'] })).toThrow(
      /found duplicate series on the right hand-side/
    );
  });

  it('vector comparisons filter with the left value, or give 0/1 with bool', () => {
    const l = [s({ a: '1' }, 10), s({ a: '2' }, 1)];
    const r = [s({ a: '1' }, 2), s({ a: '2' }, 5)];
    expect(run('>', l, r)).toEqual([[{ a: '1' }, 10]]);
    expect(run('>', l, r, undefined, true)).toEqual([
      [{ a: '1' }, 1],
      [{ a: '2' }, 0],
    ]);
  });

  it('and / or / unless', () => {
    const l = [s({ a: '1' }, 1), s({ a: '2' }, 2)];
    const r = [s({ a: '2' }, 20), s({ a: '3' }, 30)];
    expect(run('and', l, r)).toEqual([[{ a: '2' }, 2]]);
    expect(run('or', l, r)).toEqual([
      [{ a: '1' }, 1],
      [{ a: '2' }, 2],
      [{ a: '3' }, 30],
    ]);
    expect(run('unless', l, r)).toEqual([[{ a: '1' }, 1]]);
    expect(run('and', l, [])).toEqual([]);
    expect(run('unless', l, [])).toEqual([
      [{ a: '1' }, 1],
      [{ a: '2' }, 2],
    ]);
  });
});
