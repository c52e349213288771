/**
 * Real queries over real files: JSON Lines written to a temp dir (one rotated, gzip-compressed
 * sibling) and read through the file-backed store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createFileLogStore, type FileLogStore } from '../store';
import {
  runQuery,
  toLokiResponse,
  type MatrixResult,
  type QueryResult,
  type StreamsResult,
  type VectorResult,
} from './index';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

interface Event {
  at: number;
  level: 'INFO' | 'ERROR';
  message: string;
  duration_ms: number;
}

// 12 events 10 s apart: every third is an error; the first 6 live in the rotated .1.gz file.
const EVENTS: Event[] = Array.from({ length: 12 }, (_, i) => ({
  at: T0 + i * 10_000,
  level: i % 3 === 2 ? 'ERROR' : 'INFO',
  message: i % 3 === 2 ? 'Request failed: upstream timeout' : `Model deployed successfully #${i}`,
  duration_ms: 100 + i,
}));
const jsonl = (events: Event[]) =>
  events
    .map((e) =>
      JSON.stringify({
        timestamp: iso(e.at),
        level: e.level,
        service: 'kamiwaza.serving',
        message: e.message,
        duration_ms: e.duration_ms,
      })
    )
    .join('\n') + '\n';

let dir: string;
let store: FileLogStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logql-query-'));
  writeFileSync(join(dir, 'application.jsonl.1.gz'), gzipSync(jsonl(EVENTS.slice(0, 6))));
  writeFileSync(join(dir, 'application.jsonl'), jsonl(EVENTS.slice(6)));
  store = createFileLogStore({ roots: [dir] });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = T0 - 60_000;
const END = T0 + 3_600_000;

describe('queries over files', () => {
  it('returns the newest lines first, across the rotated gzip file', async () => {
    const r = (await runQuery(store, {
      query: '{source="application"}',
      startMs: START,
      endMs: END,
      limit: 8,
    })) as StreamsResult & QueryResult;
    const entries = r.streams.flatMap((s) => s.entries).sort((a, b) => b.ts - a.ts);
    expect(entries).toHaveLength(8);
    expect(entries[0].ts).toBe(EVENTS[11].at);
    expect(entries[7].ts).toBe(EVENTS[4].at); // reaches into the .1.gz file
    expect(r.streams.every((s) => s.labels.source === 'application')).toBe(true);
    expect(r.stats.filesRead).toBeGreaterThanOrEqual(1);
    expect(r.stats.bytesScanned).toBeGreaterThan(0);
  });

  // Instant queries at END = T0 + 1h see the window (T0, END]: the event at exactly T0 is excluded.
  it('counts lines by detected level (the benchmark query shape)', async () => {
    const r = (await runQuery(store, {
      query: 'sum by (detected_level) (count_over_time({source="application"} [1h]))',
      startMs: END,
      endMs: END,
      instant: true,
    })) as VectorResult & QueryResult;
    expect(r.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ detected_level: 'error' }, 4],
      [{ detected_level: 'info' }, 7],
    ]);
  });

  it('filters lines and sums unwrapped JSON fields over steps', async () => {
    const count = (await runQuery(store, {
      query: 'sum(count_over_time({source="application"} |= "upstream timeout" [1m]))',
      startMs: T0 + 60_000,
      endMs: T0 + 120_000,
      stepMs: 60_000,
    })) as MatrixResult & QueryResult;
    // Windows (T0, T0+60s] and (T0+60s, T0+120s]: errors at 20 s, 50 s | 80 s, 110 s.
    expect(count.series).toEqual([{ labels: {}, times: [T0 + 60_000, T0 + 120_000], values: [2, 2] }]);

    const sum = (await runQuery(store, {
      query: 'sum(sum_over_time({source="application"} | json | unwrap duration_ms [1h]))',
      startMs: END,
      endMs: END,
      instant: true,
    })) as VectorResult & QueryResult;
    const expected = EVENTS.slice(1).reduce((n, e) => n + e.duration_ms, 0);
    expect(sum.samples[0].value).toBe(expected);
    const json = toLokiResponse(sum) as { data: { result: Array<{ value: [number, string] }> } };
    expect(json.data.result[0].value).toEqual([END / 1000, String(expected)]);
  });
});

describe('malformed-line notices', () => {
  // Two INFO events around two cut-off JSON lines (an INFO and an ERROR, both unparsable).
  const lines = [
    JSON.stringify({ timestamp: iso(T0), level: 'INFO', service: 'kamiwaza.serving', message: 'ok' }),
    `{"timestamp":"${iso(T0 + 1000)}","level":"INFO","message":"cut`,
    `{"timestamp":"${iso(T0 + 2000)}","level":"ERROR","message":"cut`,
    JSON.stringify({ timestamp: iso(T0 + 3000), level: 'ERROR', service: 'kamiwaza.serving', message: 'failed' }),
  ];
  let damaged: string;
  let damagedStore: FileLogStore;
  beforeAll(() => {
    damaged = mkdtempSync(join(tmpdir(), 'logql-malformed-'));
    writeFileSync(join(damaged, 'application.jsonl'), lines.join('\n') + '\n');
    damagedStore = createFileLogStore({ roots: [damaged] });
  });
  afterAll(() => rmSync(damaged, { recursive: true, force: true }));

  const notices = async (query: string, extra: { limit?: number; instant?: boolean } = {}) =>
    (await runQuery(damagedStore, { query, startMs: START, endMs: END, ...extra })).notices.map((n) => n.text);

  it('counts the malformed lines a log query returns, not those it read', async () => {
    expect(await notices('{source="application"}')).toContainEqual(
      expect.stringMatching(/^2 malformed line\(s\) were returned as raw text/)
    );
    // The label filter keeps the ERROR event only: no malformed line is returned.
    expect((await notices('{source="application"} | __error__=""')).join('\n')).not.toMatch(/malformed/);
    // The newest line is well-formed: a limit of 1 returns no malformed line either.
    expect((await notices('{source="application"}', { limit: 1 })).join('\n')).not.toMatch(/malformed/);
  });

  it('says how many malformed lines a metric query read', async () => {
    expect(await notices('sum(count_over_time({source="application"} [1h]))', { instant: true })).toContainEqual(
      expect.stringMatching(/^2 malformed line\(s\) were read in the range/)
    );
  });
});

describe('metric queries over a malformed line', () => {
  // Three lines a second apart: well-formed, cut off mid-string (malformed), well-formed.
  const lines = [
    JSON.stringify({ timestamp: iso(T0), level: 'INFO', service: 'kamiwaza.api', message: 'ok' }),
    `{"timestamp":"${iso(T0 + 1000)}","level":"INFO","service":"kamiwaza.api","message":"cut`,
    JSON.stringify({ timestamp: iso(T0 + 2000), level: 'ERROR', service: 'kamiwaza.api', message: 'failed' }),
  ];
  let damaged: string;
  let damagedStore: FileLogStore;
  beforeAll(() => {
    damaged = mkdtempSync(join(tmpdir(), 'logql-metric-malformed-'));
    writeFileSync(join(damaged, 'application.jsonl'), lines.join('\n') + '\n');
    damagedStore = createFileLogStore({ roots: [damaged] });
  });
  afterAll(() => rmSync(damaged, { recursive: true, force: true }));

  const instant = (query: string) =>
    runQuery(damagedStore, { query, startMs: END, endMs: END, instant: true }) as Promise<VectorResult & QueryResult>;

  it('counts it in a series of its own, flagged, instead of failing the query', async () => {
    const r = await instant('count_over_time({source="application"} [2h])');
    const flagged = r.samples.filter((s) => s.labels.__error__ === 'JSONParserErr');
    const clean = r.samples.filter((s) => s.labels.__error__ === undefined);
    expect(flagged.map((s) => s.value)).toEqual([1]);
    expect(clean.reduce((n, s) => n + s.value, 0)).toBe(2);
  });

  it('still fails, as Loki does, when a parser stage fails on a line', async () => {
    await expect(instant('count_over_time({source="application"} | json [2h])')).rejects.toThrow(
      /pipeline error: 'JSONParserErr'/
    );
    const dropped = await instant('count_over_time({source="application"} | json | __error__="" [2h])');
    expect(dropped.samples.reduce((n, s) => n + s.value, 0)).toBe(2);
  });
});
