import type { AppRootProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';
import React from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';

import type { AppSettings } from '../AppConfig/settings';
import { App } from './App';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: jest.fn(),
}));

function CurrentPath() {
  return <output aria-label="path">{useLocation().pathname}</output>;
}

function renderAt(path: string) {
  const props = { meta: { jsonData: {} } } as unknown as AppRootProps<AppSettings>;
  render(
    <MemoryRouter initialEntries={[path]}>
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
  it('shows the overview page on its route', () => {
    renderAt('/overview');
    expect(screen.getByText('No Kamiwaza Logs data source is provisioned')).toBeInTheDocument();
  });

  it('sends unknown paths to the overview', () => {
    renderAt('/nowhere');
    expect(screen.getByLabelText('path')).toHaveTextContent('/overview');
    expect(screen.getByText('No Kamiwaza Logs data source is provisioned')).toBeInTheDocument();
  });
});
