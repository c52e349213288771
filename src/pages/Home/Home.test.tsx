import type { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { of, throwError } from 'rxjs';

import { Overview } from './Overview';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getDataSourceSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const getList = jest.fn();

const logsDataSource = (uid: string, name: string) =>
  ({ uid, name, type: 'kamiwaza-logs-datasource' }) as DataSourceInstanceSettings;

/** The query Explore would run for a link on the page. */
function exploreQuery(link: HTMLElement) {
  const panes = new URLSearchParams(link.getAttribute('href')!.split('?')[1]).get('panes')!;
  const pane = Object.values(JSON.parse(panes))[0] as { datasource: string; queries: Array<{ expr: string }> };
  return { datasource: pane.datasource, expr: pane.queries[0].expr };
}

beforeEach(() => {
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.mocked(getDataSourceSrv).mockReturnValue({ getList } as unknown as ReturnType<typeof getDataSourceSrv>);
  fetchMock.mockReset();
  getList.mockReset();
});

describe('Overview', () => {
  it('says so when no Kamiwaza Logs data source exists, and offers no dead links', () => {
    getList.mockReturnValue([]);
    render(<Overview />);

    expect(screen.getByText('No Kamiwaza Logs data source is provisioned')).toBeInTheDocument();
    expect(getList).toHaveBeenCalledWith({ pluginId: 'kamiwaza-logs-datasource' });
    expect(screen.queryByRole('link', { name: /open in explore/i })).not.toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('checks the health of the data source and shows the answer', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    fetchMock.mockReturnValue(of({ data: { status: 'OK', message: '7 log files readable under /var/log/kamiwaza' } }));
    render(<Overview />);

    expect(await screen.findByText('Kamiwaza Logs is working')).toBeInTheDocument();
    expect(screen.getByText('7 log files readable under /var/log/kamiwaza')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/api/datasources/uid/kamiwaza-logs/health' })
    );
  });

  it('shows the health failure Grafana reports with HTTP 400 and checks again on request', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    fetchMock.mockReturnValueOnce(
      throwError(() => ({
        status: 400,
        data: { status: 'ERROR', message: 'no log directory found: /var/log/kamiwaza' },
      }))
    );
    render(<Overview />);

    expect(await screen.findByText('Kamiwaza Logs reports a problem')).toBeInTheDocument();
    expect(screen.getByText('no log directory found: /var/log/kamiwaza')).toBeInTheDocument();

    fetchMock.mockReturnValueOnce(of({ data: { status: 'OK', message: 'fine now' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('fine now')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('links the example queries into Explore on the data source chosen in the app settings', async () => {
    getList.mockReturnValue([
      logsDataSource('first', 'Kamiwaza Logs'),
      logsDataSource('chosen', 'Kamiwaza Logs (prod)'),
    ]);
    fetchMock.mockReturnValue(of({ data: { status: 'OK', message: '' } }));
    render(<Overview settings={{ logsDatasourceUid: 'chosen' }} />);

    await screen.findByText('Kamiwaza Logs (prod) is working');
    const links = screen.getAllByRole('link', { name: /open in explore/i });
    expect(exploreQuery(links[0])).toEqual({ datasource: 'chosen', expr: '{source="application"} | level="ERROR"' });
  });

  it('builds a trace lookup link once a trace id is typed', async () => {
    getList.mockReturnValue([logsDataSource('kamiwaza-logs', 'Kamiwaza Logs')]);
    fetchMock.mockReturnValue(of({ data: { status: 'OK', message: '' } }));
    render(<Overview />);
    await screen.findByText('Kamiwaza Logs is working');

    expect(screen.queryByRole('link', { name: /find logs/i })).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Trace id/), { target: { value: '4bf92f3577b34da6a3ce929d0e0e4736' } });

    expect(exploreQuery(screen.getByRole('link', { name: /find logs/i }))).toEqual({
      datasource: 'kamiwaza-logs',
      expr: '{source=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"',
    });
  });
});
