import type { AppRootProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';
import React from 'react';
import { of } from 'rxjs';
import { MemoryRouter, useLocation } from 'react-router-dom';

import type { AppSettings } from '../AppConfig/settings';
import { App } from './App';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: jest.fn(),
  getBackendSrv: () => ({ fetch: () => of({ data: [] }) }),
}));

function CurrentPath() {
  return <output aria-label="path">{useLocation().pathname}</output>;
}

function renderAt(path: string) {
  const props = { meta: { jsonData: {} } } as unknown as AppRootProps<AppSettings>;
  render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <App {...props} />
      <CurrentPath />
    </MemoryRouter>
  );
}

beforeEach(() => {
  jest
    .mocked(getDataSourceSrv)
    .mockReturnValue({ getList: () => [] } as unknown as ReturnType<typeof getDataSourceSrv>);
});

describe('App', () => {
  it('shows the home page on its route', async () => {
    renderAt('/home');
    expect(screen.getByText('No Kamiwaza Logs data source is provisioned')).toBeInTheDocument();
    expect(await screen.findByText('Trace lookup')).toBeInTheDocument();
  });

  it('shows the diagnostics page on its route', async () => {
    renderAt('/diagnostics');
    expect(await screen.findByText('Log files present and fresh')).toBeInTheDocument();
  });

  it('sends unknown paths, and the former overview page, to home', () => {
    for (const path of ['/nowhere', '/overview']) {
      renderAt(path);
      expect(screen.getAllByLabelText('path').pop()).toHaveTextContent('/home');
    }
  });
});
