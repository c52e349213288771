import type { DataSourceInstanceSettings, DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React, { useState } from 'react';

import type { KamiwazaLogsSettings } from '../../../shared/settings';
import { ConfigEditor } from './ConfigEditor';

// The real picker lists data sources through Grafana's DataSourceSrv; this one offers one Tempo.
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  DataSourcePicker: (props: {
    current: string | null;
    onChange: (ds: DataSourceInstanceSettings) => void;
    onClear: () => void;
  }) => (
    <div>
      <span>current: {props.current ?? 'none'}</span>
      <button onClick={() => props.onChange({ uid: 'tempo-1', type: 'tempo' } as DataSourceInstanceSettings)}>
        pick tempo
      </button>
      <button onClick={props.onClear}>clear tempo</button>
    </div>
  ),
}));

function renderEditor(jsonData: KamiwazaLogsSettings = {}) {
  const onOptionsChange = jest.fn();
  function Host() {
    const [options, setOptions] = useState({
      uid: 'kamiwaza-logs',
      jsonData,
    } as DataSourceSettings<KamiwazaLogsSettings>);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onOptionsChange(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Host />);
  const lastJsonData = (): KamiwazaLogsSettings => onOptionsChange.mock.lastCall[0].jsonData;
  return { onOptionsChange, lastJsonData };
}

describe('ConfigEditor', () => {
  it('adds, edits and removes log directories', () => {
    const { lastJsonData } = renderEditor({ logDirs: ['/var/log/kamiwaza'] });

    fireEvent.click(screen.getByRole('button', { name: /add directory/i }));
    fireEvent.change(screen.getByLabelText('Log directory 2'), { target: { value: '/opt/kamiwaza/logs' } });
    expect(lastJsonData().logDirs).toEqual(['/var/log/kamiwaza', '/opt/kamiwaza/logs']);

    fireEvent.click(screen.getByRole('button', { name: 'Remove log directory 1' }));
    expect(lastJsonData().logDirs).toEqual(['/opt/kamiwaza/logs']);
    expect(screen.getByLabelText('Log directory 1')).toHaveValue('/opt/kamiwaza/logs');
  });

  it('sets the access log path and clears it back to the default', () => {
    const { lastJsonData } = renderEditor();
    const input = screen.getByLabelText(/^Traefik access log/);

    fireEvent.change(input, { target: { value: 'traefik/access.log' } });
    expect(lastJsonData().accessLogPath).toBe('traefik/access.log');

    fireEvent.change(input, { target: { value: '  ' } });
    expect(lastJsonData().accessLogPath).toBeUndefined();
  });

  it('keeps the numeric limits as numbers and drops invalid ones', () => {
    const { lastJsonData } = renderEditor({ maxLines: 500 });

    fireEvent.change(screen.getByLabelText(/^Query timeout/), { target: { value: '30' } });
    expect(lastJsonData()).toEqual({ maxLines: 500, queryTimeoutSeconds: 30 });

    fireEvent.change(screen.getByLabelText(/^Maximum bytes scanned/), { target: { value: '1073741824' } });
    expect(lastJsonData().maxBytesScanned).toBe(1073741824);

    fireEvent.change(screen.getByLabelText(/^Maximum lines/), { target: { value: '0' } });
    expect(lastJsonData().maxLines).toBeUndefined();
  });

  it('links trace ids to the trace drill-down dashboard by default, without a picker', () => {
    renderEditor();

    expect(screen.getByRole('radio', { name: 'Trace drill-down dashboard' })).toBeChecked();
    expect(screen.getByText('/d/kamiwaza-trace-drilldown?var-trace_id=<trace id>')).toBeInTheDocument();
    expect(screen.queryByText('pick tempo')).not.toBeInTheDocument();
  });

  it('links traces to a picked trace data source, keeps it while links are off, and unlinks on clear', () => {
    const { lastJsonData } = renderEditor();

    fireEvent.click(screen.getByRole('radio', { name: 'Trace data source' }));
    fireEvent.click(screen.getByText('pick tempo'));
    expect(lastJsonData()).toEqual({ traceLinkTarget: 'datasource', tracesDatasourceUid: 'tempo-1' });
    expect(screen.getByText('current: tempo-1')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('radio', { name: 'Off' }));
    expect(lastJsonData()).toEqual({ traceLinkTarget: 'none', tracesDatasourceUid: 'tempo-1' });
    expect(screen.queryByText('pick tempo')).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('radio', { name: 'Trace data source' }));
    fireEvent.click(screen.getByText('clear tempo'));
    expect(lastJsonData().tracesDatasourceUid).toBeUndefined();
  });

  it('shows settings saved with only a Tempo uid as data source links (migration)', () => {
    renderEditor({ tracesDatasourceUid: 'tempo-old' });

    expect(screen.getByRole('radio', { name: 'Trace data source' })).toBeChecked();
    expect(screen.getByText('current: tempo-old')).toBeInTheDocument();
  });
});
