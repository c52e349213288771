import { render, screen } from '@testing-library/react';
import React from 'react';
import { of, throwError } from 'rxjs';

import { DataSourceHealth } from './DataSourceHealth';

const fetch = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch }),
}));

describe('DataSourceHealth', () => {
  it("shows each line of the data source's health message on its own", async () => {
    fetch.mockReturnValue(
      of({
        data: {
          status: 'OK',
          message: 'Reading logs from /var/log/kamiwaza.\nIndex: covers all 7 log files (1.8 GB), 16.5 MB in memory.',
        },
      })
    );
    render(<DataSourceHealth uid="kamiwaza-logs" name="Kamiwaza Logs" />);
    expect(await screen.findByText('Kamiwaza Logs is working')).toBeInTheDocument();
    expect(screen.getByText('Reading logs from /var/log/kamiwaza.')).toBeInTheDocument();
    expect(screen.getByText('Index: covers all 7 log files (1.8 GB), 16.5 MB in memory.')).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith(expect.objectContaining({ url: '/api/datasources/uid/kamiwaza-logs/health' }));
  });

  it('shows the message of a failed check as a problem', async () => {
    fetch.mockReturnValue(
      throwError(() => ({ status: 400, data: { status: 'ERROR', message: 'No readable log directory: /logs' } }))
    );
    render(<DataSourceHealth uid="kamiwaza-logs" name="Kamiwaza Logs" />);
    expect(await screen.findByText('Kamiwaza Logs reports a problem')).toBeInTheDocument();
    expect(screen.getByText('No readable log directory: /logs')).toBeInTheDocument();
  });
});
