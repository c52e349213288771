import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { MARKER_OWNER } from '../../logql/monaco';
import { lastFake } from '../../logql/testing/FakeCodeEditor';
import { LogQLCodeEditor } from './LogQLCodeEditor';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  CodeEditor: jest.requireActual('../../logql/testing/FakeCodeEditor').FakeCodeEditor,
}));

const datasource = {
  labelNames: jest.fn().mockResolvedValue(['source']),
  labelValues: jest.fn().mockResolvedValue([]),
  detectedFields: jest.fn().mockRejectedValue({ status: 404 }),
};

function renderEditor(value: string, engineError?: string) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const view = render(
    <LogQLCodeEditor
      value={value}
      datasource={datasource}
      engineError={engineError}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  return { onChange, onRunQuery, view, field: screen.getByLabelText('code editor') };
}

const markers = () => lastFake.monaco!.markers.get(MARKER_OWNER);

describe('LogQLCodeEditor', () => {
  it('registers LogQL and a completion provider on mount', () => {
    renderEditor('{source="audit"}');
    expect(lastFake.monaco!.monaco.languages.register).toHaveBeenCalledWith({ id: 'logql' });
    expect(lastFake.monaco!.providers).toHaveLength(1);
  });

  it('runs the query with its text on Shift+Enter, not on Enter', () => {
    const { onChange, onRunQuery, field } = renderEditor('{source="audit"}');
    fireEvent.change(field, { target: { value: '{source="application"}' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.keyDown(field, { key: 'Enter', shiftKey: true });
    expect(onChange).toHaveBeenCalledWith('{source="application"}');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('updates the query on blur without running it', () => {
    const { onChange, onRunQuery, field } = renderEditor('{source="audit"}');
    fireEvent.change(field, { target: { value: '{source="audit"} | json' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(field);
    expect(onChange).toHaveBeenCalledWith('{source="audit"} | json');
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('marks a syntax error as the text changes', () => {
    const { field } = renderEditor('{source="audit"}');
    expect(markers()).toEqual([]);
    fireEvent.change(field, { target: { value: '{source="audit"} | )' } });
    expect(markers()).toEqual([expect.objectContaining({ startColumn: 20, endColumn: 21 })]);
  });

  it('marks the position an engine error names, until the text changes', () => {
    const { field } = renderEditor(
      '{source="audit"} |~ "("',
      'parse error at line 1, col 21: invalid regex "(": missing closing )'
    );
    expect(markers()).toEqual([
      expect.objectContaining({ message: 'invalid regex "(": missing closing )', startColumn: 21, endColumn: 24 }),
    ]);
    fireEvent.change(field, { target: { value: '{source="audit"} |~ "(a)"' } });
    expect(markers()).toEqual([]);
  });
});
