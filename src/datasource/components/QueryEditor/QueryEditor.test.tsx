import { act, fireEvent, render, screen } from '@testing-library/react';
import React, { useState } from 'react';

import { QueryEditorMode, type KamiwazaLogsQuery } from '../../../shared/query';
import type { DataSource } from '../../datasource';
import { QueryEditor } from './QueryEditor';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  CodeEditor: jest.requireActual('../../logql/testing/FakeCodeEditor').FakeCodeEditor,
}));

function mockDatasource() {
  return {
    labelNames: jest.fn().mockResolvedValue(['service_name', 'source']),
    labelValues: jest.fn().mockResolvedValue(['application', 'audit']),
    detectedFields: jest.fn().mockResolvedValue([]),
    queryStats: jest.fn().mockRejectedValue({ status: 404 }),
  } as unknown as DataSource;
}

/** Renders the editor the way Grafana does: the parent owns the query and feeds changes back. */
async function renderEditor(initial: Partial<KamiwazaLogsQuery>) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const datasource = mockDatasource();
  function Host() {
    const [query, setQuery] = useState<KamiwazaLogsQuery>({ refId: 'A', expr: '', ...initial });
    return (
      <QueryEditor
        datasource={datasource}
        query={query}
        onChange={(next) => {
          onChange(next);
          setQuery(next);
        }}
        onRunQuery={onRunQuery}
      />
    );
  }
  await act(async () => {
    render(<Host />);
  });
  return { onChange, onRunQuery };
}

/** A user event, then the lookups it starts (builder options) settle. */
async function user(event: () => void) {
  await act(async () => event());
}

describe('QueryEditor', () => {
  it('opens a query the builder shows in the builder when no mode is saved', async () => {
    await renderEditor({ expr: '{source="audit"} |= "login"' });
    expect(screen.getByLabelText('Line filter 1 text')).toHaveValue('login');
    expect(screen.queryByLabelText('code editor')).not.toBeInTheDocument();
  });

  it('opens other queries in code, and says why when the builder is asked for', async () => {
    const { onChange } = await renderEditor({ expr: 'count_over_time({source="audit"}[5m]) / 60' });
    expect(screen.getByLabelText('code editor')).toBeInTheDocument();
    expect(screen.queryByText(/Shown as code/)).not.toBeInTheDocument();

    await user(() => fireEvent.click(screen.getByLabelText('Builder')));
    expect(screen.getByRole('status')).toHaveTextContent('Shown as code: binary operations are not shown in the builder');
    expect(screen.getByLabelText('code editor')).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('keeps a saved code mode', async () => {
    await renderEditor({ expr: '{source="audit"}', editorMode: QueryEditorMode.Code });
    expect(screen.getByLabelText('code editor')).toBeInTheDocument();
  });

  it('switches code → builder keeping the text, and builder edits write canonical LogQL and run', async () => {
    const { onChange, onRunQuery } = await renderEditor({
      expr: '{ source = "audit" } | json | actor="admin", outcome="failure"',
      editorMode: QueryEditorMode.Code,
    });
    await user(() => fireEvent.click(screen.getByLabelText('Builder')));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ editorMode: QueryEditorMode.Builder, expr: '{ source = "audit" } | json | actor="admin", outcome="failure"' })
    );

    await user(() => fireEvent.click(screen.getByLabelText('logfmt')));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ expr: '{source="audit"} | logfmt | actor="admin" | outcome="failure"' })
    );
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    await user(() => fireEvent.click(screen.getByLabelText('Code')));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ editorMode: QueryEditorMode.Code }));
    expect(screen.getByLabelText('code editor')).toHaveValue('{source="audit"} | logfmt | actor="admin" | outcome="failure"');
  });

  it('keeps an empty builder row without putting it in the text', async () => {
    const { onChange } = await renderEditor({ expr: '{source="audit"}', editorMode: QueryEditorMode.Builder });
    await user(() => fireEvent.click(screen.getByRole('button', { name: 'Line filter' })));
    expect(screen.getByLabelText('Line filter 1 text')).toHaveValue('');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ expr: '{source="audit"}' }));
    await user(() => fireEvent.change(screen.getByLabelText('Line filter 1 text'), { target: { value: 'denied' } }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ expr: '{source="audit"} |= "denied"' }));
  });

  it('has the options row and runs on Shift+Enter in code', async () => {
    const { onRunQuery } = await renderEditor({ expr: '{source="audit"}', editorMode: QueryEditorMode.Code });
    expect(screen.getByText(/Type: Range\s+Line limit: 1000/)).toBeInTheDocument();
    fireEvent.keyDown(screen.getByLabelText('code editor'), { key: 'Enter', shiftKey: true });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});
