import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateSample, SAMPLE_END_MS } from '../../../testing/sample';
import { runQuery, type QueryResult } from '../../query';
import { createFileLogStore, type FileLogStore } from '../../store';

const HOUR = 3_600_000;
const percentile = (q: number, filter = '') =>
  `quantile_over_time(${q}, {source="access"}${filter} | Duration!="" | unwrap Duration | __error__="" [10m]) by (source)`;

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibling-samples-'));
  await generateSample(dir, { seed: 5, size: '3MB' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ask(store: FileLogStore, query: string): Promise<QueryResult> {
  return runQuery(store, { query, startMs: SAMPLE_END_MS - 6 * HOUR, endMs: SAMPLE_END_MS, stepMs: 10 * 60_000 });
}

/** The answer of a store that has answered nothing before: no sibling to take values from. */
const alone = (query: string) => ask(createFileLogStore({ roots: [dir] }), query);

const points = (result: QueryResult) => (result.resultType === 'matrix' ? result.series : []);

describe('quantile siblings', () => {
  it('p95 and p99 asked after p50 take its values and answer as if asked alone', async () => {
    const store = createFileLogStore({ roots: [dir] });
    const p50 = await ask(store, percentile(0.5));
    expect(p50.stats.siblingSeries).toBe(0);
    for (const q of [0.95, 0.99]) {
      const sibling = await ask(store, percentile(q));
      expect(sibling.stats.siblingSeries).toBe(1);
      // The rows it stands on are the first query's.
      expect(sibling.stats.linesScanned).toBe(p50.stats.linesScanned);
      expect(points(sibling)).toEqual(points(await alone(percentile(q))));
      expect(points(sibling)[0].values.length).toBeGreaterThan(10);
    }
  });

  it('a topk of one step over another φ takes the values and chooses as if asked alone', async () => {
    const slowest = (q: number) =>
      `topk(3, quantile_over_time(${q}, {source="access"} | Duration!="" | unwrap Duration | __error__="" [6h]) by (RequestPath))`;
    const instant = (store: FileLogStore, query: string) =>
      runQuery(store, { query, startMs: SAMPLE_END_MS, endMs: SAMPLE_END_MS, instant: true });
    const vector = (result: QueryResult) => (result.resultType === 'vector' ? result.samples : []);
    const store = createFileLogStore({ roots: [dir] });
    expect((await instant(store, slowest(0.5))).stats.siblingSeries).toBe(0);
    const sibling = await instant(store, slowest(0.99));
    // Every path's values were taken; three were chosen.
    expect(sibling.stats.siblingSeries).toBeGreaterThan(3);
    expect(vector(sibling)).toHaveLength(3);
    expect(vector(sibling)).toEqual(vector(await instant(createFileLogStore({ roots: [dir] }), slowest(0.99))));
  });

  it('a query that differs in more than φ, or files that changed, collect their own values', async () => {
    const store = createFileLogStore({ roots: [dir] });
    await ask(store, percentile(0.5));
    const filtered = await ask(store, percentile(0.95, ' |= "GET"'));
    expect(filtered.stats.siblingSeries).toBe(0);
    expect(points(filtered)).toEqual(points(await alone(percentile(0.95, ' |= "GET"'))));

    await ask(store, percentile(0.5));
    const access = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .find((name) => name.endsWith('access.log'));
    const file = path.join(dir, access!);
    const last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').pop()!;
    // One more request, slower than every other: the maximum changes.
    const slowest = last.replace(/ \d+ms$/, ' 987654321ms');
    expect(slowest).not.toBe(last);
    fs.appendFileSync(file, `${slowest}\n`);
    const after = await ask(store, percentile(1));
    expect(after.stats.siblingSeries).toBe(0);
    expect(points(after)).toEqual(points(await alone(percentile(1))));
  });
});
