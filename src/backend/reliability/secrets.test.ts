/**
 * Secrets never leave the plugin: the BUILT executable runs with `CUSTOMER_OTLP_AUTH` and every
 * `secureJsonData` value (data source and app) set to marker strings, at the most verbose log
 * level, and is driven through every handler, successful and failing (QueryData log, metric and
 * bad queries, CallResource on every route plus unknown ones, CheckHealth good and bad, the stream
 * calls with a live tail that delivers packets, CollectMetrics, the gRPC health check, calls
 * without a data source). Every reply, every stream packet, stdout and stderr (Grafana's log
 * channel) are scanned for each marker, as written and as JSON- and base64-encoded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { connectPlugin, readAll } from '../protocol/testing/client';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from '../protocol/testing/spawn';
import { generateSample, SAMPLE_END_MS } from '../testing/sample';

jest.setTimeout(60_000);

const MARKERS = {
  otlp: 'otlp-auth-marker-5c1e',
  dsPassword: 'ds-password-marker-9b2d',
  dsToken: 'ds-token-marker-0a7f',
  appSecret: 'app-secret-marker-44e1',
  header: 'auth-header-marker-73aa',
};

/** Every spelling under which a marker could leak. */
function spellings(marker: string): string[] {
  return [marker, JSON.stringify(marker).slice(1, -1), Buffer.from(marker).toString('base64').slice(0, 16)];
}

describe('secrets never leave the built executable', () => {
  let logDir: string;
  let plugin: StartedPlugin;

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    await generateSample(logDir);
  });

  afterAll(async () => {
    plugin?.child.kill('SIGKILL');
    await plugin?.exited;
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  function context(jsonData: unknown, uid: string, withDataSource = true) {
    const secure = { password: MARKERS.dsPassword, apiToken: MARKERS.dsToken, otlpAuth: MARKERS.otlp };
    return {
      orgId: '1',
      pluginId: 'kamiwaza-logs-datasource',
      user: { login: 'admin', role: 'Admin' },
      appInstanceSettings: {
        jsonData: Buffer.from('{}'),
        decryptedSecureJsonData: { customerOtlpAuth: MARKERS.appSecret },
        lastUpdatedMS: '1',
      },
      dataSourceInstanceSettings: withDataSource
        ? {
            id: '7',
            uid,
            name: 'Kamiwaza Logs',
            jsonData: Buffer.from(typeof jsonData === 'string' ? jsonData : JSON.stringify(jsonData)),
            decryptedSecureJsonData: secure,
            basicAuthEnabled: true,
            basicAuthUser: 'admin',
            lastUpdatedMS: '1700000000000',
          }
        : undefined,
      grafanaConfig: { GF_APP_URL: 'http://localhost:3000/' },
    };
  }

  it('no marker in any reply, packet or log line', async () => {
    plugin = await startPlugin({
      env: grafanaEnv({ GF_PLUGIN_LOG_LEVEL: 'trace', CUSTOMER_OTLP_AUTH: MARKERS.otlp, KAMIWAZA_LOG_DIR: logDir }),
    });
    const client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
    const good = context({ logDirs: [logDir] }, 'good');
    const contexts = [
      good,
      context({ logDirs: [path.join(logDir, 'missing')] }, 'missing'),
      context('{"logDirs": [', 'broken-json'),
      context({}, 'env-default'),
      context({}, 'no-ds', false),
    ];
    const replies: unknown[] = [];
    const settle = async (promise: Promise<unknown>) => replies.push(await promise.catch((error) => error));
    const window = { fromEpochMS: String(SAMPLE_END_MS - 3_600_000), toEpochMS: String(SAMPLE_END_MS) };
    const headers = { http_Authorization: `Bearer ${MARKERS.header}`, Authorization: `Bearer ${MARKERS.header}` };
    const expressions = [
      '{source="application"}',
      'sum by (service_name) (count_over_time({source=~".+"}[5m]))',
      '{source="application"} | json | line_format "{{ .password }}"',
      '{source=', // syntax error
      'rate({source="application"} | unwrap nope [1m])',
    ];
    const resources = ['labels', 'label/service_name/values', 'health', 'nope', 'label/%ZZ/values'];

    for (const pluginContext of contexts) {
      await settle(
        client.call('Data', 'QueryData', {
          pluginContext,
          headers,
          queries: expressions.map((expr, i) => ({
            refId: `Q${i}`,
            maxDataPoints: '100',
            intervalMS: '60000',
            timeRange: window,
            json: Buffer.from(JSON.stringify({ refId: `Q${i}`, expr })),
          })),
        })
      );
      for (const url of resources) {
        await settle(
          readAll(
            client.stream('Resource', 'CallResource', {
              pluginContext,
              path: url,
              method: 'GET',
              url,
              headers: { Authorization: { values: [`Bearer ${MARKERS.header}`] } },
            })
          )
        );
      }
      await settle(
        readAll(
          client.stream('Resource', 'CallResource', { pluginContext, path: 'labels', method: 'POST', url: 'labels' })
        )
      );
      await settle(client.call('Diagnostics', 'CheckHealth', { pluginContext, headers }));
      await settle(
        client.call('Stream', 'SubscribeStream', { pluginContext, path: 'tail/x', data: Buffer.from('{}') })
      );
      await settle(client.call('Stream', 'PublishStream', { pluginContext, path: 'tail/x', data: Buffer.from('{}') }));
      await settle(readAll(client.stream('Stream', 'RunStream', { pluginContext, path: 'nope' })));
    }
    await settle(client.call('Diagnostics', 'CollectMetrics', {}));
    await settle(client.call('Health', 'Check', { service: 'plugin' }));

    // A live tail that really delivers packets.
    const data = Buffer.from(JSON.stringify({ expr: '{source="application"}' }));
    const stream = client.stream('Stream', 'RunStream', { pluginContext: good, path: 'tail/secrets', data });
    const packets: string[] = [];
    const firstPacket = new Promise<void>((resolve) =>
      stream.on('data', (packet: { data: Buffer }) => {
        packets.push(String(packet.data));
        resolve();
      })
    );
    stream.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const line = { timestamp: new Date().toISOString(), level: 'INFO', service: 'kamiwaza.api', message: 'probe' };
    fs.appendFileSync(path.join(logDir, 'application.jsonl'), JSON.stringify(line) + '\n');
    await firstPacket;
    stream.cancel();
    client.close();
    await stopPlugin(plugin);

    expect(packets.length).toBeGreaterThan(0);
    // The run did log (trace level): the scan of stderr covers real log lines.
    expect(plugin.stderr().split('\n').filter(Boolean).length).toBeGreaterThan(10);
    const everything = [
      JSON.stringify(replies, (_key, value) =>
        value?.type === 'Buffer' && Array.isArray(value.data) ? Buffer.from(value.data).toString('latin1') : value
      ),
      replies.map((r) => (r instanceof Error ? `${r.message} ${JSON.stringify(r)}` : '')).join('\n'),
      packets.join('\n'),
      plugin.stdout(),
      plugin.stderr(),
    ].join('\n');
    for (const marker of Object.values(MARKERS)) {
      for (const spelling of spellings(marker)) {
        expect(everything).not.toContain(spelling);
      }
    }
  });
});
