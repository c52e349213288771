import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { status as GrpcStatus, type Server } from '@grpc/grpc-js';

import { PluginError, type PluginHandlers } from './handlers';
import { bindListener } from './handshake';
import { createHclogLogger } from './logger';
import { createPluginServer } from './server';
import { connectPlugin, dataSourceContext, type PluginClient, readAll } from './testing/client';
import { decodeGrafanaFrame } from './testing/grafana-frame';

/** The in-process server proves the paths the shipped data source has no way to trigger. */
describe('plugin gRPC server (in process)', () => {
  let server: Server;
  let client: PluginClient;
  let socketDir: string;
  const logLines: string[] = [];
  let shutdownCalls = 0;

  async function start(handlers: PluginHandlers) {
    const logger = createHclogLogger({ write: (line) => logLines.push(line) });
    server = createPluginServer({ handlers, logger, onShutdown: () => shutdownCalls++ });
    const listen = await bindListener(server, { PLUGIN_UNIX_SOCKET_DIR: socketDir });
    client = connectPlugin(listen.network, listen.address);
  }

  beforeEach(() => {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-test-'));
    logLines.length = 0;
  });

  afterEach(() => {
    client?.close();
    server?.forceShutdown();
    fs.rmSync(socketDir, { recursive: true, force: true });
  });

  const query = (refId: string, json: unknown = {}) => ({
    refId,
    maxDataPoints: '100',
    intervalMS: '1000',
    timeRange: { fromEpochMS: '1700000000000', toEpochMS: '1700000600000' },
    json: Buffer.from(JSON.stringify(json)),
  });

  it('isolates a throwing query: that refId gets status 500, the others answer', async () => {
    await start({
      async query(q) {
        if (q.refId === 'B') {
          throw new Error('engine exploded');
        }
        if (q.refId === 'C') {
          throw new PluginError('bad LogQL', 400, 'downstream');
        }
        return { frames: [{ fields: [{ name: 'value', type: 'number', values: [q.timeRange.from] }] }] };
      },
    });
    const reply = await client.call('Data', 'QueryData', {
      pluginContext: dataSourceContext({}),
      queries: [query('A'), query('B'), query('C')],
    });
    const responses = reply.responses as Record<
      string,
      { frames: Buffer[]; error: string; status: number; errorSource: string }
    >;
    expect(responses.A.status).toBe(200);
    expect(responses.A.error).toBe('');
    const frame = decodeGrafanaFrame(responses.A.frames[0]);
    expect(frame.refId).toBe('A');
    expect(frame.fields[0].values).toEqual([1700000000000]);
    expect(responses.B).toMatchObject({ status: 500, error: 'engine exploded', errorSource: 'plugin', frames: [] });
    expect(responses.C).toMatchObject({ status: 400, error: 'bad LogQL', errorSource: 'downstream' });
    expect(logLines.some((line) => JSON.parse(line)['@message'] === 'query failed')).toBe(true);

    // still serving
    await expect(client.call('Health', 'Check', { service: 'plugin' })).resolves.toEqual({ status: 1 });
  });

  it('turns an unencodable frame into a per-refId error', async () => {
    await start({
      async query() {
        return { frames: [{ fields: [{ name: 'body', type: 'string', values: [null], nullable: false }] }] };
      },
    });
    const reply = await client.call('Data', 'QueryData', {
      pluginContext: dataSourceContext({}),
      queries: [query('A')],
    });
    expect((reply.responses as Record<string, { status: number; error: string }>).A).toMatchObject({
      status: 500,
      error: expect.stringMatching(/non-nullable/),
    });
  });

  it('passes the full plugin context and request fields to handlers', async () => {
    const seen: unknown[] = [];
    await start({
      async query(q, request) {
        seen.push(q, request);
        return { frames: [] };
      },
    });
    await client.call('Data', 'QueryData', {
      pluginContext: {
        ...dataSourceContext({ logDirs: ['/x'] }),
        appInstanceSettings: {
          jsonData: Buffer.from('{"a":1}'),
          decryptedSecureJsonData: { token: 's' },
          lastUpdatedMS: '1700000000001',
          apiVersion: 'v1',
        },
        apiVersion: 'v0alpha1',
        namespace: 'default',
      },
      headers: { 'http_X-Dashboard-Uid': 'd1', FromAlert: 'true' },
      format: 1,
      queries: [{ ...query('Q', { expr: '{a="b"}' }), queryType: 'range' }],
    });
    const [q, request] = seen as [Record<string, unknown>, Record<string, unknown>];
    expect(q).toEqual({
      refId: 'Q',
      queryType: 'range',
      maxDataPoints: 100,
      intervalMS: 1000,
      timeRange: { from: 1700000000000, to: 1700000600000 },
      json: Buffer.from('{"expr":"{a=\\"b\\"}"}'),
    });
    expect(request.headers).toEqual({ 'http_X-Dashboard-Uid': 'd1', FromAlert: 'true' });
    expect(request.format).toBe('json');
    expect(request.pluginContext).toEqual({
      orgId: 1,
      pluginId: 'kamiwaza-logs-datasource',
      user: { login: 'admin', name: 'Admin', email: 'admin@example.com', role: 'Admin' },
      appInstanceSettings: {
        jsonData: Buffer.from('{"a":1}'),
        decryptedSecureJsonData: { token: 's' },
        lastUpdatedMS: 1700000000001,
        apiVersion: 'v1',
      },
      dataSourceInstanceSettings: {
        id: 7,
        uid: 'ds-uid',
        name: 'Kamiwaza Logs',
        url: '',
        user: '',
        database: '',
        basicAuthEnabled: false,
        basicAuthUser: '',
        jsonData: Buffer.from('{"logDirs":["/x"]}'),
        decryptedSecureJsonData: {},
        lastUpdatedMS: 1700000000000,
        apiVersion: '',
      },
      grafanaConfig: { GF_APP_URL: 'http://localhost:3000/' },
      pluginVersion: '0.1.0',
      userAgent: 'Grafana/12.4.0',
      apiVersion: 'v0alpha1',
      namespace: 'default',
    });
  });

  it('accepts requests larger than grpc-js’s 4 MiB default', async () => {
    await start({
      query: async (q) => ({ frames: [{ fields: [{ name: 'size', type: 'number', values: [q.json.length] }] }] }),
    });
    const big = { expr: 'x'.repeat(6 * 1024 * 1024) };
    const reply = await client.call('Data', 'QueryData', {
      pluginContext: dataSourceContext({}),
      queries: [query('A', big)],
    });
    const frame = decodeGrafanaFrame((reply.responses as Record<string, { frames: Buffer[] }>).A.frames[0]);
    expect(frame.fields[0].values[0]).toBeGreaterThan(6 * 1024 * 1024);
  });

  it('answers a throwing resource handler with a 500 JSON response', async () => {
    await start({
      async callResource() {
        throw new Error('kaput');
      },
    });
    const messages = await readAll(
      client.stream('Resource', 'CallResource', {
        pluginContext: dataSourceContext({}),
        path: 'x',
        method: 'GET',
        url: 'x',
      })
    );
    expect(messages).toHaveLength(1);
    expect(messages[0].code).toBe(500);
    expect(messages[0].headers).toEqual({ 'Content-Type': { values: ['application/json'] } });
    expect(JSON.parse(String(messages[0].body))).toEqual({ message: 'kaput' });
  });

  it('streams a resource body chunk by chunk, status and headers on the first message only', async () => {
    await start({
      async callResource() {
        async function* body() {
          yield '{"a":';
          yield Buffer.from('1}');
        }
        return { status: 201, headers: { 'Content-Type': 'application/json' }, body: body() };
      },
    });
    const messages = await readAll(
      client.stream('Resource', 'CallResource', {
        pluginContext: dataSourceContext({}),
        path: '',
        method: 'POST',
        url: '',
      })
    );
    expect(messages.map((m) => [m.code, Object.keys(m.headers as object).length, String(m.body)])).toEqual([
      [201, 1, '{"a":'],
      [0, 0, '1}'],
    ]);
  });

  it('answers a clean gRPC status when a unary handler throws, and keeps serving', async () => {
    await start({
      async checkHealth() {
        throw new Error('health exploded');
      },
      async subscribeStream() {
        throw new PluginError('nope', 403);
      },
      async runStream() {
        throw new PluginError('no such stream', 404);
      },
    });
    await expect(
      client.call('Diagnostics', 'CheckHealth', { pluginContext: dataSourceContext({}) })
    ).rejects.toMatchObject({
      code: GrpcStatus.UNKNOWN,
      details: 'health exploded',
    });
    await expect(client.call('Stream', 'SubscribeStream', { path: 'x' })).rejects.toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
    });
    await expect(readAll(client.stream('Stream', 'RunStream', { path: 'x' }))).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
    await expect(client.call('Health', 'Check', { service: '' })).resolves.toEqual({ status: 1 });
  });

  it('answers UNIMPLEMENTED for calls without a handler', async () => {
    await start({});
    await expect(client.call('Diagnostics', 'CheckHealth', {})).rejects.toMatchObject({
      code: GrpcStatus.UNIMPLEMENTED,
    });
    await expect(client.call('Stream', 'PublishStream', {})).rejects.toMatchObject({ code: GrpcStatus.UNIMPLEMENTED });
    const reply = await client.call('Data', 'QueryData', { queries: [query('A')] });
    expect((reply.responses as Record<string, { status: number }>).A.status).toBe(501);
  });

  it('sends Live packets from RunStream until the subscriber cancels', async () => {
    let aborted = false;
    await start({
      async runStream(_request, send, signal) {
        for (let i = 0; !signal.aborted; i++) {
          await send(JSON.stringify({ i }));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        aborted = true;
      },
    });
    const stream = client.stream('Stream', 'RunStream', { path: 'tail/x' });
    const packets: unknown[] = [];
    await new Promise<void>((resolve) => {
      stream.on('data', (packet: { data: Buffer }) => {
        packets.push(JSON.parse(packet.data.toString()));
        if (packets.length === 3) {
          stream.cancel();
          resolve();
        }
      });
      stream.on('error', () => undefined);
    });
    expect(packets).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    await waitFor(() => aborted);
  });

  it('serves process metrics and per-method request counters in Prometheus text format', async () => {
    await start({ collectMetrics: () => 'kamiwaza_extra 1\n', query: async () => ({ frames: [] }) });
    await client.call('Data', 'QueryData', { queries: [query('A')] });
    const reply = await client.call('Diagnostics', 'CollectMetrics', {});
    const text = String((reply.metrics as { prometheus: Buffer }).prometheus);
    for (const name of [
      'process_resident_memory_bytes',
      'process_heap_bytes',
      'process_cpu_seconds_total',
      'process_start_time_seconds',
      'process_open_fds',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} [0-9.e+]+$`, 'm'));
    }
    expect(text).toMatch(/^grpc_server_handled_total\{grpc_method="QueryData",grpc_code="OK"\} 1$/m);
    expect(text).toMatch(/^grpc_server_handling_seconds_count\{grpc_method="QueryData"\} 1$/m);
    expect(text).toMatch(/^grpc_server_handling_seconds_bucket\{grpc_method="QueryData",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^kamiwaza_extra 1$/m);
  });

  it('replies to Shutdown before asking the process to stop', async () => {
    shutdownCalls = 0;
    await start({});
    await expect(client.call('GRPCController', 'Shutdown', {})).resolves.toEqual({});
    expect(shutdownCalls).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
