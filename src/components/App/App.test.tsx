import type { AppRootProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { of } from 'rxjs';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';

import { APP_ID } from '../../constants';
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

const APP_BASE = `/a/${APP_ID}`;

/** Mounted as Grafana mounts an app: under /a/<app id>/, its routes relative to that. */
function renderAt(path: string) {
  const props = { meta: { jsonData: {} } } as unknown as AppRootProps<AppSettings>;
  render(
    <MemoryRouter initialEntries={[APP_BASE + path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Routes>
        <Route path={`${APP_BASE}/*`} element={<App {...props} />} />
      </Routes>
      <CurrentPath />
    </MemoryRouter>
  );
}

/** Every check has answered (skipped, with no data source): no state update lands after the test ends. */
const checksSettled = () => waitFor(() => expect(screen.queryAllByText('Running')).toHaveLength(0));

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
    await checksSettled();
  });

  it('shows the diagnostics page on its route', async () => {
    renderAt('/diagnostics');
    expect(await screen.findByText('Log files present and fresh')).toBeInTheDocument();
    await checksSettled();
  });

  it.each(['/nowhere', '/overview'])('sends %s to home', async (path) => {
    renderAt(path);
    expect(screen.getByLabelText('path')).toHaveTextContent(`${APP_BASE}/home`);
    await checksSettled();
  });
});
