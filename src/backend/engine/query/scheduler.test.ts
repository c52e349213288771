import { QueryCancelledError } from '../logql/metric/errors';
import { parseLogQL } from '../logql/parser';
import { isLight, QueryScheduler } from './scheduler';
import { emptyQueryStats, type QueryRequest, type QueryResult } from './types';

const HOUR = 3_600_000;
const request = (query: string, rangeMs: number, extra: Partial<QueryRequest> = {}): QueryRequest => ({
  query,
  startMs: 10 * 24 * HOUR - rangeMs,
  endMs: 10 * 24 * HOUR,
  ...extra,
});

function result(text: string): QueryResult {
  return {
    resultType: 'scalar',
    ts: 0,
    value: 0,
    notices: [{ severity: 'info', text }],
    stats: emptyQueryStats(),
  };
}

/** A query body the test finishes by hand, recording when it started and its signal. */
function gate(name: string, log: string[]) {
  let finish!: () => void;
  let signal!: AbortSignal;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish: () => finish(),
    signal: () => signal,
    execute: async (s: AbortSignal) => {
      signal = s;
      log.push(`start ${name}`);
      await done;
      return result(name);
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('query scheduler', () => {
  it('tells light queries (an hour of data at most) from heavy ones', () => {
    const light = (q: string, range: number, instant = false) => isLight(parseLogQL(q), request(q, range, { instant }));
    expect(light('{a="b"}', HOUR)).toBe(true);
    expect(light('{a="b"}', 7 * 24 * HOUR)).toBe(false);
    expect(light('count_over_time({a="b"}[5m])', 30 * 60_000)).toBe(true);
    expect(light('count_over_time({a="b"}[7d])', 0, true)).toBe(false);
    expect(light('sum(count_over_time({a="b"}[1m] offset 2h))', 0, true)).toBe(false);
    expect(light('sum(count_over_time({a="b"}[10m]))', 0, true)).toBe(true);
  });

  it('runs at most the heavy slots at once, first come first served; light ones never wait', async () => {
    const scheduler = new QueryScheduler(2);
    const log: string[] = [];
    const heavy = ['h1', 'h2', 'h3', 'h4'].map((name) => ({ name, ...gate(name, log) }));
    const running = heavy.map((h) => scheduler.run(h.name, false, request('q', 0), h.execute));
    await flush();
    expect(log).toEqual(['start h1', 'start h2']);
    expect(scheduler.waiting).toBe(2);
    const light = gate('light', log);
    const lightRun = scheduler.run('light', true, request('q', 0), light.execute);
    await flush();
    expect(log).toEqual(['start h1', 'start h2', 'start light']);
    light.finish();
    await lightRun;
    heavy[1].finish();
    await running[1];
    await flush();
    expect(log).toEqual(['start h1', 'start h2', 'start light', 'start h3']);
    heavy.forEach((h) => h.finish());
    await Promise.all(running);
    expect(log.slice(-1)).toEqual(['start h4']);
  });

  it('says in a notice that a query waited', async () => {
    const scheduler = new QueryScheduler(1);
    const log: string[] = [];
    const first = gate('first', log);
    const runningFirst = scheduler.run('first', false, request('q', 0), first.execute);
    const second = scheduler.run('second', false, request('q', 0), async () => result('second'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    first.finish();
    expect((await runningFirst).notices.map((n) => n.text)).toEqual(['first']);
    const texts = (await second).notices.map((n) => n.text);
    expect(texts[0]).toMatch(/^this query waited \d+\.\d s for other long queries/);
    expect(texts[1]).toBe('second');
  });

  it('a cancelled waiting query leaves the queue at once and never runs', async () => {
    const scheduler = new QueryScheduler(1);
    const log: string[] = [];
    const first = gate('first', log);
    const runningFirst = scheduler.run('first', false, request('q', 0), first.execute);
    const abort = new AbortController();
    const waiting = scheduler.run(
      'second',
      false,
      request('q', 0, { signal: abort.signal }),
      gate('second', log).execute
    );
    await flush();
    expect(scheduler.waiting).toBe(1);
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(QueryCancelledError);
    expect(scheduler.waiting).toBe(0);
    first.finish();
    await runningFirst;
    expect(log).toEqual(['start first']);
  });

  it('identical concurrent queries share one run, cancelled only when every asker is gone', async () => {
    const scheduler = new QueryScheduler(2);
    const log: string[] = [];
    const shared = gate('shared', log);
    const a = new AbortController();
    const b = new AbortController();
    const runA = scheduler.run('same', false, request('q', 0, { signal: a.signal }), shared.execute);
    const runB = scheduler.run('same', false, request('q', 0, { signal: b.signal }), shared.execute);
    await flush();
    expect(log).toEqual(['start shared']);
    a.abort();
    await expect(runA).rejects.toBeInstanceOf(QueryCancelledError);
    expect(shared.signal().aborted).toBe(false);
    b.abort();
    expect(shared.signal().aborted).toBe(true);
    shared.finish();
    await expect(runB).rejects.toBeInstanceOf(QueryCancelledError);

    // Once finished, the same query runs anew.
    const again = gate('again', log);
    const runAgain = scheduler.run('same', false, request('q', 0), again.execute);
    await flush();
    again.finish();
    expect((await runAgain).notices[0].text).toBe('again');
  });
});
