import { PluginType, type AppPluginMeta, type DataSourceInstanceSettings, type PluginMeta } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { of, throwError } from 'rxjs';

import { AppConfig, type AppConfigProps } from './AppConfig';
import type { AppSettings } from './settings';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  locationService: { reload: jest.fn() },
  DataSourcePicker: (props: { current: string | null; onChange: (ds: DataSourceInstanceSettings) => void }) => (
    <button onClick={() => props.onChange({ uid: 'logs-2' } as DataSourceInstanceSettings)}>
      picker: {props.current ?? 'none'}
    </button>
  ),
}));

const fetchMock = jest.fn();

function renderConfig(meta: Partial<PluginMeta<AppSettings>>) {
  const props = {
    plugin: {
      meta: {
        id: 'kamiwaza-observability-app',
        name: 'Kamiwaza Observability',
        type: PluginType.app,
        ...meta,
      } as AppPluginMeta<AppSettings>,
    },
    query: {},
  } as unknown as AppConfigProps;
  render(<AppConfig {...props} />);
}

beforeEach(() => {
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  fetchMock.mockReset().mockReturnValue(of({ data: {} }));
  jest.mocked(locationService.reload).mockReset();
});

describe('AppConfig', () => {
  it('enables a disabled app through the plugin settings API and reloads', async () => {
    renderConfig({ enabled: false, jsonData: {} });
    expect(screen.getByText(/the app is disabled/i)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Enable' }));

    await waitFor(() => expect(locationService.reload).toHaveBeenCalled());
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/plugins/kamiwaza-observability-app/settings',
        method: 'POST',
        data: { enabled: true, pinned: true, jsonData: {} },
      })
    );
  });

  it('disables an enabled app', async () => {
    renderConfig({ enabled: true, pinned: true, jsonData: { logsDatasourceUid: 'logs-1' } });

    fireEvent.click(screen.getByRole('button', { name: 'Disable' }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(fetchMock.mock.lastCall[0].data).toEqual({
      enabled: false,
      pinned: false,
      jsonData: { logsDatasourceUid: 'logs-1' },
    });
  });

  it('saves the chosen logs data source in jsonData, keeping the enabled state', async () => {
    renderConfig({ enabled: true, pinned: true, jsonData: { logsDatasourceUid: 'logs-1' } });
    expect(screen.getByText('picker: logs-1')).toBeInTheDocument();

    fireEvent.click(screen.getByText('picker: logs-1'));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(fetchMock.mock.lastCall[0].data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { logsDatasourceUid: 'logs-2' },
    });
  });

  it('shows why saving failed and does not reload', async () => {
    fetchMock.mockReturnValue(throwError(() => ({ status: 403, data: { message: 'Permission denied' } })));
    renderConfig({ enabled: false });

    fireEvent.click(screen.getByRole('button', { name: 'Enable' }));

    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(locationService.reload).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Enable' })).toBeEnabled();
  });

  it('saves environment overrides in jsonData and a new secret only in secureJsonData', async () => {
    renderConfig({ enabled: true, pinned: true, jsonData: { logsDatasourceUid: 'logs-1' } });

    fireEvent.change(screen.getByLabelText(/^env\.sh/), { target: { value: '/srv/kamiwaza/env.sh' } });
    fireEvent.change(screen.getByLabelText(/^KAMIWAZA_LOG_LEVEL/), { target: { value: 'DEBUG' } });
    fireEvent.change(screen.getByLabelText(/^CUSTOMER_OTLP_AUTH/), { target: { value: 'Bearer typed-token' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(fetchMock.mock.lastCall[0].data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: {
        logsDatasourceUid: 'logs-1',
        envFilePath: '/srv/kamiwaza/env.sh',
        overrides: { KAMIWAZA_LOG_LEVEL: 'DEBUG' },
      },
      secureJsonData: { CUSTOMER_OTLP_AUTH: 'Bearer typed-token' },
    });
  });

  it('shows a stored secret as configured without its value, and resets it on request', async () => {
    renderConfig({ enabled: true, pinned: true, jsonData: {}, secureJsonFields: { CUSTOMER_OTLP_AUTH: true } });
    const input = screen.getByLabelText(/^CUSTOMER_OTLP_AUTH/) as HTMLInputElement;
    expect(input).toBeDisabled();
    expect(input.value).toBe('configured');

    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(fetchMock.mock.lastCall[0].data.secureJsonData).toBeUndefined();

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(fetchMock.mock.lastCall[0].data.secureJsonData).toEqual({ CUSTOMER_OTLP_AUTH: '' });
  });
});
