/**
 * Crash safety of the BUILT executable, as Grafana sees it: a handler that throws answers an
 * error and the process keeps serving; a process killed in the middle of a query is replaced by a
 * fresh one (Grafana's watchdog spawns it again) that answers the same query.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { connectPlugin, dataSourceContext, readAll } from '../protocol/testing/client';
import { decodeGrafanaFrame } from '../protocol/testing/grafana-frame';
import { grafanaEnv, processAlive, startPlugin, type StartedPlugin } from '../protocol/testing/spawn';
import { generateSample, SAMPLE_END_MS, sampleErrorsByService } from '../testing/sample';

jest.setTimeout(60_000);

const WINDOW_MS = 6 * 3_600_000;

describe('crash safety of the built executable', () => {
  let logDir: string;
  const running: StartedPlugin[] = [];

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
    await generateSample(logDir);
  });
  afterEach(async () => {
    for (const plugin of running.splice(0)) {
      plugin.child.kill('SIGKILL');
      await plugin.exited;
    }
  });
  afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

  async function start() {
    const plugin = await startPlugin({ env: grafanaEnv({ GF_PLUGIN_LOG_LEVEL: 'warn' }) });
    running.push(plugin);
    return { plugin, client: connectPlugin(plugin.handshake.network, plugin.handshake.address) };
  }

  const errorsByService = (from: number, to: number) => ({
    refId: 'E',
    maxDataPoints: '100',
    intervalMS: '60000',
    timeRange: { fromEpochMS: String(from), toEpochMS: String(to) },
    json: Buffer.from(
      JSON.stringify({
        refId: 'E',
        expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [6h]))',
        queryType: 'instant',
      })
    ),
  });

  function counts(reply: Record<string, unknown>): Record<string, unknown> {
    const response = (reply.responses as Record<string, { frames: Buffer[]; error: string }>).E;
    expect(response.error).toBe('');
    return Object.fromEntries(
      response.frames.map((bytes) => {
        const frame = decodeGrafanaFrame(bytes);
        return [frame.fields[1].labels!.service_name, frame.fields[1].values[0]];
      })
    );
  }

  it('a throwing handler answers an error and the process keeps serving', async () => {
    const { plugin, client } = await start();
    const pluginContext = dataSourceContext({ logDirs: [logDir] });
    // The engine throws on a range that ends before it starts: an error response for that refId.
    const backwards = await client.call('Data', 'QueryData', {
      pluginContext,
      queries: [errorsByService(SAMPLE_END_MS, SAMPLE_END_MS - WINDOW_MS)],
    });
    const failed = (backwards.responses as Record<string, { error: string; status: number }>).E;
    expect(failed.error).not.toBe('');
    expect(failed.status).toBeGreaterThanOrEqual(400);
    // A stream handler that throws: an error status for that stream only.
    await expect(
      readAll(
        client.stream('Stream', 'RunStream', { pluginContext, path: 'tail/x', data: Buffer.from('{"expr": "{"}') })
      )
    ).rejects.toMatchObject({ code: expect.any(Number) });
    // Settings that cannot be parsed: every call answers an error, none kills the process.
    const broken = dataSourceContext({}, { uid: 'broken' });
    (broken.dataSourceInstanceSettings as { jsonData: Buffer }).jsonData = Buffer.from('{"logDirs": [');
    const resource = await readAll(
      client.stream('Resource', 'CallResource', { pluginContext: broken, path: 'labels', method: 'GET', url: 'labels' })
    );
    expect(resource[0].code).toBe(400);

    const reply = await client.call('Data', 'QueryData', {
      pluginContext,
      queries: [errorsByService(SAMPLE_END_MS - WINDOW_MS, SAMPLE_END_MS)],
    });
    expect(counts(reply)).toEqual(sampleErrorsByService(logDir, SAMPLE_END_MS - WINDOW_MS, SAMPLE_END_MS));
    expect(processAlive(plugin.child.pid!)).toBe(true);
    client.close();
  });

  it('a process killed mid-query is replaced by a fresh one that answers', async () => {
    const first = await start();
    const pluginContext = dataSourceContext({ logDirs: [logDir] });
    const inFlight = first.client
      .call('Data', 'QueryData', {
        pluginContext,
        queries: [errorsByService(SAMPLE_END_MS - WINDOW_MS, SAMPLE_END_MS)],
      })
      .then(
        () => 'answered',
        (error: { code?: number }) => `failed with code ${error.code}`
      );
    first.plugin.child.kill('SIGKILL');
    const exit = await first.plugin.exited;
    expect(exit.signal).toBe('SIGKILL');
    // The caller gets an error status or (if the answer beat the kill) the answer; never a hang.
    expect(await inFlight).toMatch(/^(answered|failed with code \d+)$/);
    first.client.close();

    const second = await start();
    const reply = await second.client.call('Data', 'QueryData', {
      pluginContext,
      queries: [errorsByService(SAMPLE_END_MS - WINDOW_MS, SAMPLE_END_MS)],
    });
    expect(counts(reply)).toEqual(sampleErrorsByService(logDir, SAMPLE_END_MS - WINDOW_MS, SAMPLE_END_MS));
    second.client.close();
  });
});
