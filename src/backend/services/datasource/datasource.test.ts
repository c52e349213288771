import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createHclogLogger } from '../../protocol/logger';
import type { DataQuery, PluginContext, QueryDataRequest, StreamRequest } from '../../protocol/messages';
import { dataSourcePluginContext } from '../../protocol/testing/contexts';
import { createDataSourceService } from './datasource';

const logger = createHclogLogger({ write: () => undefined });

const context = (jsonData: unknown, lastUpdatedMS = 1) => dataSourcePluginContext(jsonData, { lastUpdatedMS });

function dataQuery(json: unknown, refId = 'A'): DataQuery {
  return {
    refId,
    queryType: '',
    maxDataPoints: 100,
    intervalMS: 1000,
    timeRange: { from: 0, to: 1 },
    json: Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
  };
}

describe('Kamiwaza Logs data source service', () => {
  let root: string;
  let indexCache: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-'));
    indexCache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-index-'));
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a', 'b', 'old.log'), 'x');
    fs.writeFileSync(path.join(root, 'new.log'), 'y');
    fs.utimesSync(path.join(root, 'a', 'b', 'old.log'), new Date(1_000_000), new Date(1_000_000));
    fs.utimesSync(path.join(root, 'new.log'), new Date(2_000_000), new Date(2_000_000));
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(indexCache, { recursive: true, force: true });
  });

  const service = () => createDataSourceService({ logger, env: { KAMIWAZA_LOGS_INDEX_DIR: indexCache } });
  const request = (ctx: PluginContext, queries: DataQuery[]): QueryDataRequest => ({
    pluginContext: ctx,
    headers: {},
    queries,
    format: 'arrow',
  });

  it('rejects undecodable or ill-typed query JSON with status 400', async () => {
    const ctx = context({ logDirs: [root] });
    const { handlers } = service();
    for (const [json, message] of [
      ['{"expr": ', /not valid JSON/],
      ['[]', /JSON object/],
      [{ expr: 5 }, /expr must be a string/],
      [{ expr: '', queryType: 'sideways' }, /unknown queryType/],
    ] as const) {
      const q = dataQuery(json);
      await expect(handlers.query!(q, request(ctx, [q]), new AbortController().signal)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });

  it('reports health OK with per-directory details when one directory is readable', async () => {
    const missing = path.join(root, 'missing');
    const result = await service().handlers.checkHealth!({
      pluginContext: context({ logDirs: [root, missing] }),
      headers: {},
    });
    expect(result.status).toBe('OK');
    expect(result.message).toContain(root);
    expect(result.message).toContain(`saved in ${indexCache}`);
    expect(result.jsonDetails).toEqual({
      logDirs: [
        { path: root, readable: true },
        { path: missing, readable: false, error: 'does not exist' },
      ],
      index: expect.objectContaining({ cacheDir: indexCache, failed: [] }),
    });
  });

  it('reports health ERROR when no directory is readable, and for broken settings', async () => {
    const file = path.join(root, 'new.log');
    const result = await service().handlers.checkHealth!({ pluginContext: context({ logDirs: [file] }), headers: {} });
    expect(result.status).toBe('ERROR');
    expect(result.message).toMatch(/No readable log directory: .*new\.log \(not a directory\)/);
    const broken = context({});
    broken.dataSourceInstanceSettings!.jsonData = Buffer.from('not json');
    expect(await service().handlers.checkHealth!({ pluginContext: broken, headers: {} })).toMatchObject({
      status: 'ERROR',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('rebuilds the instance when the data source is saved with other directories', async () => {
    const { handlers } = service();
    const before = await handlers.checkHealth!({ pluginContext: context({ logDirs: [root] }, 1), headers: {} });
    const after = await handlers.checkHealth!({
      pluginContext: context({ logDirs: [path.join(root, 'a')] }, 2),
      headers: {},
    });
    expect(before.jsonDetails).toMatchObject({ logDirs: [{ path: root, readable: true }] });
    expect(after.jsonDetails).toMatchObject({ logDirs: [{ path: path.join(root, 'a'), readable: true }] });
  });

  it('routes resources: GET health, 404 for unknown paths, 405 for other methods, params from patterns', async () => {
    const ds = service();
    const ctx = context({ logDirs: [root] });
    const call = (method: string, url: string) =>
      ds.handlers.callResource!(
        { pluginContext: ctx, method, url, path: url.split('?')[0], headers: {}, body: Buffer.alloc(0) },
        new AbortController().signal
      );
    const health = await call('GET', 'health');
    expect(health.status).toBe(200);
    expect(JSON.parse(String(health.body))).toMatchObject({
      status: 'OK',
      details: { logDirs: [{ path: root, readable: true }] },
    });
    expect((await call('GET', 'nope')).status).toBe(404);
    expect((await call('POST', 'health')).status).toBe(405);

    ds.resources.add('GET', 'echo/:name/values', async ({ params, query }) => ({
      status: 200,
      body: `${params.name}:${query.get('start')}`,
    }));
    expect((await call('GET', 'echo/service%20name/values?start=5')).body).toBe('service name:5');
  });

  it('routes streams by path prefix and answers NOT_FOUND for unknown paths', async () => {
    const ds = service();
    const ctx = context({ logDirs: [root] });
    const stream = (path: string): StreamRequest => ({ pluginContext: ctx, path, data: Buffer.alloc(0), headers: {} });
    expect(await ds.handlers.subscribeStream!(stream('echo/abc'))).toEqual({ status: 'NOT_FOUND' });
    expect(await ds.handlers.publishStream!(stream('echo/abc'))).toEqual({ status: 'NOT_FOUND' });
    await expect(
      ds.handlers.runStream!(stream('echo/abc'), async () => undefined, new AbortController().signal)
    ).rejects.toMatchObject({ status: 404 });

    const sent: string[] = [];
    ds.streams.register('echo', {
      subscribe: async ({ subPath }) => ({ status: 'OK', data: JSON.stringify({ subPath }) }),
      run: async ({ subPath }, send) => send(subPath),
    });
    expect(await ds.handlers.subscribeStream!(stream('echo/abc/def'))).toEqual({
      status: 'OK',
      data: '{"subPath":"abc/def"}',
    });
    expect(await ds.handlers.publishStream!(stream('echo/abc'))).toEqual({ status: 'PERMISSION_DENIED' });
    await ds.handlers.runStream!(
      stream('echo/xyz'),
      async (data) => void sent.push(String(data)),
      new AbortController().signal
    );
    expect(sent).toEqual(['xyz']);
    expect(await ds.handlers.subscribeStream!(stream('echoes'))).toEqual({ status: 'NOT_FOUND' });
  });

  it('refuses calls without a data source instance in the context', async () => {
    const ctx = { ...context({}), dataSourceInstanceSettings: undefined };
    const q = dataQuery({});
    await expect(service().handlers.query!(q, request(ctx, [q]), new AbortController().signal)).rejects.toMatchObject({
      status: 400,
    });
  });
});
