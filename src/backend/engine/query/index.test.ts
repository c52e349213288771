import { LogQLSyntaxError } from '../logql/ast';
import { DISORDER_TOLERANCE_MS, type LogRecord, type LogStore, type ScanRequest, type ScanStats } from '../model';
import { createMemoryLogStore, type MemoryRecordInput } from '../testing/memoryStore';
import {
  runQuery,
  toLokiResponse,
  type MatrixResult,
  type QueryRequest,
  type QueryResult,
  type StreamsResult,
  type VectorResult,
} from './index';

type Streams = StreamsResult & QueryResult;
type Matrix = MatrixResult & QueryResult;

/** The store with its scan replaced (methods live on the prototype, so no object spread). */
function withScan(inner: LogStore, scan: LogStore['scan']): LogStore {
  return { scan, labelNames: inner.labelNames.bind(inner), labelValues: inner.labelValues.bind(inner) };
}

const T0 = Date.UTC(2026, 0, 1); // a multiple of every step used below
const at = (seconds: number) => T0 + seconds * 1000;
const rec = (
  seconds: number,
  line: string,
  stream: Record<string, string>,
  metadata?: Record<string, string>
): MemoryRecordInput => ({
  ts: at(seconds),
  line,
  stream,
  metadata,
});

const API = { app: 'api', source: 'application' };
const WEB = { app: 'web', source: 'application' };
// api lines at 5, 10, 15, 25 s; web lines at 10, 11, 30 s.
const METRIC_DATA = [
  rec(5, 'a1', API),
  rec(10, 'a2', API),
  rec(10, 'w1', WEB),
  rec(11, 'w22', WEB),
  rec(15, 'a3', API),
  rec(25, 'a4', API),
  rec(30, 'w333', WEB),
];

const query = (store: LogStore, q: string, req: Partial<QueryRequest> = {}) =>
  runQuery(store, { query: q, startMs: at(0), endMs: at(100), ...req });
const range = (store: LogStore, q: string, startS: number, endS: number, stepS: number) =>
  query(store, q, { startMs: at(startS), endMs: at(endS), stepMs: stepS * 1000 }) as Promise<Matrix>;
const instant = (store: LogStore, q: string, atS: number) =>
  query(store, q, { startMs: at(atS), endMs: at(atS), instant: true });
/** Matrix as [labels, [[seconds, value]...]] for readable expectations. */
const points = (m: MatrixResult) =>
  m.series.map((s) => [s.labels, s.times.map((t, i) => [(t - T0) / 1000, s.values[i]])]);
const vector = (v: VectorResult) => v.samples.map((s) => [s.labels, s.value]);
const lines = (r: StreamsResult) => r.streams.flatMap((s) => s.entries.map((e) => e.line));

describe('log queries', () => {
  const store = createMemoryLogStore([1, 2, 3, 4, 5].map((s) => rec(s, `l${s}`, API)));

  it('return the newest entries first by default, end exclusive', async () => {
    const r = (await query(store, '{app="api"}', { startMs: at(1), endMs: at(5) })) as Streams;
    expect(lines(r)).toEqual(['l4', 'l3', 'l2', 'l1']);
    expect(r.stats.linesReturned).toBe(4);
  });

  it('honour limit and direction', async () => {
    expect(lines((await query(store, '{app="api"}', { limit: 2 })) as Streams)).toEqual(['l5', 'l4']);
    expect(lines((await query(store, '{app="api"}', { limit: 2, direction: 'forward' })) as Streams)).toEqual([
      'l1',
      'l2',
    ]);
  });

  it('default to a limit of 100', async () => {
    const many = createMemoryLogStore(
      Array.from({ length: 150 }, (_, i) => rec(i, `l${i}`, API)),
      { batchSize: 16 }
    );
    const r = (await query(many, '{app="api"}', { endMs: at(1000) })) as Streams;
    expect(lines(r)).toHaveLength(100);
    expect(lines(r)[0]).toBe('l149');
  });

  it('return exactly the newest/oldest entries although the store yields them slightly out of order', async () => {
    // File order with entries up to 2 s out of order (the store tolerates 5 s).
    const order = [1, 3, 2, 5, 4, 7, 6, 9, 8, 10.5, 10];
    const disordered = createMemoryLogStore(order.map((s) => rec(s, `l${s}`, API)));
    expect(lines((await query(disordered, '{app="api"}', { limit: 3 })) as Streams)).toEqual(['l10.5', 'l10', 'l9']);
    expect(lines((await query(disordered, '{app="api"}', { limit: 3, direction: 'forward' })) as Streams)).toEqual([
      'l1',
      'l2',
      'l3',
    ]);
    const lateOld = createMemoryLogStore([2, 3, 4, 5, 1].map((s) => rec(s, `l${s}`, API)));
    expect(lines((await query(lateOld, '{app="api"}', { limit: 2, direction: 'forward' })) as Streams)).toEqual([
      'l1',
      'l2',
    ]);
  });

  it('stop scanning once no later record can qualify', async () => {
    const big = createMemoryLogStore(
      Array.from({ length: 1000 }, (_, i) => rec(i, `l${i}`, API)),
      { batchSize: 1 }
    );
    const r = (await query(big, '{app="api"}', { limit: 2, endMs: at(2000) })) as Streams;
    expect(lines(r)).toEqual(['l999', 'l998']);
    // 2 entries + the disorder tolerance at 1 line/s, and a little slack: far from the 1000 lines.
    expect(r.stats.linesScanned).toBeLessThan(2 + DISORDER_TOLERANCE_MS / 1000 + 5);
  });

  it('group streams by full label set, with structured metadata and parsed labels split out', async () => {
    const s = createMemoryLogStore([
      rec(1, 'level=info msg=a', API, { trace_id: 't1' }),
      rec(2, 'level=error msg=b', API, { trace_id: 't2' }),
      rec(3, 'level=info msg=c', WEB),
    ]);
    const r = (await query(s, '{source="application"} | logfmt | level="info"', { direction: 'forward' })) as Streams;
    expect(r.streams.map((x) => x.labels)).toEqual([
      { ...API, trace_id: 't1', level: 'info', msg: 'a' },
      { ...WEB, level: 'info', msg: 'c' },
    ]);
    expect(r.streams[0].entries[0].structuredMetadata).toEqual({ trace_id: 't1' });
    expect(r.streams[0].entries[0].parsed).toEqual({ level: 'info', msg: 'a' });
  });

  it('pass the query’s required literals to the store', async () => {
    const requests: ScanRequest[] = [];
    const spy = withScan(store, (req: ScanRequest, stats: ScanStats) => {
      requests.push(req);
      return store.scan(req, stats);
    });
    await query(spy, '{app="api"} |= "l3"');
    expect(requests[0].mustContain).toContain('l3');
    expect(requests[0].direction).toBe('backward');
  });

  it('reject a non-positive limit and pass syntax errors through', async () => {
    await expect(query(store, '{app="api"}', { limit: 0 })).rejects.toThrow('limit must be a positive value');
    await expect(query(store, '{app=')).rejects.toBeInstanceOf(LogQLSyntaxError);
  });
});

describe('range aggregations', () => {
  const store = createMemoryLogStore(METRIC_DATA);

  it('count_over_time per series over windows (t-range, t]', async () => {
    const m = await range(store, 'count_over_time({source="application"}[10s])', 10, 30, 10);
    expect(points(m)).toEqual([
      [
        API,
        [
          [10, 2],
          [20, 1],
          [30, 1],
        ],
      ],
      [
        WEB,
        [
          [10, 1],
          [20, 1],
          [30, 1],
        ],
      ],
    ]);
  });

  it('rate, bytes_over_time and bytes_rate', async () => {
    expect(points(await range(store, 'rate({app="api"}[10s])', 10, 20, 10))).toEqual([
      [
        API,
        [
          [10, 0.2],
          [20, 0.1],
        ],
      ],
    ]);
    // web lines: w1 (2 bytes) at 10 s, w22 (3) at 11 s, w333 (4) at 30 s.
    expect(points(await range(store, 'bytes_over_time({app="web"}[10s])', 10, 30, 10))).toEqual([
      [
        WEB,
        [
          [10, 2],
          [20, 3],
          [30, 4],
        ],
      ],
    ]);
    expect(points(await range(store, 'bytes_rate({app="web"}[20s])', 30, 30, 10))).toEqual([[WEB, [[30, 0.35]]]]);
  });

  it('aligns start and end to the step', async () => {
    const m = await range(store, 'count_over_time({app="api"}[10s])', 12, 29, 10);
    expect(points(m)).toEqual([
      [
        API,
        [
          [10, 2],
          [20, 1],
        ],
      ],
    ]);
  });

  it('uses Loki’s default step when none is given', async () => {
    const m = (await query(store, 'count_over_time({app="api"}[10s])', { startMs: at(0), endMs: at(600) })) as Matrix;
    // 600 s / 250 = 2.4 → 2 s steps; the first window holding api's line at 5 s ends at 6 s.
    expect(m.series[0].times.slice(0, 2)).toEqual([at(6), at(8)]);
    expect(m.series[0].values.slice(0, 2)).toEqual([1, 1]);
  });

  it('overlapping windows when the range exceeds the step', async () => {
    // (-10 s, 10 s] → 5, 10; (0, 20 s] → 5, 10, 15; (10 s, 30 s] → 15, 25.
    expect(points(await range(store, 'count_over_time({app="api"}[20s])', 10, 30, 10))).toEqual([
      [
        API,
        [
          [10, 2],
          [20, 3],
          [30, 2],
        ],
      ],
    ]);
  });

  it('shifts windows by offset but reports the step time', async () => {
    const m = await range(store, 'count_over_time({app="api"}[10s] offset 10s)', 20, 20, 10);
    expect(points(m)).toEqual([[API, [[20, 2]]]]);
  });

  it('evaluates instant queries once at end', async () => {
    const v = (await instant(store, 'count_over_time({source="application"}[30s])', 30)) as VectorResult;
    expect(v.resultType).toBe('vector');
    expect(vector(v)).toEqual([
      [API, 4],
      [WEB, 3],
    ]);
    expect(v.samples[0].ts).toBe(at(30));
  });

  it('absent_over_time yields 1 where nothing matched, labelled by the equality matchers', async () => {
    const m = await range(store, 'absent_over_time({app="api", source=~"app.*"}[5s])', 5, 30, 5);
    // api lines at 5, 10, 15, 25: windows ending at 20 and 30 are empty.
    expect(points(m)).toEqual([
      [
        { app: 'api' },
        [
          [20, 1],
          [30, 1],
        ],
      ],
    ]);
    const none = await range(store, 'absent_over_time({app="api"}[30s])', 30, 30, 10);
    expect(none.series).toEqual([]);
  });

  it('fails on pipeline errors unless they are filtered', async () => {
    const s = createMemoryLogStore([rec(1, '{"a":1}', API), rec(2, 'not json', API)]);
    await expect(instant(s, 'count_over_time({app="api"} | json [10s])', 10)).rejects.toThrow(
      /pipeline error: 'JSONParserErr'/
    );
    expect(
      vector((await instant(s, 'count_over_time({app="api"} | json | __error__="" [10s])', 10)) as VectorResult)
    ).toEqual([[{ ...API, a: '1' }, 1]]);
    // Also when an enclosing `sum by` lets the pipeline build only the grouping labels.
    await expect(instant(s, 'sum by (app) (count_over_time({app="api"} | json [10s]))', 10)).rejects.toThrow(
      /pipeline error/
    );
  });
});

describe('unwrap', () => {
  const U = { app: 'u' };
  const store = createMemoryLogStore([
    rec(1, 'n=3 latency=250ms size=1KB', U),
    rec(2, 'n=5 latency=1.5s size=2KiB', U),
    rec(3, 'n=4 latency=1m size=10', U),
    rec(4, 'msg="no n here"', U),
  ]);
  const at10 = async (q: string) => vector((await instant(store, q, 10)) as VectorResult);

  it('aggregates unwrapped values and drops the unwrapped label', async () => {
    expect(await at10('sum by (app) (sum_over_time({app="u"} | logfmt | unwrap n [10s]))')).toEqual([[U, 12]]);
    expect(await at10('avg_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 4]]);
    expect(await at10('max_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 5]]);
    expect(await at10('first_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 3]]);
    expect(await at10('last_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 4]]);
    expect(await at10('quantile_over_time(0.5, {app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 4]]);
    const withoutGrouping = await at10('sum_over_time({app="u"} | logfmt | keep app, n | unwrap n [10s])');
    expect(withoutGrouping).toEqual([[U, 12]]);
  });

  it('rate over unwrapped values is their sum per second of the range (Loki rateLogs)', async () => {
    // n = 3 + 5 + 4 = 12 over a 10 s range; the line without n yields no sample.
    expect(await at10('sum by (app) (rate({app="u"} | logfmt | unwrap n [10s]))')).toEqual([[U, 1.2]]);
  });

  it('min, stddev and stdvar over unwrapped values (population statistics)', async () => {
    expect(await at10('min_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)')).toEqual([[U, 3]]);
    // n = 3, 5, 4: mean 4, squared deviations 1 + 1 + 0.
    const [[, variance]] = await at10('stdvar_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)');
    expect(variance).toBeCloseTo(2 / 3, 12);
    const [[, deviation]] = await at10('stddev_over_time({app="u"} | logfmt | unwrap n [10s]) by (app)');
    expect(deviation).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('rate_counter extrapolates a counter over the window', async () => {
    const counter = createMemoryLogStore([2, 4, 6, 8].map((t, i) => rec(t, `n=${10 * (i + 1)}`, U)));
    // delta 30 over 6 s of samples, extrapolated 2 s to each window edge → 50 per 10 s.
    const v = (await instant(counter, 'rate_counter({app="u"} | logfmt | unwrap n [10s])', 10)) as VectorResult;
    expect(v.samples.map((x) => x.labels)).toEqual([U]);
    expect(v.samples[0].value).toBeCloseTo(5, 12);
  });

  it('converts durations to seconds and byte sizes to bytes', async () => {
    expect(await at10('sum by (app) (sum_over_time({app="u"} | logfmt | unwrap duration(latency) [10s]))')).toEqual([
      [U, 61.75],
    ]);
    expect(
      await at10('sum by (app) (sum_over_time({app="u"} | logfmt | unwrap duration_seconds(latency) [10s]))')
    ).toEqual([[U, 61.75]]);
    expect(await at10('sum by (app) (sum_over_time({app="u"} | logfmt | unwrap bytes(size) [10s]))')).toEqual([
      [U, 1000 + 2048 + 10],
    ]);
  });

  it('marks conversion failures with __error__, failing the query unless filtered after unwrap', async () => {
    const bad = createMemoryLogStore([rec(1, 'n=3', U), rec(2, 'n=abc', U)]);
    await expect(instant(bad, 'sum_over_time({app="u"} | logfmt | unwrap n [10s])', 10)).rejects.toThrow(
      /SampleExtractionErr/
    );
    const ok = (await instant(
      bad,
      'sum_over_time({app="u"} | logfmt | unwrap n | __error__="" [10s])',
      10
    )) as VectorResult;
    expect(vector(ok)).toEqual([[U, 3]]);
  });
});

describe('vector aggregations and binary operators', () => {
  const store = createMemoryLogStore(METRIC_DATA);

  it('sum by / sum / topk / sort_desc', async () => {
    expect(
      points(await range(store, 'sum by (app) (count_over_time({source="application"}[10s]))', 10, 30, 10))
    ).toEqual([
      [
        { app: 'api' },
        [
          [10, 2],
          [20, 1],
          [30, 1],
        ],
      ],
      [
        { app: 'web' },
        [
          [10, 1],
          [20, 1],
          [30, 1],
        ],
      ],
    ]);
    expect(points(await range(store, 'sum(count_over_time({source="application"}[10s]))', 10, 30, 10))).toEqual([
      [
        {},
        [
          [10, 3],
          [20, 2],
          [30, 2],
        ],
      ],
    ]);
    expect(
      vector((await instant(store, 'topk(1, count_over_time({source="application"}[30s]))', 30)) as VectorResult)
    ).toEqual([[API, 4]]);
    // sort_desc keeps value order in instant results (web 3 < api 4 would come second anyway: use sort).
    expect(
      vector((await instant(store, 'sort(count_over_time({source="application"}[30s]))', 30)) as VectorResult)
    ).toEqual([
      [WEB, 3],
      [API, 4],
    ]);
    expect(
      vector((await instant(store, 'count(count_over_time({source="application"}[30s]))', 30)) as VectorResult)
    ).toEqual([[{}, 2]]);
    expect(
      vector(
        (await instant(store, 'max by (source) (count_over_time({source="application"}[30s]))', 30)) as VectorResult
      )
    ).toEqual([[{ source: 'application' }, 4]]);
  });

  it('avg / bottomk / stdvar over series', async () => {
    const at30 = async (q: string) => vector((await instant(store, q, 30)) as VectorResult);
    expect(await at30('avg(count_over_time({source="application"}[30s]))')).toEqual([[{}, 3.5]]);
    expect(await at30('bottomk(1, count_over_time({source="application"}[30s]))')).toEqual([[WEB, 3]]);
    expect(await at30('stdvar(count_over_time({source="application"}[30s]))')).toEqual([[{}, 0.25]]);
    expect(await at30('count_over_time({app="api"}[10s] offset 20s)')).toEqual([[API, 2]]);
  });

  it('respects precedence and folds scalars', async () => {
    const r = await instant(store, '1 + 2 * 3 ^ 2', 30);
    expect(r).toMatchObject({ resultType: 'scalar', value: 19, ts: at(30) });
    const m = await range(store, '1 + 1', 10, 30, 10);
    expect(points(m)).toEqual([
      [
        {},
        [
          [10, 2],
          [20, 2],
          [30, 2],
        ],
      ],
    ]);
    expect(vector((await instant(store, 'vector(1)', 30)) as VectorResult)).toEqual([[{}, 1]]);
  });

  it('combines vectors with scalars and with vectors', async () => {
    expect(vector((await instant(store, 'count_over_time({app="api"}[30s]) * 2 + 1', 30)) as VectorResult)).toEqual([
      [API, 9],
    ]);
    expect(
      vector((await instant(store, 'count_over_time({source="application"}[30s]) > 3', 30)) as VectorResult)
    ).toEqual([[API, 4]]);
    expect(
      vector((await instant(store, 'count_over_time({source="application"}[30s]) > bool 3', 30)) as VectorResult)
    ).toEqual([
      [API, 1],
      [WEB, 0],
    ]);
    const share =
      'sum by (app) (count_over_time({source="application"}[30s])) / on() group_left sum(count_over_time({source="application"}[30s]))';
    expect(vector((await instant(store, share, 30)) as VectorResult)).toEqual([
      [{ app: 'api' }, 4 / 7],
      [{ app: 'web' }, 3 / 7],
    ]);
    const set = 'count_over_time({source="application"}[30s]) unless count_over_time({app="web"}[30s])';
    expect(vector((await instant(store, set, 30)) as VectorResult)).toEqual([[API, 4]]);
  });

  it('enforces the series limit with Loki’s error', async () => {
    const req = { startMs: at(10), endMs: at(30), stepMs: 10_000, limits: { maxSeries: 1 } };
    await expect(query(store, 'count_over_time({source="application"}[10s])', req)).rejects.toThrow(
      'maximum number of series (1) reached for a single query'
    );
    await expect(instant(store, 'count_over_time({app="api"}[10s])', 30)).resolves.toBeDefined();
    // Inside an aggregation the series of a range aggregation are not the result's.
    await expect(query(store, 'sum(count_over_time({source="application"}[10s]))', req)).resolves.toBeDefined();
  });

  it('topk and bottomk of one step choose as they would from every group, ties to the group seen first', async () => {
    // Groups by `user` with counts a:3, b:1, c:2, d:2, e:1, f:3 (first seen in that order), and one
    // line without the label (its own group, the empty label set).
    const users = ['a', 'b', 'c', 'a', 'd', 'c', 'e', 'f', 'd', 'a', 'f', 'f', ''];
    const store = createMemoryLogStore(users.map((u, i) => rec(i + 1, u ? `user=${u} n=${i % 4}` : 'none n=1', API)));
    const grouped = 'sum by (user) (count_over_time({source="application"} | logfmt [30s]))';
    const ranged = 'max_over_time({source="application"} | logfmt | unwrap n [30s]) by (user)';
    // `+ 0` keeps the values but takes the general path (every group made into a sample).
    for (const inner of [grouped, ranged]) {
      for (const op of ['topk', 'bottomk']) {
        for (const k of [1, 2, 3, 4, 7, 10]) {
          const chosen = vector((await instant(store, `${op}(${k}, ${inner})`, 30)) as VectorResult);
          const all = vector((await instant(store, `${op}(${k}, ${inner} + 0)`, 30)) as VectorResult);
          expect(chosen).toEqual(all);
        }
      }
    }
    expect(vector((await instant(store, `topk(3, ${grouped})`, 30)) as VectorResult)).toEqual([
      [{ user: 'a' }, 3],
      [{ user: 'c' }, 2],
      [{ user: 'f' }, 3],
    ]);
    // Three groups count 1: b and e come before the line without a user.
    expect(vector((await instant(store, `bottomk(2, ${grouped})`, 30)) as VectorResult)).toEqual([
      [{ user: 'b' }, 1],
      [{ user: 'e' }, 1],
    ]);
  });

  it('topk of one step over more groups than an aggregation may hold (Loki limits only the result)', async () => {
    // 60 000 trace ids, one line each, and three more lines for t7 and one for t42.
    const ids = Array.from({ length: 60_000 }, (_, i) => `t${i}`);
    const store = createMemoryLogStore(
      [...ids, 't7', 't7', 't42', 't7'].map((id, i) => rec(i / 10_000, 'x', API, { trace_id: id }))
    );
    const top = 'topk(2, sum by (trace_id) (count_over_time({source="application"}[30s])))';
    expect(vector((await instant(store, top, 30)) as VectorResult)).toEqual([
      [{ trace_id: 't42' }, 2],
      [{ trace_id: 't7' }, 4],
    ]);
    // Without a topk the groups are an aggregation's, still bounded.
    await expect(
      instant(store, 'count(sum by (trace_id) (count_over_time({source="application"}[30s])))', 30)
    ).rejects.toThrow('maximum number of series (50000) reached');
  });
});

describe('grouping by stream labels, structured metadata and parsed labels together', () => {
  // api: INFO at 1 s, ERROR at 2 s and 3 s; web: INFO at 4 s. service_name is a stream label,
  // level structured metadata, user a label `| logfmt` extracts.
  const store = createMemoryLogStore([
    rec(1, 'user=ann', { source: 'application', service_name: 'api' }, { level: 'INFO' }),
    rec(2, 'user=bob', { source: 'application', service_name: 'api' }, { level: 'ERROR' }),
    rec(3, 'user=ann', { source: 'application', service_name: 'api' }, { level: 'ERROR' }),
    rec(4, 'user=ann', { source: 'application', service_name: 'web' }, { level: 'INFO' }),
  ]);
  const sorted = (v: VectorResult) => vector(v).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

  it('keeps the stream label next to the metadata field', async () => {
    const r = await instant(store, 'sum by (service_name, level) (count_over_time({source="application"}[10s]))', 10);
    expect(sorted(r as VectorResult)).toEqual([
      [{ level: 'ERROR', service_name: 'api' }, 2],
      [{ level: 'INFO', service_name: 'api' }, 1],
      [{ level: 'INFO', service_name: 'web' }, 1],
    ]);
  });

  it('matches on the stream label in a binary operation (share of each level per service)', async () => {
    const r = await instant(
      store,
      'sum by (service_name, level) (count_over_time({source="application"}[10s])) / on (service_name) group_left sum by (service_name) (count_over_time({source="application"}[10s]))',
      10
    );
    expect(sorted(r as VectorResult)).toEqual([
      [{ level: 'ERROR', service_name: 'api' }, 2 / 3],
      [{ level: 'INFO', service_name: 'api' }, 1 / 3],
      [{ level: 'INFO', service_name: 'web' }, 1],
    ]);
  });

  it('groups by stream, metadata and parsed labels at once', async () => {
    const r = await instant(
      store,
      'sum by (service_name, level, user) (count_over_time({source="application"} | logfmt [10s]))',
      10
    );
    expect(sorted(r as VectorResult)).toEqual([
      [{ level: 'ERROR', service_name: 'api', user: 'ann' }, 1],
      [{ level: 'ERROR', service_name: 'api', user: 'bob' }, 1],
      [{ level: 'INFO', service_name: 'api', user: 'ann' }, 1],
      [{ level: 'INFO', service_name: 'web', user: 'ann' }, 1],
    ]);
  });
});

describe('label projection', () => {
  /** Records whose full label maps throw when read: only `label(name)` may be used. */
  function strictStore(records: MemoryRecordInput[]): LogStore {
    const inner = createMemoryLogStore(records);
    const strict = (r: LogRecord): LogRecord => ({
      ts: r.ts,
      line: r.line,
      id: r.id,
      get stream(): Record<string, string> {
        throw new Error('stream labels materialised');
      },
      get metadata(): Record<string, string> {
        throw new Error('metadata materialised');
      },
      label: (name) => r.label(name),
    });
    return withScan(inner, async function* (req: ScanRequest, stats: ScanStats) {
      for await (const batch of inner.scan(req, stats)) {
        yield batch.map(strict);
      }
    });
  }

  it('builds only the grouping labels for `sum by (...)` over a range aggregation', async () => {
    const store = strictStore(
      METRIC_DATA.map((r) => ({ ...r, metadata: { detected_level: r.line.startsWith('a') ? 'info' : 'error' } }))
    );
    const v = (await instant(
      store,
      'sum by (detected_level) (count_over_time({source="application"} |= "" [30s]))',
      30
    )) as VectorResult;
    expect(vector(v)).toEqual([
      [{ detected_level: 'error' }, 3],
      [{ detected_level: 'info' }, 4],
    ]);
    const absent = (await range(store, 'absent_over_time({app="api"}[5s])', 20, 20, 5)) as Matrix;
    expect(points(absent)).toEqual([[{ app: 'api' }, [[20, 1]]]]);
  });

  it('groups unwrapped samples like Loki: the unwrapped label is gone before an outer `by`', async () => {
    const store = createMemoryLogStore([rec(1, 'n=3', { app: 'u' }), rec(2, 'n=5', { app: 'u' })]);
    const v = (await instant(
      store,
      'sum by (n) (sum_over_time({app="u"} | logfmt | unwrap n [10s]))',
      10
    )) as VectorResult;
    expect(vector(v)).toEqual([[{}, 8]]);
    const kept = (await instant(
      store,
      'max_over_time({app="u"} | logfmt | unwrap n [10s]) by (n)',
      10
    )) as VectorResult;
    expect(vector(kept)).toEqual([
      [{ n: '3' }, 3],
      [{ n: '5' }, 5],
    ]);
  });
});

describe('cancellation and limits', () => {
  it('rejects when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      query(createMemoryLogStore(METRIC_DATA), '{app="api"}', { signal: controller.signal })
    ).rejects.toThrow(/cancel/);
  });

  it('stops a running scan when the signal aborts', async () => {
    const controller = new AbortController();
    const inner = createMemoryLogStore(
      Array.from({ length: 100 }, (_, i) => rec(i, `l${i}`, API)),
      { batchSize: 1 }
    );
    let batches = 0;
    const store = withScan(inner, async function* (req: ScanRequest, stats: ScanStats): AsyncIterable<LogRecord[]> {
      for await (const batch of inner.scan(req, stats)) {
        if (++batches === 3) {
          controller.abort();
        }
        yield batch;
      }
    });
    await expect(
      query(store, 'count_over_time({app="api"}[1m])', { signal: controller.signal, endMs: at(200) })
    ).rejects.toThrow(/cancel/);
    expect(batches).toBeLessThan(10);
  });

  it('reports a byte-limit truncation as a notice', async () => {
    const store = createMemoryLogStore(Array.from({ length: 50 }, (_, i) => rec(i, `l${i}`, API)));
    const r = await query(store, '{app="api"}', { limits: { maxBytesScanned: 20 } });
    expect(r.notices.some((n) => /partial/.test(n.text))).toBe(true);
  });
});

describe('Loki JSON', () => {
  const store = createMemoryLogStore(METRIC_DATA);

  it('encodes streams with nanosecond strings', async () => {
    const json = toLokiResponse(await query(store, '{app="web"}', { direction: 'forward', limit: 1 })) as any;
    expect(json.status).toBe('success');
    expect(json.data.resultType).toBe('streams');
    expect(json.data.result).toEqual([{ stream: WEB, values: [[`${at(10)}000000`, 'w1']] }]);
    expect(json.data.stats.summary.totalLinesProcessed).toBeGreaterThan(0);
  });

  it('encodes matrices and vectors with second timestamps and string values', async () => {
    const m = toLokiResponse(await range(store, 'rate({app="api"}[10s])', 10, 20, 10)) as any;
    expect(m.data.result).toEqual([
      {
        metric: API,
        values: [
          [at(10) / 1000, '0.2'],
          [at(20) / 1000, '0.1'],
        ],
      },
    ]);
    const v = toLokiResponse(await instant(store, 'count_over_time({app="api"}[30s])', 30)) as any;
    expect(v.data).toMatchObject({ resultType: 'vector', result: [{ metric: API, value: [at(30) / 1000, '4'] }] });
    const s = toLokiResponse(await instant(store, '2 * 3', 30)) as any;
    expect(s.data).toMatchObject({ resultType: 'scalar', result: [at(30) / 1000, '6'] });
  });
});
