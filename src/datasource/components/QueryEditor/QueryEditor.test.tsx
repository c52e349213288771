import { fireEvent, render, screen } from '@testing-library/react';
import React, { useState } from 'react';

import { LogsQueryType, type KamiwazaLogsQuery } from '../../../shared/query';
import type { DataSource } from '../../datasource';
import { QueryEditor } from './QueryEditor';

const datasource = {} as DataSource;

/** Renders the editor the way Grafana does: the parent owns the query and feeds changes back. */
function renderEditor(initial: Partial<KamiwazaLogsQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
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
  render(<Host />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('updates the expression as the user types and runs it on blur', () => {
    const { onChange, onRunQuery } = renderEditor();
    const field = screen.getByLabelText('LogQL query');

    fireEvent.change(field, { target: { value: '{source="application"} | level="ERROR"' } });
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ expr: '{source="application"} | level="ERROR"' })
    );
    expect(onRunQuery).not.toHaveBeenCalled();

    fireEvent.blur(field);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('runs the query on Shift+Enter but not on a plain Enter', () => {
    const { onRunQuery } = renderEditor({ expr: '{source="audit"}' });
    const field = screen.getByLabelText('LogQL query');

    fireEvent.keyDown(field, { key: 'Enter' });
    expect(onRunQuery).not.toHaveBeenCalled();

    fireEvent.keyDown(field, { key: 'Enter', shiftKey: true });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('switches to an instant query and runs it at once', () => {
    const { onChange, onRunQuery } = renderEditor({ expr: 'count_over_time({source="audit"}[5m])' });

    fireEvent.click(screen.getByLabelText('Instant'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: LogsQueryType.Instant }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('sets the direction', () => {
    const { onChange } = renderEditor();
    fireEvent.click(screen.getByLabelText('Oldest first'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ direction: 'forward' }));
  });

  it('keeps a positive line limit and drops an invalid one', () => {
    const { onChange } = renderEditor();
    const limit = screen.getByLabelText('Line limit');

    fireEvent.change(limit, { target: { value: '250' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ maxLines: 250 }));

    fireEvent.change(limit, { target: { value: '-3' } });
    expect(onChange.mock.lastCall[0].maxLines).toBeUndefined();
  });

  it('edits legend and step', () => {
    const { onChange } = renderEditor();
    fireEvent.change(screen.getByLabelText('Legend'), { target: { value: '{{service_name}}' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ legendFormat: '{{service_name}}' }));
    fireEvent.change(screen.getByLabelText('Step'), { target: { value: '30s' } });
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ step: '30s', legendFormat: '{{service_name}}' })
    );
  });
});
