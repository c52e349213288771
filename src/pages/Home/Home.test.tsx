import type { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import React from 'react';
import { of, throwError } from 'rxjs';

import { DiagnosticId, type DiagnosticResult } from '../../shared/environment-diagnostics';
import { Home } from './Home';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getDataSourceSrv: jest.fn(),
}));
// uPlot needs a canvas, which jsdom lacks: the sparkline's data is asserted instead.
jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  Sparkline: ({ sparkline }: { sparkline: { y: { values: number[] } } }) => (
    <output aria-label="sparkline">{sparkline.y.values.join(',')}</output>
  ),
}));

const fetchMock = jest.fn();
const getList = jest.fn();
const NOW = Date.parse('2026-11-20T12:00:00Z');

const logsDataSource = (uid: string, name: string) =>
  ({ uid, name, type: 'kamiwaza-logs-datasource' }) as DataSourceInstanceSettings;

/** The query Explore would run for a link on the page. */
function exploreQuery(link: HTMLElement) {
  const panes = new URLSearchParams(link.getAttribute('href')!.split('?')[1]).get('panes')!;
  const pane = Object.values(JSON.parse(panes))[0] as { datasource: string; queries: Array<{ expr: string }> };
  return { datasource: pane.datasource, expr: pane.queries[0].expr };
}

/** A time series frame as /api/ds/query answers it. */
const series = (refId: string, times: number[], values: number[]) => ({
  frames: [
    {
      schema: {
        refId,
        fields: [
          { name: 'Time', type: 'time' },
          { name: 'Value', type: 'number' },
        ],
      },
      data: { values: [times, values] },
    },
  ],
});

/** Answers the Home page's requests: health, the two count queries, and every check. */
function backend(checks: Partial<Record<DiagnosticId, DiagnosticResult['status']>> = {}) {
  fetchMock.mockImplementation(({ url, data }: { url: string; data?: { from: string } }) => {
    if (url.endsWith('/health')) {
      return of({ data: { status: 'OK', message: 'Reading logs from /var/log/kamiwaza' } });
    }
    if (url === '/api/ds/query') {
      const hour = Number(data!.from) === NOW - 3_600_000;
      const step = hour ? 60_000 : 1_800_000;
      return of({
        data: {
          results: {
            'errors-total': series('errors-total', [NOW], [hour ? 7 : 120]),
            'errors-spark': series('errors-spark', [NOW - 2 * step, NOW], [3, 4]),
            'audit-total': series('audit-total', [NOW], [hour ? 0 : 5]),
            'audit-spark': { frames: [] },
          },
        },
      });
    }
    if (url === '/api/datasources') {
      return of({ data: [] });
    }
    return checkAnswer(url, checks);
  });
}

/** A check's answer, by its id (the last segment of the resource path). */
function checkAnswer(url: string, checks: Partial<Record<DiagnosticId, DiagnosticResult['status']>> = {}) {
  const id = url.split('/').pop() as DiagnosticId;
  return of({ data: { id, status: checks[id] ?? 'ok', summary: `${id} summary`, evidence: { lines: [] } } });
}

/** Every check has answered: no state update lands after the test ends. */
const checksSettled = () => waitFor(() => expect(screen.queryAllByText('Running')).toHaveLength(0));

beforeEach(() => {
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.mocked(getDataSourceSrv).mockReturnValue({ getList } as unknown as ReturnType<typeof getDataSourceSrv>);
  fetchMock.mockReset();
  getList.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => jest.restoreAllMocks());

describe('Home', () => {
  it('says so when no Kamiwaza Logs data source exists, and asks the backend nothing', async () => {
    getList.mockReturnValue([]);
    backend();
    render(<Home />);

    expect(screen.getByText('No Kamiwaza Logs data source is provisioned')).toBeInTheDocument();
    expect(getList).toHaveBeenCalledWith({ pluginId: 'kamiwaza-logs-datasource' });
    // Only the Loki check runs (through Grafana's API); the others say why they cannot.
    await checksSettled();
    expect(fetchMock.mock.calls.map(([r]) => r.url)).toEqual(['/api/datasources']);
    expect(screen.getAllByText('Skipped').length).toBeGreaterThanOrEqual(7);
  });

  it('shows the data source health, the counts for the hour and the day with sparklines', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    backend();
    render(<Home />);

    expect(await screen.findByText('Kamiwaza Logs is working')).toBeInTheDocument();
    expect(await screen.findByLabelText('Application errors, last hour')).toHaveTextContent('7');
    expect(screen.getByLabelText('Application errors, last 24 hours')).toHaveTextContent('120');
    expect(screen.getByLabelText('Failed audit events, last 24 hours')).toHaveTextContent('5');
    // Steps without lines are zeros: a 1-minute step over the last hour gives 60 points.
    const errors = within(screen.getByRole('region', { name: 'Application errors' }));
    const [hourSpark, daySpark] = errors.getAllByLabelText('sparkline');
    const hourValues = hourSpark.textContent!.split(',').map(Number);
    expect(hourValues).toHaveLength(60);
    expect(hourValues.slice(-3)).toEqual([3, 0, 4]);
    expect(daySpark.textContent!.split(',')).toHaveLength(48);

    const queries = fetchMock.mock.calls.filter(([r]) => r.url === '/api/ds/query').map(([r]) => r.data);
    expect(queries).toHaveLength(2);
    expect(queries[0].queries.map((q: { expr: string }) => q.expr)).toEqual([
      'sum(count_over_time({source="application"} | level="ERROR" [1h]))',
      'sum(count_over_time({source="application"} | level="ERROR" [1m]))',
      'sum(count_over_time({source="audit"} | outcome="failure" [1h]))',
      'sum(count_over_time({source="audit"} | outcome="failure" [1m]))',
    ]);
    expect(exploreQuery(errors.getByRole('link', { name: /open in explore/i }))).toEqual({
      datasource: 'kamiwaza-logs',
      expr: '{source="application"} | level="ERROR"',
    });
    await checksSettled();
  });

  it("shows each check's state at a glance", async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    backend({
      [DiagnosticId.TlsMismatch]: 'error',
      [DiagnosticId.ApiErrors]: 'warning',
      [DiagnosticId.Collector]: 'skipped',
    });
    render(<Home />);

    await checksSettled();
    const item = (text: string) => screen.getByText(text).closest('li')!;
    expect(item('OTEL export failures (StatusCode.UNAVAILABLE)')).toHaveTextContent('Error');
    expect(item('Recent API errors')).toHaveTextContent('Warning');
    expect(item('OTEL collector running and healthy')).toHaveTextContent('Skipped');
    expect(item('Log files present and fresh')).toHaveTextContent('OK');
    expect(item('Loki data source present and answering')).toHaveTextContent('Info');
  });

  it('opens the trace drill-down dashboard with var-trace_id, and the raw lines in Explore', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    backend();
    render(<Home />);
    await screen.findByText('Kamiwaza Logs is working');

    expect(screen.queryByRole('link', { name: /open trace drill-down/i })).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Trace id/), { target: { value: ' 4bf92f3577b34da6a3ce929d0e0e4736 ' } });

    const dashboard = new URL(
      screen.getByRole('link', { name: /open trace drill-down/i }).getAttribute('href')!,
      'http://x'
    );
    expect(dashboard.pathname).toBe('/d/kamiwaza-trace-drilldown');
    expect(dashboard.searchParams.get('var-trace_id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(exploreQuery(screen.getByRole('link', { name: /find logs/i }))).toEqual({
      datasource: 'kamiwaza-logs',
      expr: '{source=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"',
    });
    await checksSettled();
  });

  it('links every shipped dashboard by its UID', async () => {
    getList.mockReturnValue([]);
    backend();
    render(<Home />);
    const hrefs = screen
      .getAllByRole('link')
      .map((link) => link.getAttribute('href'))
      .filter((href) => href?.startsWith('/d/'));
    expect(hrefs).toEqual([
      '/d/kamiwaza-service-errors',
      '/d/kamiwaza-audit-activity',
      '/d/kamiwaza-trace-drilldown',
      '/d/kamiwaza-http-gateway',
      '/d/kamiwaza-platform-startup',
    ]);
    await checksSettled();
  });

  it('shows a failed count and a failed health check as such', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    fetchMock.mockImplementation(({ url }: { url: string }) =>
      url.endsWith('/health')
        ? throwError(() => ({ status: 400, data: { status: 'ERROR', message: 'No readable log directory' } }))
        : url === '/api/ds/query'
          ? throwError(() => ({ status: 500, data: { message: 'query timed out' } }))
          : url === '/api/datasources'
            ? of({ data: [] })
            : checkAnswer(url)
    );
    render(<Home />);
    expect(await screen.findByText('Kamiwaza Logs reports a problem')).toBeInTheDocument();
    expect(screen.getByText('No readable log directory')).toBeInTheDocument();
    // Both windows of both tiles.
    expect(await screen.findAllByText('query timed out')).toHaveLength(4);
    await checksSettled();
  });
});
