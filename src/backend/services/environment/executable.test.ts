/**
 * The app pages' resources through the BUILT executable (dist/datasource), started as Grafana
 * starts it, with the Kamiwaza environment in its process environment and an env.sh. Fails (never
 * skips) when the build is missing: run `npm run build` first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { EnvironmentReport } from '../../../shared/environment';
import { DiagnosticId, type DiagnosticResult } from '../../../shared/environment-diagnostics';
import { connectPlugin, dataSourceContext, readAll } from '../../protocol/testing/client';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from '../../protocol/testing/spawn';
import { generateSample } from '../../testing/sample';

jest.setTimeout(30000);

const SECRET = 'EXECUTABLE-SECRET-93b1';

describe('environment and diagnostics resources of the built executable', () => {
  let root: string;
  let plugin: StartedPlugin;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamiwaza-root-'));
    fs.mkdirSync(path.join(root, 'logs'));
    await generateSample(path.join(root, 'logs'));
    fs.writeFileSync(
      path.join(root, 'env.sh'),
      `export KAMIWAZA_LOKI_ENABLED=true\nexport CUSTOMER_OTLP_AUTH="Bearer ${SECRET}"\nexport KAMIWAZA_LOG_LEVEL=LOUD\n`
    );
    plugin = await startPlugin({
      env: grafanaEnv({ KAMIWAZA_ROOT: root, GF_PLUGIN_KAMIWAZA_OTEL_ENABLED: 'false' }),
      cwd: os.tmpdir(),
    });
  });

  afterAll(async () => {
    await stopPlugin(plugin);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers the environment report and the checks as JSON, without the secret', async () => {
    const client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
    const pluginContext = dataSourceContext({ logDirs: [path.join(root, 'logs')] });
    const call = async (url: string, body: unknown) => {
      const messages = await readAll(
        client.stream('Resource', 'CallResource', {
          pluginContext,
          path: url,
          url,
          method: 'POST',
          body: Buffer.from(JSON.stringify(body)),
        })
      );
      const text = messages.map((m) => String(m.body ?? '')).join('');
      expect(messages[0].code).toBe(200);
      expect(text).not.toContain(SECRET);
      return JSON.parse(text);
    };

    const report = (await call('environment', { overrides: { KAMIWAZA_DISABLE_SYSLOG: 'true' } })) as EnvironmentReport;
    const byName = Object.fromEntries(report.variables.map((v) => [v.name, v]));
    expect(report.envFile).toEqual({ path: path.join(root, 'env.sh'), found: true, problems: [] });
    expect(byName.KAMIWAZA_LOKI_ENABLED).toMatchObject({ value: 'true', source: 'env.sh', status: 'error' });
    expect(byName.KAMIWAZA_OTEL_ENABLED).toMatchObject({
      value: 'false',
      source: 'grafana.ini',
      sourceDetail: 'GF_PLUGIN_KAMIWAZA_OTEL_ENABLED',
    });
    expect(byName.KAMIWAZA_DISABLE_SYSLOG).toMatchObject({ value: 'true', source: 'app' });
    expect(byName.KAMIWAZA_LOG_DIR).toMatchObject({ value: path.join(root, 'logs'), source: 'default', status: 'ok' });
    expect(byName.CUSTOMER_OTLP_AUTH.maskedHint).toBe(`Bearer •••••••• (${`Bearer ${SECRET}`.length} characters)`);
    expect(report.suggestions.map((s) => `${s.name}=${s.value}`)).toEqual([
      'KAMIWAZA_OTEL_ENABLED=true',
      'KAMIWAZA_LOG_LEVEL=INFO',
    ]);

    const loki = (await call(`diagnostics/${DiagnosticId.LokiWithoutOtel}`, {})) as DiagnosticResult;
    expect(loki).toMatchObject({ id: 'loki-without-otel', status: 'error' });
    const files = (await call(`diagnostics/${DiagnosticId.LogFiles}`, {})) as DiagnosticResult;
    expect(files.evidence.lines).toHaveLength(7);
    client.close();
  });
});
