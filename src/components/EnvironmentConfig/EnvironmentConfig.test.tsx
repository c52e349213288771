import { PluginType, type AppPluginMeta, type DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { render, screen, within } from '@testing-library/react';
import React from 'react';
import { of, throwError } from 'rxjs';

import type { EnvironmentReport, EnvironmentVariableReport } from '../../shared/environment';
import type { AppSettings } from '../AppConfig/settings';
import { EnvironmentConfig, type EnvironmentConfigProps } from './EnvironmentConfig';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getDataSourceSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const logs = {
  uid: 'kamiwaza-logs',
  name: 'Kamiwaza Logs',
  type: 'kamiwaza-logs-datasource',
} as DataSourceInstanceSettings;

const variable = (over: Partial<EnvironmentVariableReport> & { name: string }): EnvironmentVariableReport => ({
  set: true,
  source: 'env.sh',
  status: 'ok',
  reasons: [],
  ...over,
});

/** A report as the backend answers it for a misconfigured host. */
const REPORT: EnvironmentReport = {
  envFile: {
    path: '/opt/kamiwaza/env.sh',
    found: true,
    problems: [{ line: 14, message: 'no spaces are allowed around "="' }],
  },
  collectorHost: 'localhost',
  variables: [
    variable({
      name: 'KAMIWAZA_OTEL_ENABLED',
      value: 'false',
      sourceDetail: '/opt/kamiwaza/env.sh:4',
      status: 'error',
      reasons: ['KAMIWAZA_LOKI_ENABLED=true requires KAMIWAZA_OTEL_ENABLED=true.'],
    }),
    variable({
      name: 'OTEL_EXPORTER_INSECURE',
      value: 'true',
      source: 'app',
      status: 'warning',
      reasons: ['Telemetry data is transmitted unencrypted.'],
    }),
    variable({ name: 'CUSTOMER_OTLP_ENDPOINT', set: false, source: 'unset' }),
    variable({
      name: 'CUSTOMER_OTLP_AUTH',
      maskedHint: 'Bearer •••••••• (31 characters)',
      status: 'info',
      reasons: ['Set, but CUSTOMER_OTLP_ENDPOINT is not.'],
    }),
    variable({
      name: 'KAMIWAZA_LOKI_ENABLED',
      value: 'true',
      source: 'grafana.ini',
      sourceDetail: 'GF_PLUGIN_KAMIWAZA_LOKI_ENABLED',
      status: 'error',
    }),
    variable({ name: 'GRAFANA_ADMIN_PASSWORD', set: false, source: 'unset' }),
    variable({ name: 'KAMIWAZA_ROOT', value: '/opt/kamiwaza', source: 'default' }),
    variable({ name: 'KAMIWAZA_LOG_DIR', value: '/opt/kamiwaza/logs', source: 'process' }),
    variable({
      name: 'KAMIWAZA_LOG_LEVEL',
      value: 'TRACE',
      status: 'error',
      reasons: ['"TRACE" is not one of DEBUG, INFO, WARNING, ERROR.'],
    }),
    variable({
      name: 'KAMIWAZA_DISABLE_SYSLOG',
      set: false,
      source: 'unset',
      status: 'info',
      reasons: ['Unset: the deployment profile decides.'],
    }),
  ],
  suggestions: [
    {
      name: 'KAMIWAZA_OTEL_ENABLED',
      value: 'true',
      reason: 'KAMIWAZA_LOKI_ENABLED=true requires KAMIWAZA_OTEL_ENABLED=true.',
    },
    { name: 'KAMIWAZA_LOG_LEVEL', value: 'INFO', reason: '"TRACE" is not one of DEBUG, INFO, WARNING, ERROR.' },
  ],
};

function renderPage(jsonData: AppSettings = { logsDatasourceUid: 'kamiwaza-logs' }, secureJsonFields = {}) {
  const props = {
    plugin: {
      meta: {
        id: 'kamiwaza-observability-app',
        type: PluginType.app,
        jsonData,
        secureJsonFields,
      } as AppPluginMeta<AppSettings>,
    },
    query: {},
  } as unknown as EnvironmentConfigProps;
  render(<EnvironmentConfig {...props} />);
}

// Rows carry the variable's name as their label (role queries over a large table are slow in jsdom).
const row = (name: string) => within(screen.getByLabelText(name, { selector: 'tr' }));

beforeEach(() => {
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest
    .mocked(getDataSourceSrv)
    .mockReturnValue({ getList: () => [logs] } as unknown as ReturnType<typeof getDataSourceSrv>);
  fetchMock.mockReset();
});

describe('EnvironmentConfig', () => {
  it('lists every variable with value, source, default, meaning and status with the reason', async () => {
    fetchMock.mockReturnValue(of({ data: REPORT }));
    renderPage();

    expect(await screen.findByLabelText('KAMIWAZA_OTEL_ENABLED', { selector: 'tr' })).toBeInTheDocument();
    for (const v of REPORT.variables) {
      expect(screen.getByLabelText(v.name, { selector: 'tr' })).toBeInTheDocument();
    }
    const otel = row('KAMIWAZA_OTEL_ENABLED');
    expect(otel.getByText('Master switch for OpenTelemetry.')).toBeInTheDocument();
    expect(otel.getByText('env.sh')).toBeInTheDocument();
    expect(otel.getByText('/opt/kamiwaza/env.sh:4')).toBeInTheDocument();
    expect(otel.getByText('Error')).toBeInTheDocument();
    expect(otel.getByText(/requires KAMIWAZA_OTEL_ENABLED=true/)).toBeInTheDocument();

    expect(row('OTEL_EXPORTER_INSECURE').getByText('App settings')).toBeInTheDocument();
    expect(row('OTEL_EXPORTER_INSECURE').getByText('Warning')).toBeInTheDocument();
    expect(row('KAMIWAZA_LOKI_ENABLED').getByText('grafana.ini')).toBeInTheDocument();
    expect(row('KAMIWAZA_LOG_DIR').getByText('$KAMIWAZA_ROOT/logs')).toBeInTheDocument();
    expect(row('KAMIWAZA_LOG_DIR').getByText('Process environment')).toBeInTheDocument();
    expect(row('CUSTOMER_OTLP_ENDPOINT').getByText('unset')).toBeInTheDocument();
    expect(row('KAMIWAZA_DISABLE_SYSLOG').getByText('Info')).toBeInTheDocument();
    expect(row('KAMIWAZA_DISABLE_SYSLOG').getByText('Profile-driven')).toBeInTheDocument();
    expect(row('KAMIWAZA_ROOT').getByText('OK')).toBeInTheDocument();
  });

  it('shows the secret only as set, with its masked hint', async () => {
    fetchMock.mockReturnValue(of({ data: REPORT }));
    renderPage();
    await screen.findByLabelText('CUSTOMER_OTLP_AUTH', { selector: 'tr' });
    const auth = row('CUSTOMER_OTLP_AUTH');
    expect(auth.getByText('Bearer •••••••• (31 characters)')).toBeInTheDocument();
    expect(row('GRAFANA_ADMIN_PASSWORD').getByText('unset')).toBeInTheDocument();
  });

  it('reports env.sh lines it could not read, with their numbers', async () => {
    fetchMock.mockReturnValue(of({ data: REPORT }));
    renderPage();
    expect(await screen.findByText('1 line of /opt/kamiwaza/env.sh not read as the shell would')).toBeInTheDocument();
    expect(screen.getByText('line 14: no spaces are allowed around "="')).toBeInTheDocument();
  });

  it('offers the suggested changes as env.sh lines to copy, and never a save of env.sh', async () => {
    fetchMock.mockReturnValue(of({ data: REPORT }));
    renderPage();
    const block = await screen.findByLabelText('env.sh lines');
    expect(block.textContent).toBe(
      '# KAMIWAZA_LOKI_ENABLED=true requires KAMIWAZA_OTEL_ENABLED=true.\nexport KAMIWAZA_OTEL_ENABLED=true\n' +
        '# "TRACE" is not one of DEBUG, INFO, WARNING, ERROR.\nexport KAMIWAZA_LOG_LEVEL=INFO\n'
    );
    expect(screen.getByRole('button', { name: /copy as env\.sh/i })).toBeInTheDocument();
    expect(fetchMock.mock.calls.every(([r]) => r.url.endsWith('/resources/environment'))).toBe(true);
  });

  it('sends the app overrides and which secrets are set, never a secret value', async () => {
    fetchMock.mockReturnValue(of({ data: { ...REPORT, suggestions: [] } }));
    renderPage(
      {
        logsDatasourceUid: 'kamiwaza-logs',
        envFilePath: '/srv/env.sh',
        overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG', KAMIWAZA_LOG_DIR: ' ' },
      },
      { CUSTOMER_OTLP_AUTH: true }
    );
    expect(await screen.findByText('None: the checks suggest no change.')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/datasources/uid/kamiwaza-logs/resources/environment',
        method: 'POST',
        data: {
          overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG' },
          secretOverrides: ['CUSTOMER_OTLP_AUTH'],
          envFilePath: '/srv/env.sh',
          collectorHost: undefined,
        },
      })
    );
  });

  it('says when env.sh is missing and when the overrides were not applied', async () => {
    fetchMock.mockReturnValueOnce(
      of({
        data: {
          ...REPORT,
          envFile: { path: '/opt/kamiwaza/env.sh', found: false, problems: [] },
          overridesIgnored: "The app settings' overrides apply to Org Admins' requests only.",
        },
      })
    );
    renderPage();
    expect(await screen.findByText('No env.sh at /opt/kamiwaza/env.sh')).toBeInTheDocument();
    expect(screen.getByText(/apply to Org Admins/)).toBeInTheDocument();
  });

  it('shows a failed request with a way to try again', async () => {
    fetchMock.mockReturnValue(throwError(() => ({ status: 503, data: { message: 'Plugin unavailable' } })));
    renderPage();
    expect(await screen.findByText('The environment could not be read')).toBeInTheDocument();
    expect(screen.getByText('Plugin unavailable')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /check again/i })).toBeInTheDocument();
  });
});
