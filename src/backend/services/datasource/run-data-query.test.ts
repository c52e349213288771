/**
 * The data source over real files: Grafana queries in, frames out as Grafana's Go decoder reads
 * them. Expected values are derived by hand from the fixture lines below.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { frameToArrow } from '../../protocol/frames/arrow';
import { createHclogLogger } from '../../protocol/logger';
import type { DataQuery, QueryDataRequest, StreamRequest } from '../../protocol/messages';
import { decodeGrafanaFrame } from '../../protocol/testing/grafana-frame';
import { dataSourcePluginContext } from '../../protocol/testing/contexts';
import { createDataSourceService } from './datasource';
import { SERVICE_TEST_ENV } from '../../testing/serviceEnv';

const logger = createHclogLogger({ write: () => undefined });
const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const LINES = [
  { timestamp: at(0), level: 'INFO', service: 'kamiwaza.serving', message: 'deploy started', trace_id: TRACE },
  { timestamp: at(10), level: 'ERROR', service: 'kamiwaza.serving', message: 'deploy failed', trace_id: TRACE },
  { timestamp: at(20), level: 'ERROR', service: 'kamiwaza.api', message: 'request failed' },
  { timestamp: at(30), level: 'WARNING', service: 'kamiwaza.api', message: 'slow request' },
  { timestamp: at(70), level: 'ERROR', service: 'kamiwaza.api', message: 'request failed again' },
];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-engine-'));
beforeAll(() => {
  fs.writeFileSync(path.join(root, 'application.jsonl'), LINES.map((l) => JSON.stringify(l) + '\n').join(''));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const context = (jsonData: unknown) => dataSourcePluginContext(jsonData);

function dataQuery(json: object, range = { from: T0 - 1000, to: T0 + 120_000 }, intervalMS = 1000): DataQuery {
  return {
    refId: 'A',
    queryType: '',
    maxDataPoints: 100,
    intervalMS,
    timeRange: range,
    json: Buffer.from(JSON.stringify(json)),
  };
}

const service = createDataSourceService({ logger, env: SERVICE_TEST_ENV });
const ctx = context({ logDirs: [root], tracesDatasourceUid: 'tempo' });

async function query(json: object, range?: { from: number; to: number }, headers: Record<string, string> = {}) {
  const q = dataQuery(json, range);
  const request: QueryDataRequest = { pluginContext: ctx, headers, queries: [q], format: 'arrow' };
  const response = await service.handlers.query!(q, request, new AbortController().signal);
  return response.frames.map((frame) => decodeGrafanaFrame(frameToArrow(frame)));
}

describe('log queries', () => {
  it('answer a log-lines frame, newest first, with severity and labels (trace links are the browser’s)', async () => {
    const [frame] = await query({ expr: '{source="application"} | level="ERROR"', maxLines: 10 });
    expect(frame.meta).toMatchObject({
      type: 'log-lines',
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      executedQueryString: 'Expr: {source="application"} | level="ERROR"',
      custom: { limit: 10 },
    });
    const field = (name: string) => frame.fields.find((f) => f.name === name)!;
    expect(frame.fields.map((f) => f.name)).toEqual(['timestamp', 'body', 'severity', 'id', 'labels']);
    expect(field('body').values.map((b) => JSON.parse(b as string).message)).toEqual([
      'request failed again',
      'request failed',
      'deploy failed',
    ]);
    expect(field('timestamp').values).toEqual([70, 20, 10].map((s) => BigInt(T0 + s * 1000) * BigInt(1_000_000)));
    expect(field('severity').values).toEqual(['error', 'error', 'error']);
    const labels = JSON.parse(Buffer.from(field('labels').values[2] as Uint8Array).toString('utf8'));
    expect(labels).toMatchObject({
      source: 'application',
      service_name: 'kamiwaza.serving',
      level: 'ERROR',
      trace_id: TRACE,
    });
  });

  it('honour maxLines and report the limit for Explore', async () => {
    const [frame] = await query({ expr: '{source="application"}', maxLines: 2 });
    expect(frame.rows).toBe(2);
    expect(frame.meta).toMatchObject({ custom: { limit: 2 } });
  });

  it('pass line-filter words on for highlighting', async () => {
    const [frame] = await query({ expr: '{source="application"} |= "deploy"' });
    expect(frame.rows).toBe(2);
    expect(frame.meta).toMatchObject({ custom: { searchWords: ['deploy'] } });
  });
});

describe('metric queries', () => {
  it('answer one timeseries-multi frame per series, with the legend as display name', async () => {
    const frames = await query({
      expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [$__auto]))',
      step: '1m',
      legendFormat: '{{service_name}} errors',
    });
    // Windows (t-1m, t] at steps aligned to the minute: 10:00 holds nothing after T0-1s... the
    // step grid is 09:59, 10:00, 10:01, 10:02; errors at +10s, +20s fall in (10:00, 10:01],
    // the one at +70s in (10:01, 10:02].
    const bySeries = Object.fromEntries(
      frames.map((f) => [f.fields[1].labels!.service_name, { name: f.fields[1].config!.displayNameFromDS, f }])
    );
    expect(frames[0].meta).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1] });
    expect(bySeries['kamiwaza.api'].name).toBe('kamiwaza.api errors');
    const points = (service: string) => {
      const f = bySeries[service].f;
      return f.fields[0].values.map((t, i) => [Number((t as bigint) / BigInt(1_000_000)) - T0, f.fields[1].values[i]]);
    };
    expect(points('kamiwaza.api')).toEqual([
      [60_000, 1],
      [120_000, 1],
    ]);
    expect(points('kamiwaza.serving')).toEqual([[60_000, 1]]);
  });

  it('evaluate instant queries at the end of the range (alerting)', async () => {
    const frames = await query({
      expr: 'sum(count_over_time({source="application"} | level="ERROR" [5m]))',
      queryType: 'instant',
    });
    expect(frames).toHaveLength(1);
    expect(frames[0].fields[1].values).toEqual([3]);
    expect(frames[0].fields[0].values).toEqual([BigInt(T0 + 120_000) * BigInt(1_000_000)]);
  });

  it('answer "no data" as one field-less frame that keeps its type', async () => {
    const frames = await query({ expr: 'count_over_time({source="nothing"}[1m])' });
    expect(frames).toHaveLength(1);
    expect(frames[0].fields).toHaveLength(0);
    expect(frames[0].meta).toMatchObject({ type: 'timeseries-multi' });
  });
});

describe('errors', () => {
  it('report LogQL syntax errors as the user’s (400, downstream) with the position', async () => {
    const q = dataQuery({ expr: '{source="application"} |= ' });
    const request: QueryDataRequest = { pluginContext: ctx, headers: {}, queries: [q], format: 'arrow' };
    await expect(service.handlers.query!(q, request, new AbortController().signal)).rejects.toMatchObject({
      status: 400,
      errorSource: 'downstream',
      message: expect.stringMatching(/parse error at line 1, col \d+/),
    });
  });
});

describe('queries that need numbers', () => {
  it('refuse a log query from an alert rule with a clear error, and answer its metric queries', async () => {
    for (const name of ['FromAlert', 'fromalert', 'http_FromAlert']) {
      await expect(
        query({ expr: '{source="application"} | level="ERROR"' }, undefined, { [name]: 'true' })
      ).rejects.toMatchObject({
        status: 400,
        errorSource: 'downstream',
        message: expect.stringMatching(/^alert rules need a metric query, e\.g\. count_over_time\(/),
      });
    }
    const frames = await query(
      { expr: 'sum(count_over_time({source="application"} | level="ERROR" [5m]))', queryType: 'instant' },
      undefined,
      { FromAlert: 'true' }
    );
    expect(frames[0].fields[1].values).toEqual([3]);
  });

  it('refuse a log query asked as an instant query as Loki does', async () => {
    await expect(query({ expr: '{source="application"}', queryType: 'instant' })).rejects.toMatchObject({
      status: 400,
      message: 'log queries are not supported as an instant query type, please change your query to a range query type',
    });
  });
});

describe('frame meta', () => {
  it('puts the executed query on every frame, stats and notices on the first', async () => {
    const frames = await query({ expr: 'count_over_time({source="application"}[1m])', step: '1m' });
    // One series per line: five lines, five label sets.
    expect(frames).toHaveLength(5);
    for (const frame of frames) {
      expect(frame.meta?.executedQueryString).toBe('Expr: count_over_time({source="application"}[1m])\nStep: 60s');
    }
    expect(frames[0].meta?.stats).toBeDefined();
    expect(frames[1].meta?.stats).toBeUndefined();
  });

  it('says when the line limit cut a log query, and not when it did not', async () => {
    const [cut] = await query({ expr: '{source="application"}', maxLines: 2 });
    expect(cut.meta?.notices).toEqual([
      {
        severity: 'info',
        text: 'Showing 2 lines, the line limit: older lines in the range are not shown. Raise the line limit or narrow the query.',
      },
    ]);
    const [whole] = await query({ expr: '{source="application"}', maxLines: 5 + 1 });
    expect(whole.meta?.notices).toBeUndefined();
  });
});

describe('label resources', () => {
  const call = (url: string) =>
    service.handlers.callResource!(
      { pluginContext: ctx, method: 'GET', url, path: url.split('?')[0], headers: {}, body: Buffer.alloc(0) },
      new AbortController().signal
    );
  const range = `start=${BigInt(T0 - 1000) * BigInt(1_000_000)}&end=${BigInt(T0 + 120_000) * BigInt(1_000_000)}`;

  it('list label names and values in Loki’s shape', async () => {
    const names = JSON.parse(String((await call(`labels?${range}`)).body));
    expect(names.status).toBe('success');
    // Stream labels only, as Loki's /labels; metadata fields have values but are not label names.
    expect(names.data).toEqual(['filename', 'service_name', 'source']);
    const levels = JSON.parse(String((await call(`label/level/values?${range}`)).body));
    expect(levels.data).toEqual(['ERROR', 'INFO', 'WARNING']);
    const values = JSON.parse(String((await call(`label/service_name/values?${range}`)).body));
    expect(values.data.sort()).toEqual(['kamiwaza.api', 'kamiwaza.serving']);
  });

  it('refuse a time that is not nanoseconds', async () => {
    await expect(call('labels?start=yesterday')).rejects.toMatchObject({ status: 400 });
  });
});

describe('live tail stream', () => {
  const streamRequest = (data: unknown): StreamRequest => ({
    pluginContext: ctx,
    path: 'tail/abc',
    data: Buffer.from(JSON.stringify(data)),
    headers: {},
  });

  it('accepts log queries and refuses metric queries and missing expressions', async () => {
    expect((await service.handlers.subscribeStream!(streamRequest({ expr: '{source="application"}' }))).status).toBe(
      'OK'
    );
    expect(
      (await service.handlers.subscribeStream!(streamRequest({ expr: 'count_over_time({a="b"}[1m])' }))).status
    ).toBe('NOT_FOUND');
    expect((await service.handlers.subscribeStream!(streamRequest({}))).status).toBe('NOT_FOUND');
  });

  it('sends lines appended after the subscription as JSON log frames', async () => {
    const abort = new AbortController();
    const packets: string[] = [];
    const running = service.handlers.runStream!(
      streamRequest({ expr: '{source="application"} |= "tailed"' }),
      async (data) => {
        packets.push(String(data));
        abort.abort();
      },
      abort.signal
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const line = { timestamp: at(200), level: 'INFO', service: 'kamiwaza.api', message: 'tailed line' };
    fs.appendFileSync(path.join(root, 'application.jsonl'), JSON.stringify(line) + '\n');
    await running;
    expect(packets).toHaveLength(1);
    const frame = JSON.parse(packets[0]);
    expect(frame.schema.meta.type).toBe('log-lines');
    const body = frame.schema.fields.findIndex((f: { name: string }) => f.name === 'body');
    expect(frame.data.values[body]).toEqual([JSON.stringify(line)]);
  }, 10_000);
});
