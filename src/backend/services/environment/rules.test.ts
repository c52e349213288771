import { parseEnvFile } from './env-file';
import { resolveEnvironment } from './resolve';
import { type EnvironmentFacts, evaluateRules, type Finding, parseEndpoint, suggestionsOf } from './rules';

/** Effective values as if every variable came from the process environment. */
const values = (env: Record<string, string>) =>
  resolveEnvironment({ overrides: {}, secretOverrides: [], envFilePath: '/x/env.sh', processEnv: env });

const facts = (over: Partial<EnvironmentFacts> = {}): EnvironmentFacts => ({
  collectorHost: 'localhost',
  collectorLocal: true,
  logDir: { path: '/opt/kamiwaza/logs', readable: true },
  dataSourceLogDirs: ['/opt/kamiwaza/logs'],
  ...over,
});

const findingsFor = (name: string, env: Record<string, string>, over?: Partial<EnvironmentFacts>): Finding[] =>
  evaluateRules(values(env), facts(over)).filter((f) => f.name === name);

const statuses = (found: Finding[]) => found.map((f) => f.status);

describe('environment rules', () => {
  describe('KAMIWAZA_LOKI_ENABLED requires KAMIWAZA_OTEL_ENABLED', () => {
    it('is an error on both variables when Loki is on and OTEL is not, and suggests turning OTEL on', () => {
      const found = evaluateRules(values({ KAMIWAZA_LOKI_ENABLED: 'true' }), facts());
      expect(statuses(found.filter((f) => f.name === 'KAMIWAZA_LOKI_ENABLED'))).toEqual(['error']);
      expect(found.find((f) => f.name === 'KAMIWAZA_LOKI_ENABLED')!.reason).toMatch(/Loki gets no logs/);
      expect(suggestionsOf(found)).toContainEqual(
        expect.objectContaining({ name: 'KAMIWAZA_OTEL_ENABLED', value: 'true' })
      );
    });

    it('is fine with both on, and says nothing when Loki is off', () => {
      expect(
        statuses(findingsFor('KAMIWAZA_LOKI_ENABLED', { KAMIWAZA_LOKI_ENABLED: 'true', KAMIWAZA_OTEL_ENABLED: 'TRUE' }))
      ).toEqual(['ok']);
      expect(findingsFor('KAMIWAZA_LOKI_ENABLED', { KAMIWAZA_LOKI_ENABLED: 'false' })).toEqual([]);
    });
  });

  describe('OTEL_EXPORTER_INSECURE', () => {
    const insecure = { OTEL_EXPORTER_INSECURE: 'true', KAMIWAZA_OTEL_ENABLED: 'true' };

    it('warns that telemetry is unencrypted when the collector is on this host', () => {
      const [finding] = findingsFor('OTEL_EXPORTER_INSECURE', insecure);
      expect(finding.status).toBe('warning');
      expect(finding.reason).toMatch(/unencrypted/);
      expect(finding.suggestion).toBeUndefined();
    });

    it('is louder (an error, with a fix) when the collector is elsewhere', () => {
      const [finding] = findingsFor('OTEL_EXPORTER_INSECURE', insecure, {
        collectorHost: 'otel.corp.example',
        collectorLocal: false,
      });
      expect(finding.status).toBe('error');
      expect(finding.reason).toMatch(/otel\.corp\.example, which is not this host/);
      expect(finding.suggestion).toEqual({ value: 'false' });
    });

    it('says nothing when TLS is on (the default)', () => {
      expect(findingsFor('OTEL_EXPORTER_INSECURE', { KAMIWAZA_OTEL_ENABLED: 'true' })).toEqual([]);
      expect(findingsFor('OTEL_EXPORTER_INSECURE', { OTEL_EXPORTER_INSECURE: 'false' })).toEqual([]);
    });
  });

  describe('CUSTOMER_OTLP_ENDPOINT', () => {
    const endpoint = 'https://otel-gateway.example.com:4317';
    const reachable = { reachable: true, detail: 'TCP connect succeeded' };

    it('warns that nothing is forwarded while OTEL is off', () => {
      const found = evaluateRules(values({ CUSTOMER_OTLP_ENDPOINT: endpoint }), facts({ endpointProbe: reachable }));
      expect(found.find((f) => f.name === 'CUSTOMER_OTLP_ENDPOINT' && f.status === 'warning')!.reason).toMatch(
        /forwards nothing/
      );
      expect(suggestionsOf(found)).toContainEqual(
        expect.objectContaining({ name: 'KAMIWAZA_OTEL_ENABLED', value: 'true' })
      );
    });

    it('is an error when the value is not a URL, or not an http(s) URL', () => {
      for (const bad of ['otel-gateway:4317 extra', 'grpc://otel:4317']) {
        const found = findingsFor('CUSTOMER_OTLP_ENDPOINT', {
          CUSTOMER_OTLP_ENDPOINT: bad,
          KAMIWAZA_OTEL_ENABLED: 'true',
        });
        expect(statuses(found)).toEqual(['error']);
      }
    });

    it('is an error when the endpoint is unreachable, ok when it answers', () => {
      const on = { CUSTOMER_OTLP_ENDPOINT: endpoint, KAMIWAZA_OTEL_ENABLED: 'true' };
      const down = findingsFor('CUSTOMER_OTLP_ENDPOINT', on, {
        endpointProbe: { reachable: false, detail: 'ECONNREFUSED' },
      });
      expect(statuses(down)).toEqual(['error']);
      expect(down[0].reason).toMatch(/Not reachable from this host: ECONNREFUSED/);
      expect(statuses(findingsFor('CUSTOMER_OTLP_ENDPOINT', on, { endpointProbe: reachable }))).toEqual(['ok']);
    });

    it('says nothing when unset', () => {
      expect(findingsFor('CUSTOMER_OTLP_ENDPOINT', { KAMIWAZA_OTEL_ENABLED: 'true' })).toEqual([]);
    });

    it('takes the port from the URL, else the scheme', () => {
      expect(parseEndpoint(endpoint)).toEqual({ host: 'otel-gateway.example.com', port: 4317 });
      expect(parseEndpoint('https://gw.example.com')).toEqual({ host: 'gw.example.com', port: 443 });
      expect(parseEndpoint('http://[::1]:4318')).toEqual({ host: '::1', port: 4318 });
    });
  });

  describe('KAMIWAZA_LOG_LEVEL', () => {
    it('is an error outside DEBUG|INFO|WARNING|ERROR, with the nearest valid level suggested', () => {
      const [trace] = findingsFor('KAMIWAZA_LOG_LEVEL', { KAMIWAZA_LOG_LEVEL: 'TRACE' });
      expect(trace.status).toBe('error');
      expect(trace.suggestion).toEqual({ value: 'INFO' });
      expect(findingsFor('KAMIWAZA_LOG_LEVEL', { KAMIWAZA_LOG_LEVEL: 'warning' })[0].suggestion).toEqual({
        value: 'WARNING',
      });
    });

    it('accepts each documented level and the default', () => {
      for (const level of ['DEBUG', 'INFO', 'WARNING', 'ERROR']) {
        expect(findingsFor('KAMIWAZA_LOG_LEVEL', { KAMIWAZA_LOG_LEVEL: level })).toEqual([]);
      }
      expect(findingsFor('KAMIWAZA_LOG_LEVEL', {})).toEqual([]);
    });
  });

  describe('KAMIWAZA_LOG_DIR', () => {
    it('is an error when the directory is missing or unreadable', () => {
      const [finding] = findingsFor(
        'KAMIWAZA_LOG_DIR',
        {},
        {
          logDir: { path: '/opt/kamiwaza/logs', readable: false, error: 'does not exist' },
        }
      );
      expect(finding).toMatchObject({ status: 'error', reason: '/opt/kamiwaza/logs does not exist.' });
    });

    it('warns when the data source reads another directory', () => {
      const [finding] = findingsFor('KAMIWAZA_LOG_DIR', {}, { dataSourceLogDirs: ['/var/log/kamiwaza'] });
      expect(finding.status).toBe('warning');
      expect(finding.reason).toMatch(/reads \/var\/log\/kamiwaza, not \/opt\/kamiwaza\/logs/);
    });

    it('is ok when readable and read by the data source', () => {
      expect(statuses(findingsFor('KAMIWAZA_LOG_DIR', {}))).toEqual(['ok']);
    });
  });

  describe('KAMIWAZA_DISABLE_SYSLOG', () => {
    it('explains what each value changes', () => {
      expect(findingsFor('KAMIWAZA_DISABLE_SYSLOG', {})[0].reason).toMatch(/profile decides/);
      expect(findingsFor('KAMIWAZA_DISABLE_SYSLOG', { KAMIWAZA_DISABLE_SYSLOG: 'false' })[0].reason).toMatch(
        /syslog daemon, facility local5/
      );
      expect(findingsFor('KAMIWAZA_DISABLE_SYSLOG', { KAMIWAZA_DISABLE_SYSLOG: 'true' })[0].reason).toMatch(
        /forwarding is off/
      );
    });

    it('warns about a value that is neither true nor false', () => {
      const found = findingsFor('KAMIWAZA_DISABLE_SYSLOG', { KAMIWAZA_DISABLE_SYSLOG: 'yes' });
      expect(statuses(found)).toEqual(['warning']);
    });
  });

  describe('CUSTOMER_OTLP_AUTH', () => {
    it('notes a header set without an endpoint, never quoting it', () => {
      const found = findingsFor('CUSTOMER_OTLP_AUTH', { CUSTOMER_OTLP_AUTH: 'Bearer SECRET-MARKER' });
      expect(statuses(found)).toEqual(['info']);
      expect(JSON.stringify(found)).not.toContain('SECRET-MARKER');
      expect(
        findingsFor('CUSTOMER_OTLP_AUTH', {
          CUSTOMER_OTLP_AUTH: 'Bearer SECRET-MARKER',
          CUSTOMER_OTLP_ENDPOINT: 'https://gw:4317',
        })
      ).toEqual([]);
    });
  });

  describe('GRAFANA_ADMIN_PASSWORD', () => {
    it('warns that the bundled Grafana keeps the default password when Loki is on', () => {
      const on = { KAMIWAZA_LOKI_ENABLED: 'true', KAMIWAZA_OTEL_ENABLED: 'true' };
      expect(statuses(findingsFor('GRAFANA_ADMIN_PASSWORD', on))).toEqual(['warning']);
      expect(findingsFor('GRAFANA_ADMIN_PASSWORD', { ...on, GRAFANA_ADMIN_PASSWORD: 'x' })).toEqual([]);
    });
  });
});

describe('precedence', () => {
  it('takes app settings over env.sh over grafana.ini over the host environment over the default', () => {
    const envFile = parseEnvFile('export KAMIWAZA_LOG_LEVEL=WARNING\nexport KAMIWAZA_OTEL_ENABLED=true\n', {});
    const resolved = resolveEnvironment({
      overrides: { KAMIWAZA_LOG_LEVEL: 'ERROR' },
      secretOverrides: ['CUSTOMER_OTLP_AUTH'],
      envFile,
      envFilePath: '/srv/env.sh',
      processEnv: {
        KAMIWAZA_LOG_LEVEL: 'DEBUG',
        KAMIWAZA_OTEL_ENABLED: 'false',
        GF_PLUGIN_KAMIWAZA_LOKI_ENABLED: 'true',
        KAMIWAZA_LOKI_ENABLED: 'false',
        OTEL_EXPORTER_INSECURE: 'true',
        CUSTOMER_OTLP_AUTH: 'Bearer from-process',
        KAMIWAZA_ROOT: '/srv/kamiwaza',
      },
    });
    const view = (name: string) => {
      const r = resolved.get(name)!;
      return [r.value, r.source, r.sourceDetail];
    };
    expect(view('KAMIWAZA_LOG_LEVEL')).toEqual(['ERROR', 'app', undefined]);
    expect(view('KAMIWAZA_OTEL_ENABLED')).toEqual(['true', 'env.sh', '/srv/env.sh:2']);
    expect(view('KAMIWAZA_LOKI_ENABLED')).toEqual(['true', 'grafana.ini', 'GF_PLUGIN_KAMIWAZA_LOKI_ENABLED']);
    expect(view('OTEL_EXPORTER_INSECURE')).toEqual(['true', 'process', undefined]);
    expect(view('KAMIWAZA_LOG_DIR')).toEqual(['/srv/kamiwaza/logs', 'default', undefined]);
    expect(view('KAMIWAZA_DISABLE_SYSLOG')).toEqual([undefined, 'unset', undefined]);
    // The app's secret override is known only as "set": its value never came to the backend.
    expect(view('CUSTOMER_OTLP_AUTH')).toEqual([undefined, 'app', undefined]);
  });
});
