import type { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { act, render, screen, within } from '@testing-library/react';
import React from 'react';
import { of, Subject, throwError } from 'rxjs';

import { DiagnosticId, DIAGNOSTICS, type DiagnosticResult } from '../../shared/environment-diagnostics';
import { Diagnostics } from './Diagnostics';

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

const card = (title: string) => screen.getByRole('region', { name: title });
const titleOf = (id: DiagnosticId) => DIAGNOSTICS.find((spec) => spec.id === id)!.title;

/** Fixtures: one answer per check, as the data source backend gives them. */
const RESULTS: Record<string, Omit<DiagnosticResult, 'id'>> = {
  [DiagnosticId.LogFiles]: {
    status: 'ok',
    summary: 'All 6 log files present; application.jsonl written in the last hour.',
    evidence: { lines: ['Log directory: /var/log/kamiwaza', 'application.jsonl: 5.6 MB, last write just now'] },
  },
  [DiagnosticId.Startup]: {
    status: 'warning',
    summary: '2 error lines in kamiwazad.log in the last 24 hours; the newest first below.',
    evidence: {
      lines: ['2026-11-20 10:00:00,123 [ERROR] kamiwazad.health: service milvus unhealthy'],
      query: '{source="kamiwazad"} | detected_level=~"error|critical|fatal"',
      from: 'now-24h',
    },
  },
  [DiagnosticId.ApiErrors]: {
    status: 'warning',
    summary: '3 ERROR events in the last 24 hours across 1 service.',
    evidence: {
      lines: ['kamiwaza.api: 3', '', 'Last stack trace:', 'Traceback (most recent call last):'],
      query: '{source="application"} | level="ERROR"',
    },
  },
  [DiagnosticId.Collector]: {
    status: 'skipped',
    summary: 'OpenTelemetry is off (KAMIWAZA_OTEL_ENABLED is not true): no collector is expected.',
    evidence: { lines: [] },
  },
  [DiagnosticId.OtlpEndpoint]: {
    status: 'error',
    summary: 'https://gw.example.com:4317 is not reachable from this host.',
    evidence: { lines: ['TCP connect to gw.example.com:4317 failed: ECONNREFUSED'] },
  },
  [DiagnosticId.TlsMismatch]: {
    status: 'info',
    summary: 'No export failures in the last 24 hours.',
    evidence: { lines: [] },
  },
  [DiagnosticId.LokiWithoutOtel]: {
    status: 'error',
    summary: 'Loki is enabled without OpenTelemetry: Loki gets nothing.',
    evidence: { lines: ['KAMIWAZA_LOKI_ENABLED=true', 'KAMIWAZA_OTEL_ENABLED=false'] },
  },
};

beforeEach(() => {
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest
    .mocked(getDataSourceSrv)
    .mockReturnValue({ getList: () => [logs] } as unknown as ReturnType<typeof getDataSourceSrv>);
  fetchMock.mockReset();
});

describe('Diagnostics', () => {
  it('renders every status with its evidence, an Explore link on the query, and the fix for problems', async () => {
    fetchMock.mockImplementation(({ url }: { url: string }) => {
      if (url === '/api/datasources') {
        return of({ data: [{ uid: 'loki', name: 'Loki', type: 'loki' }] });
      }
      if (url === '/api/datasources/uid/loki/health') {
        return throwError(() => ({ status: 400, data: { status: 'ERROR', message: 'Unable to connect with Loki' } }));
      }
      const id = url.split('/').pop()!;
      return of({ data: { id, ...RESULTS[id] } });
    });
    render(
      <Diagnostics settings={{ logsDatasourceUid: 'kamiwaza-logs', overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG' } }} />
    );

    expect(await within(card(titleOf(DiagnosticId.LogFiles))).findByText('OK')).toBeInTheDocument();
    const expectations: Array<[DiagnosticId, string]> = [
      [DiagnosticId.Startup, 'Warning'],
      [DiagnosticId.Collector, 'Skipped'],
      [DiagnosticId.OtlpEndpoint, 'Error'],
      [DiagnosticId.TlsMismatch, 'Info'],
      [DiagnosticId.LokiDataSource, 'Error'],
    ];
    for (const [id, badge] of expectations) {
      expect(await within(card(titleOf(id))).findByText(badge)).toBeInTheDocument();
    }

    const startup = within(card(titleOf(DiagnosticId.Startup)));
    expect(startup.getByLabelText(/evidence/)).toHaveTextContent('service milvus unhealthy');
    const link = startup.getByRole('link', { name: /open in explore/i });
    const pane = Object.values(
      JSON.parse(new URLSearchParams(link.getAttribute('href')!.split('?')[1]).get('panes')!)
    )[0] as {
      datasource: string;
      queries: Array<{ expr: string }>;
      range: { from: string };
    };
    expect([pane.datasource, pane.queries[0].expr, pane.range.from]).toEqual([
      'kamiwaza-logs',
      '{source="kamiwazad"} | detected_level=~"error|critical|fatal"',
      'now-24h',
    ]);
    expect(startup.getByText(/tail -f \$KAMIWAZA_ROOT\/logs\/kamiwazad.log/)).toBeInTheDocument();

    // No fix for a check that is fine or skipped; no Explore link without a query.
    const collector = within(card(titleOf(DiagnosticId.Collector)));
    expect(collector.queryByText('The guide’s fix')).not.toBeInTheDocument();
    expect(within(card(titleOf(DiagnosticId.LogFiles))).queryByRole('link')).not.toBeInTheDocument();

    const loki = within(card(titleOf(DiagnosticId.LokiDataSource)));
    expect(loki.getByText('Loki does not answer: Unable to connect with Loki')).toBeInTheDocument();

    // Each backend check was one POST with the app's overrides.
    const posts = fetchMock.mock.calls.map(([r]) => r).filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url).sort()).toEqual(
      DIAGNOSTICS.filter((s) => !s.inBrowser)
        .map((s) => `/api/datasources/uid/kamiwaza-logs/resources/diagnostics/${s.id}`)
        .sort()
    );
    expect(posts[0].data).toEqual({
      overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG' },
      secretOverrides: [],
      envFilePath: undefined,
      collectorHost: undefined,
    });
  });

  it('shows each check as it finishes, while the others still run', async () => {
    const pending = new Map<string, Subject<unknown>>();
    fetchMock.mockImplementation(({ url }: { url: string }) => {
      const subject = new Subject<unknown>();
      pending.set(url.split('/').pop()!, subject);
      return subject;
    });
    render(<Diagnostics />);
    expect(screen.getAllByText('Running')).toHaveLength(DIAGNOSTICS.length);

    await act(async () => {
      const subject = pending.get(DiagnosticId.LokiWithoutOtel)!;
      subject.next({ data: { id: DiagnosticId.LokiWithoutOtel, ...RESULTS[DiagnosticId.LokiWithoutOtel] } });
      subject.complete();
    });
    expect(within(card(titleOf(DiagnosticId.LokiWithoutOtel))).getByText('Error')).toBeInTheDocument();
    expect(screen.getAllByText('Running')).toHaveLength(DIAGNOSTICS.length - 1);
  });

  it('reports a check whose request failed as an error of that check only', async () => {
    fetchMock.mockImplementation(({ url }: { url: string }) =>
      url.endsWith(DiagnosticId.ApiErrors)
        ? throwError(() => ({ status: 503, data: { message: 'Plugin unavailable' } }))
        : url === '/api/datasources'
          ? of({ data: [] })
          : of({ data: { id: url.split('/').pop(), ...RESULTS[url.split('/').pop()!] } })
    );
    render(<Diagnostics />);
    const apiErrors = within(card(titleOf(DiagnosticId.ApiErrors)));
    expect(await apiErrors.findByText('The check did not run: Plugin unavailable')).toBeInTheDocument();
    expect(await within(card(titleOf(DiagnosticId.LokiDataSource))).findByText('Info')).toBeInTheDocument();
    expect(within(card(titleOf(DiagnosticId.LogFiles))).getByText('OK')).toBeInTheDocument();
  });
});
