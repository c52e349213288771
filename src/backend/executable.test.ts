/**
 * End-to-end tests of the BUILT executable (dist/datasource), started as Grafana starts it.
 * They fail (never skip) when the build is missing: run `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { status as GrpcStatus } from '@grpc/grpc-js';

import { generateSample, SAMPLE_END_MS, sampleErrorsByService } from './testing/sample';
import { connectPlugin, dataSourceContext, type PluginClient, readAll } from './protocol/testing/client';
import { decodeGrafanaFrame } from './protocol/testing/grafana-frame';
import {
  grafanaEnv,
  hostExecutable,
  processAlive,
  startPlugin,
  type StartedPlugin,
  stopPlugin,
} from './protocol/testing/spawn';

jest.setTimeout(30000);

/** RFC 3339 UTC with any fraction → epoch nanoseconds, exactly. */
function isoToNanos(iso: string): bigint {
  const [, whole, fraction = ''] = /^(.*?:\d\d)(?:\.(\d+))?Z$/.exec(iso)!;
  return BigInt(Date.parse(`${whole}Z`)) * BigInt(1_000_000) + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

const executable = hostExecutable();

describe('built plugin executable', () => {
  let logDir: string;
  let grafanaCwd: string;
  let socketDir: string;
  const running: StartedPlugin[] = [];

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamiwaza-logs-'));
    await generateSample(logDir);
    grafanaCwd = fs.mkdtempSync(path.join(os.tmpdir(), 'grafana-home-'));
    // Grafana's cwd must not feed the compiled executable a .env or bunfig.toml (either would break it).
    fs.writeFileSync(path.join(grafanaCwd, '.env'), 'PLUGIN_UNIX_SOCKET_DIR=/nonexistent-dotenv-dir\n');
    fs.writeFileSync(path.join(grafanaCwd, 'bunfig.toml'), 'preload = ["./missing-preload.ts"]\n');
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-sockets-'));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map(stopPlugin));
  });

  afterAll(() => {
    for (const dir of [logDir, grafanaCwd, socketDir]) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  async function start(env = grafanaEnv({ PATH: process.env.PATH, PLUGIN_UNIX_SOCKET_DIR: socketDir })) {
    const plugin = await startPlugin({ env, cwd: grafanaCwd });
    running.push(plugin);
    return plugin;
  }

  function connect(plugin: StartedPlugin): PluginClient {
    return connectPlugin(plugin.handshake.network, plugin.handshake.address);
  }

  it('prints exactly one go-plugin handshake line after binding a Unix socket', async () => {
    const plugin = await start();
    const { core, app, network, address, protocol, rest } = plugin.handshake;
    expect([core, app, network, protocol]).toEqual(['1', '2', 'unix', 'grpc']);
    expect(path.isAbsolute(address)).toBe(true);
    expect(path.dirname(address)).toBe(socketDir);
    expect(fs.statSync(address).isSocket()).toBe(true);
    expect(plugin.stdout()).toMatch(/^1\|2\|unix\|\/[^|\n]+\|grpc\|\n$/);
    expect(rest).toBe('');
    // stderr carries hclog JSON only
    for (const line of plugin.stderr().split('\n').filter(Boolean)) {
      const entry = JSON.parse(line);
      expect(typeof entry['@level']).toBe('string');
      expect(entry['@timestamp']).toMatch(/\.\d{6}Z$/);
    }
  });

  it('starts with no PATH at all, from Grafana’s working directory, using the temp dir', async () => {
    const plugin = await start(grafanaEnv());
    expect(plugin.handshake.network).toBe('unix');
    expect(path.dirname(plugin.handshake.address)).toBe(path.resolve(os.tmpdir()));
    const client = connect(plugin);
    await expect(client.call('Health', 'Check', { service: 'plugin' })).resolves.toEqual({ status: 1 });
    client.close();
  });

  it('refuses to run without the magic cookie: message on stderr, nothing on stdout, exit 1', () => {
    for (const env of [{}, { grafana_plugin_type: 'panel', PLUGIN_PROTOCOL_VERSIONS: '2' }]) {
      const result = spawnSync(executable, [], { env, cwd: grafanaCwd, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/Grafana backend plugin/);
    }
  });

  it('refuses a host that does not offer protocol version 2', () => {
    const result = spawnSync(executable, [], {
      env: grafanaEnv({ PLUGIN_PROTOCOL_VERSIONS: '1,3' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/version/);
  });

  it('answers every service', async () => {
    const plugin = await start();
    const client = connect(plugin);
    const pluginContext = dataSourceContext({ logDirs: [logDir] });

    await expect(client.call('Health', 'Check', { service: 'plugin' })).resolves.toEqual({ status: 1 });
    await expect(client.call('Health', 'Check', { service: '' })).resolves.toEqual({ status: 1 });

    const health = await client.call('Diagnostics', 'CheckHealth', { pluginContext });
    expect(health.status).toBe(1);
    const details = JSON.parse(String(health.jsonDetails));
    expect(details.logDirs).toEqual([{ path: logDir, readable: true }]);
    // Every file of the sample seen by the index, none failed; the message says so on its second line.
    const files = fs.readdirSync(logDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(details.index).toMatchObject({ files: files.length, failed: [] });
    expect(health.message).toMatch(/^Reading logs from .*\.\nIndex: /);

    const badHealth = await client.call('Diagnostics', 'CheckHealth', {
      pluginContext: dataSourceContext({ logDirs: [path.join(logDir, 'missing')] }, { uid: 'other' }),
    });
    expect(badHealth.status).toBe(2);
    expect(badHealth.message).toMatch(/No readable log directory/);

    // A log query and a metric query over the generated sample; expectations come from the raw file.
    const window = { fromEpochMS: String(SAMPLE_END_MS - 6 * 3_600_000), toEpochMS: String(SAMPLE_END_MS) };
    const reply = await client.call('Data', 'QueryData', {
      pluginContext,
      queries: [
        {
          refId: 'A',
          maxDataPoints: '1000',
          intervalMS: '1000',
          timeRange: window,
          json: Buffer.from(
            JSON.stringify({ refId: 'A', expr: '{source="application"} | level="ERROR"', maxLines: 5 })
          ),
        },
        {
          refId: 'B',
          maxDataPoints: '1000',
          intervalMS: '60000',
          timeRange: window,
          json: Buffer.from(
            JSON.stringify({
              refId: 'B',
              expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [6h]))',
              queryType: 'instant',
            })
          ),
        },
      ],
    });
    const responses = reply.responses as Record<string, { frames: Buffer[]; status: number; error: string }>;
    expect([responses.A.status, responses.A.error, responses.B.status, responses.B.error]).toEqual([200, '', 200, '']);
    const frame = decodeGrafanaFrame(responses.A.frames[0]);
    expect(frame.refId).toBe('A');
    expect(frame.meta).toMatchObject({ type: 'log-lines', typeVersion: [0, 0], preferredVisualisationType: 'logs' });
    expect(typeof frame.meta?.executedQueryString).toBe('string');
    const [timestamp, body] = frame.fields;
    expect([timestamp.name, timestamp.arrowType, timestamp.nullable]).toEqual([
      'timestamp',
      'Timestamp<NANOSECOND>',
      false,
    ]);
    expect([body.name, body.arrowType, body.nullable]).toEqual(['body', 'Utf8', false]);
    expect(frame.rows).toBe(5);
    for (let row = 0; row < frame.rows; row++) {
      const record = JSON.parse(body.values[row] as string);
      expect(record.level).toBe('ERROR');
      expect(timestamp.values[row]).toBe(isoToNanos(record.timestamp));
    }
    const expected = sampleErrorsByService(logDir, SAMPLE_END_MS - 6 * 3_600_000, SAMPLE_END_MS);
    const series = responses.B.frames.map((bytes) => decodeGrafanaFrame(bytes));
    const counted = Object.fromEntries(series.map((f) => [f.fields[1].labels!.service_name, f.fields[1].values[0]]));
    expect(counted).toEqual(expected);

    const resource = await readAll(
      client.stream('Resource', 'CallResource', { pluginContext, path: 'health', method: 'GET', url: 'health' })
    );
    expect(resource[0].code).toBe(200);
    expect((resource[0].headers as Record<string, { values: string[] }>)['Content-Type'].values).toEqual([
      'application/json',
    ]);
    expect(JSON.parse(resource.map((m) => String(m.body)).join(''))).toMatchObject({ status: 'OK' });

    const missing = await readAll(
      client.stream('Resource', 'CallResource', { pluginContext, path: 'nope/x', method: 'GET', url: 'nope/x?a=1' })
    );
    expect(missing[0].code).toBe(404);
    expect(JSON.parse(String(missing[0].body)).message).toMatch(/nope\/x/);

    await expect(
      client.call('Stream', 'SubscribeStream', { pluginContext, path: 'unknown/path' })
    ).resolves.toMatchObject({ status: 1 });
    await expect(
      client.call('Stream', 'PublishStream', { pluginContext, path: 'unknown/path', data: Buffer.from('{}') })
    ).resolves.toMatchObject({
      status: 1,
    });
    await expect(
      readAll(client.stream('Stream', 'RunStream', { pluginContext, path: 'unknown/path' }))
    ).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });

    const metrics = String(
      ((await client.call('Diagnostics', 'CollectMetrics', { pluginContext })).metrics as { prometheus: Buffer })
        .prometheus
    );
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(metrics).toMatch(/^process_open_fds \d+$/m);
    expect(metrics).toMatch(/^grpc_server_handled_total\{grpc_method="QueryData",grpc_code="OK"\} 1$/m);
    expect(metrics).toMatch(/^grpc_server_handled_total\{grpc_method="CheckHealth",grpc_code="OK"\} 2$/m);
    client.close();
  });

  it('live-tails new lines over RunStream as JSON log frames', async () => {
    const plugin = await start();
    const client = connect(plugin);
    const pluginContext = dataSourceContext({ logDirs: [logDir] });
    const data = Buffer.from(JSON.stringify({ expr: '{source="application"} |= "tail-probe"' }));
    await expect(
      client.call('Stream', 'SubscribeStream', { pluginContext, path: 'tail/probe', data })
    ).resolves.toMatchObject({
      status: 0,
    });
    const stream = client.stream('Stream', 'RunStream', { pluginContext, path: 'tail/probe', data });
    const firstPacket = new Promise<string>((resolve, reject) => {
      stream.on('data', (packet: { data: Buffer }) => resolve(String(packet.data)));
      stream.on('error', reject);
    });
    // The tail starts at the end of the file: append only once it is following.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const line = JSON.stringify({
      timestamp: new Date().toISOString(),
      level: 'INFO',
      service: 'kamiwaza.api',
      message: 'tail-probe',
    });
    fs.appendFileSync(path.join(logDir, 'application.jsonl'), `${line}\n`);
    const frame = JSON.parse(await firstPacket);
    stream.cancel();
    const bodyIndex = frame.schema.fields.findIndex((field: { name: string }) => field.name === 'body');
    expect(frame.schema.meta.type).toBe('log-lines');
    expect(frame.data.values[bodyIndex]).toEqual([line]);
    client.close();
  });

  it('answers an undecodable query with a per-refId error while the other refIds and later calls succeed', async () => {
    const plugin = await start();
    const client = connect(plugin);
    const pluginContext = dataSourceContext({ logDirs: [logDir] });
    const query = (refId: string, json: Buffer) => ({
      refId,
      timeRange: { fromEpochMS: String(SAMPLE_END_MS - 3_600_000), toEpochMS: String(SAMPLE_END_MS) },
      json,
    });
    const reply = await client.call('Data', 'QueryData', {
      pluginContext,
      queries: [
        query('BAD', Buffer.from('{"expr": ')),
        query('SYNTAX', Buffer.from(JSON.stringify({ expr: 'sum(' }))),
        query('GOOD', Buffer.from(JSON.stringify({ expr: '{source="application"}', maxLines: 2 }))),
      ],
    });
    const responses = reply.responses as Record<string, { status: number; error: string; frames: Buffer[] }>;
    expect(responses.BAD.status).toBe(400);
    expect(responses.BAD.error).toMatch(/not valid JSON/);
    expect(responses.SYNTAX.status).toBe(400);
    expect(responses.SYNTAX.error).toMatch(/parse error at line 1, col \d+/);
    expect(responses.GOOD.status).toBe(200);
    expect(decodeGrafanaFrame(responses.GOOD.frames[0]).rows).toBe(2);
    await expect(client.call('Health', 'Check', { service: 'plugin' })).resolves.toEqual({ status: 1 });
    client.close();
  });

  it('exits within 500 ms of Shutdown and removes its socket', async () => {
    const plugin = await start();
    const client = connect(plugin);
    await client.call('Health', 'Check', {});
    const asked = performance.now();
    await expect(client.call('GRPCController', 'Shutdown', {})).resolves.toEqual({});
    const { code } = await plugin.exited;
    expect(performance.now() - asked).toBeLessThan(500);
    expect(code).toBe(0);
    expect(fs.existsSync(plugin.handshake.address)).toBe(false);
    client.close();
  });

  it('ignores SIGINT like Go plugins and exits cleanly on SIGTERM', async () => {
    const plugin = await start();
    const client = connect(plugin);
    plugin.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.call('Health', 'Check', {})).resolves.toEqual({ status: 1 });
    plugin.child.kill('SIGTERM');
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(plugin.handshake.address)).toBe(false);
    client.close();
  });

  it('keeps serving when a piped stdin closes while Grafana is still alive', async () => {
    const plugin = await start();
    plugin.child.stdin!.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = connect(plugin);
    await expect(client.call('Health', 'Check', {})).resolves.toEqual({ status: 1 });
    client.close();
  });

  it('exits when its parent (Grafana) dies, even with a /dev/null stdin', async () => {
    // An intermediate shell plays Grafana: it starts the plugin and waits; then it is killed.
    const parent = spawn('/bin/sh', ['-c', '"$0" </dev/null & echo "$!" >&2; wait', executable], {
      env: grafanaEnv({ PLUGIN_UNIX_SOCKET_DIR: socketDir }),
      cwd: grafanaCwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = await new Promise<number>((resolve) =>
      parent.stderr!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())))
    );
    await new Promise<void>((resolve) => parent.stdout!.once('data', () => resolve()));
    expect(processAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (processAlive(pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const alive = processAlive(pid);
    if (alive) {
      process.kill(pid, 'SIGKILL');
    }
    expect(alive).toBe(false);
  });
});
