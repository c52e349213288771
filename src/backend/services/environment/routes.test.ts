/**
 * The app pages' resources over a generated sample: the environment report and each diagnostic
 * check, with expectations worked out from the raw files; and the secret scan over every answer.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import type { EnvironmentReport, EnvironmentRequest } from '../../../shared/environment';
import { DiagnosticId, DIAGNOSTICS, type DiagnosticResult } from '../../../shared/environment-diagnostics';
import { createHclogLogger } from '../../protocol/logger';
import type { CallResourceRequest, ResourceResponse } from '../../protocol/messages';
import { dataSourcePluginContext } from '../../protocol/testing/contexts';
import { generateSample, SAMPLE_END_MS, sampleErrorsByService } from '../../testing/sample';
import { createInstance, type DataSourceInstance } from '../datasource/instance';
import { ResourceRouter } from '../datasource/resources';
import { addEnvironmentResources } from './routes';
import { SERVICE_TEST_ENV } from '../../testing/serviceEnv';

jest.setTimeout(30000);

const SECRET = 'SECRET-MARKER-7f3a9c';
const PASSWORD = 'PASSWORD-MARKER-51d2';
const DAY_MS = 24 * 3_600_000;

let root: string;
let logDir: string;
const servers: http.Server[] = [];

/** Every line of a log file and its rotated siblings (gzip included). */
function linesOf(dir: string, base: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .flatMap((name) => {
      const raw = fs.readFileSync(path.join(dir, name));
      return (name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8').split('\n');
    });
}

/** Lines whose leading timestamp (ISO or Python's `2026-11-20 10:00:00,123`) is in (from, to]. */
function inWindow(line: string, fromMs: number, toMs: number): boolean {
  const stamp = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?)/.exec(line)?.[1];
  if (!stamp) {
    return false;
  }
  const ms = Date.parse(stamp.replace(' ', 'T').replace(',', '.').replace(/Z?$/, 'Z'));
  return ms > fromMs && ms <= toMs;
}

async function collector(status: number, body: string): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamiwaza-root-'));
  logDir = path.join(root, 'logs');
  fs.mkdirSync(logDir);
  // Seed 1 gives this day an OTEL collector outage (export failures) besides the usual errors.
  await generateSample(logDir, { seed: 1 });
  fs.writeFileSync(
    path.join(root, 'env.sh'),
    [
      '# Kamiwaza environment',
      'export KAMIWAZA_OTEL_ENABLED=true',
      'export OTEL_EXPORTER_INSECURE=true',
      'export KAMIWAZA_LOG_LEVEL=VERBOSE',
      `export CUSTOMER_OTLP_AUTH="Bearer ${SECRET}"`,
      `export GRAFANA_ADMIN_PASSWORD='${PASSWORD}'`,
      `export BROKEN=Bearer ${SECRET}`,
      'export KAMIWAZA_LOG_DIR=$KAMIWAZA_ROOT/logs',
    ].join('\n')
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  fs.rmSync(root, { recursive: true, force: true });
});

const processEnv = () => ({ KAMIWAZA_ROOT: root, GF_PLUGIN_CUSTOMER_OTLP_ENDPOINT: undefined, ...SERVICE_TEST_ENV });

function setup(now = SAMPLE_END_MS, env: Record<string, string | undefined> = processEnv()) {
  const router = addEnvironmentResources(new ResourceRouter(), env, () => now);
  const instance: DataSourceInstance = createInstance(
    dataSourcePluginContext({ logDirs: [logDir] }).dataSourceInstanceSettings!,
    env
  );
  const answers: string[] = [];
  const call = async (method: string, url: string, body?: EnvironmentRequest, role = 'Admin') => {
    const request: CallResourceRequest = {
      pluginContext: {
        ...dataSourcePluginContext({ logDirs: [logDir] }),
        user: { login: 'u', name: 'u', email: '', role },
      },
      path: url,
      url,
      method,
      headers: {},
      body: Buffer.from(body ? JSON.stringify(body) : ''),
    };
    const response: ResourceResponse = await router.handle({
      instance,
      request,
      signal: new AbortController().signal,
      logger: createHclogLogger({ write: () => undefined }),
    });
    answers.push(String(response.body));
    return { status: response.status, json: JSON.parse(String(response.body)) };
  };
  return { call, answers };
}

const variable = (report: EnvironmentReport, name: string) => report.variables.find((v) => v.name === name)!;

describe('environment resource', () => {
  it('lists every catalogue variable with value, source and status from env.sh and the process', async () => {
    const { call } = setup();
    const { status, json } = await call('GET', 'environment');
    const report = json as EnvironmentReport;
    expect(status).toBe(200);
    expect(report.envFile).toMatchObject({ path: path.join(root, 'env.sh'), found: true });
    expect(report.envFile.problems).toEqual([{ line: 7, message: expect.stringMatching(/unquoted space/) }]);
    expect(report.variables.map((v) => v.name)).toEqual([
      'KAMIWAZA_OTEL_ENABLED',
      'OTEL_EXPORTER_INSECURE',
      'CUSTOMER_OTLP_ENDPOINT',
      'CUSTOMER_OTLP_AUTH',
      'KAMIWAZA_LOKI_ENABLED',
      'GRAFANA_ADMIN_PASSWORD',
      'KAMIWAZA_ROOT',
      'KAMIWAZA_LOG_DIR',
      'KAMIWAZA_LOG_LEVEL',
      'KAMIWAZA_DISABLE_SYSLOG',
    ]);
    expect(variable(report, 'KAMIWAZA_LOG_DIR')).toMatchObject({
      value: logDir,
      source: 'env.sh',
      sourceDetail: `${path.join(root, 'env.sh')}:8`,
      status: 'ok',
    });
    expect(variable(report, 'KAMIWAZA_ROOT')).toMatchObject({ value: root, source: 'process' });
    expect(variable(report, 'KAMIWAZA_LOG_LEVEL')).toMatchObject({ value: 'VERBOSE', status: 'error' });
    expect(variable(report, 'OTEL_EXPORTER_INSECURE').status).toBe('warning');
    expect(variable(report, 'CUSTOMER_OTLP_AUTH')).toEqual({
      name: 'CUSTOMER_OTLP_AUTH',
      set: true,
      maskedHint: `Bearer •••••••• (${`Bearer ${SECRET}`.length} characters)`,
      source: 'env.sh',
      sourceDetail: `${path.join(root, 'env.sh')}:5`,
      status: 'info',
      reasons: [expect.stringMatching(/not used/)],
    });
    expect(report.suggestions).toEqual([
      { name: 'KAMIWAZA_LOG_LEVEL', value: 'INFO', reason: expect.stringMatching(/VERBOSE/) },
    ]);
  });

  it("applies an Admin's app-setting overrides above env.sh, and only an Admin's", async () => {
    const { call } = setup();
    const body: EnvironmentRequest = {
      overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG' },
      secretOverrides: ['CUSTOMER_OTLP_AUTH'],
      collectorHost: 'otel.example.com',
    };
    const admin = (await call('POST', 'environment', body)).json as EnvironmentReport;
    expect(variable(admin, 'KAMIWAZA_LOG_LEVEL')).toMatchObject({ value: 'DEBUG', source: 'app', status: 'ok' });
    expect(variable(admin, 'CUSTOMER_OTLP_AUTH')).toMatchObject({
      source: 'app',
      maskedHint: 'set in the app settings (value hidden)',
    });
    expect(variable(admin, 'OTEL_EXPORTER_INSECURE').status).toBe('error');
    expect(admin.overridesIgnored).toBeUndefined();

    const viewer = (await call('POST', 'environment', body, 'Viewer')).json as EnvironmentReport;
    expect(variable(viewer, 'KAMIWAZA_LOG_LEVEL')).toMatchObject({ value: 'VERBOSE', source: 'env.sh' });
    expect(viewer.collectorHost).toBe('localhost');
    expect(viewer.overridesIgnored).toMatch(/Org Admins/);
  });

  it('reports the log directory the data source does not read', async () => {
    const { call } = setup();
    const other = path.join(root, 'elsewhere');
    fs.mkdirSync(other, { recursive: true });
    const report = (await call('POST', 'environment', { overrides: { KAMIWAZA_LOG_DIR: other } })).json;
    expect(variable(report, 'KAMIWAZA_LOG_DIR')).toMatchObject({ status: 'warning', value: other });
  });
});

describe('diagnostics resource', () => {
  const run = async (id: DiagnosticId, body: EnvironmentRequest = {}, now?: number) =>
    (await setup(now).call('POST', `diagnostics/${id}`, body)).json as DiagnosticResult;

  it('finds the collector healthy, unhealthy, or not answering', async () => {
    const healthy = await run(DiagnosticId.Collector, { collectorHost: await collector(200, '{"status":"up"}') });
    expect(healthy).toMatchObject({ id: 'collector', status: 'ok' });
    expect(healthy.evidence.lines).toEqual([expect.stringMatching(/HTTP 200/), '{"status":"up"}']);

    const sick = await run(DiagnosticId.Collector, { collectorHost: await collector(503, 'down') });
    expect(sick.status).toBe('error');
    expect(sick.summary).toMatch(/HTTP 503/);

    const closed = await run(DiagnosticId.Collector, { collectorHost: '127.0.0.1:1' });
    expect(closed.status).toBe('error');
    expect(closed.summary).toMatch(/does not answer.*ECONNREFUSED/);
  });

  it('skips the collector and the endpoint when they are not configured', async () => {
    expect((await run(DiagnosticId.Collector, { overrides: { KAMIWAZA_OTEL_ENABLED: 'false' } })).status).toBe(
      'skipped'
    );
    expect((await run(DiagnosticId.OtlpEndpoint)).status).toBe('skipped');
  });

  it('connects to the external endpoint', async () => {
    const up = await run(DiagnosticId.OtlpEndpoint, {
      overrides: { CUSTOMER_OTLP_ENDPOINT: `http://${await collector(200, '')}` },
    });
    expect(up.status).toBe('ok');
    const down = await run(DiagnosticId.OtlpEndpoint, { overrides: { CUSTOMER_OTLP_ENDPOINT: 'http://127.0.0.1:1' } });
    expect(down.status).toBe('error');
    expect(down.evidence.lines[0]).toMatch(/ECONNREFUSED/);
  });

  it('counts export failures (StatusCode.UNAVAILABLE) as the raw files do', async () => {
    const pattern = /Failed to export|StatusCode\.UNAVAILABLE/;
    const expected = [...linesOf(logDir, 'application.jsonl'), ...linesOf(logDir, 'kamiwazad-core.log')].filter(
      (line) =>
        pattern.test(line) && inWindow(line.replace(/^\{"timestamp":"/, ''), SAMPLE_END_MS - DAY_MS, SAMPLE_END_MS)
    ).length;
    const result = await run(DiagnosticId.TlsMismatch);
    expect(expected).toBeGreaterThan(0);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(new RegExp(`^${expected} export failure`));
    expect(result.summary).toMatch(/OTEL_EXPORTER_INSECURE=true/);
    expect(result.evidence.lines).toHaveLength(5);
    result.evidence.lines.forEach((line) => expect(line).toMatch(pattern));
    expect(result.evidence.query).toMatch(/StatusCode/);
  });

  it('counts kamiwazad.log error lines as the raw file does', async () => {
    const expected = linesOf(logDir, 'kamiwazad.log').filter(
      (line) => /\[(ERROR|CRITICAL)\]/.test(line) && inWindow(line, SAMPLE_END_MS - DAY_MS, SAMPLE_END_MS)
    ).length;
    const result = await run(DiagnosticId.Startup);
    expect(expected).toBeGreaterThan(0);
    expect(result.status).toBe('warning');
    expect(result.summary).toMatch(new RegExp(`^${expected} error line`));
    result.evidence.lines.forEach((line) => expect(line).toMatch(/\[(ERROR|CRITICAL)\]/));
  });

  it('lists API errors by service and the last stack trace', async () => {
    const byService = sampleErrorsByService(logDir, SAMPLE_END_MS - DAY_MS, SAMPLE_END_MS);
    const result = await run(DiagnosticId.ApiErrors);
    expect(result.status).toBe('warning');
    const counted = Object.fromEntries(
      result.evidence.lines
        .slice(0, Object.keys(byService).length)
        .map((line) => line.split(': '))
        .map(([service, n]) => [service, Number(n)])
    );
    expect(counted).toEqual(byService);
    // The newest ERROR record in the window that carries a traceback, read from the raw file.
    const newest = linesOf(logDir, 'application.jsonl')
      .flatMap((line) => {
        try {
          return [
            JSON.parse(line) as {
              timestamp: string;
              level: string;
              service: string;
              message: string;
              exception?: string;
            },
          ];
        } catch {
          return [];
        }
      })
      .filter((r) => r.level === 'ERROR' && r.exception?.includes('Traceback'))
      .filter((r) => Date.parse(r.timestamp) > SAMPLE_END_MS - DAY_MS && Date.parse(r.timestamp) <= SAMPLE_END_MS)
      .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
    const trace = result.evidence.lines.slice(result.evidence.lines.indexOf('Last stack trace:') + 1);
    expect(trace).toEqual([`${newest.service}: ${newest.message}`, ...newest.exception!.split('\n')]);
  });

  it('reports Loki without OTEL', async () => {
    const bad = await run(DiagnosticId.LokiWithoutOtel, {
      overrides: { KAMIWAZA_LOKI_ENABLED: 'true', KAMIWAZA_OTEL_ENABLED: 'false' },
    });
    expect(bad).toMatchObject({ status: 'error', summary: expect.stringMatching(/Loki gets nothing/) });
    const good = await run(DiagnosticId.LokiWithoutOtel, { overrides: { KAMIWAZA_LOKI_ENABLED: 'true' } });
    expect(good.status).toBe('ok');
  });

  it('finds the log files present, and stale once application.jsonl is an hour old', async () => {
    const fresh = await run(DiagnosticId.LogFiles, {}, Date.now());
    expect(fresh.status).toBe('ok');
    expect(fresh.evidence.lines).toHaveLength(7);
    expect(fresh.evidence.lines[1]).toMatch(/^application\.jsonl: [\d.]+ MB, last write just now$/);
    const stale = await run(DiagnosticId.LogFiles, {}, Date.now() + 2 * 3_600_000);
    expect(stale.status).toBe('warning');
    expect(stale.summary).toMatch(/application\.jsonl was last written 2 h ago/);
  });

  it('answers 404 for the browser-side check and unknown ids', async () => {
    const { call } = setup();
    expect((await call('POST', `diagnostics/${DiagnosticId.LokiDataSource}`)).status).toBe(404);
    expect((await call('GET', 'diagnostics/nope')).status).toBe(404);
  });
});

describe('secrets', () => {
  it('never appear in any answer of these resources, for any caller', async () => {
    const env = { ...processEnv(), GF_PLUGIN_GRAFANA_ADMIN_PASSWORD: PASSWORD };
    const { call, answers } = setup(SAMPLE_END_MS, env);
    const bodies: EnvironmentRequest[] = [
      {},
      { secretOverrides: ['CUSTOMER_OTLP_AUTH'] },
      // A browser that tries to send a secret as a plain override gets it ignored, not echoed.
      { overrides: { CUSTOMER_OTLP_AUTH: SECRET, GRAFANA_ADMIN_PASSWORD: PASSWORD } },
    ];
    for (const role of ['Admin', 'Viewer']) {
      for (const body of bodies) {
        await call('GET', 'environment', undefined, role);
        await call('POST', 'environment', body, role);
        for (const spec of DIAGNOSTICS) {
          await call('POST', `diagnostics/${spec.id}`, body, role);
        }
      }
    }
    expect(answers.length).toBe(2 * 3 * (2 + DIAGNOSTICS.length));
    for (const answer of answers) {
      expect(answer).not.toContain(SECRET);
      expect(answer).not.toContain(PASSWORD);
      expect(answer).not.toContain(SECRET.slice(0, 10));
    }
  });
});
