import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { EMPTY_BUILDER_QUERY, type BuilderQuery } from '../../logql/builder';
import { QueryBuilder } from './QueryBuilder';

const QUERY: BuilderQuery = {
  ...EMPTY_BUILDER_QUERY,
  sources: ['audit'],
  levels: ['error'],
  parser: 'json',
  labelFilters: [{ label: 'actor', op: '=', value: 'admin' }],
};

function mockDatasource() {
  return {
    labelNames: jest.fn().mockResolvedValue(['service_name', 'source']),
    labelValues: jest.fn().mockResolvedValue(['kamiwaza.auth']),
    detectedFields: jest.fn().mockRejectedValue({ status: 404 }),
  };
}

async function renderBuilder(query = QUERY) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const datasource = mockDatasource();
  await act(async () => {
    render(<QueryBuilder query={query} datasource={datasource} onChange={onChange} onRunQuery={onRunQuery} />);
  });
  return { onChange, onRunQuery, datasource };
}

describe('QueryBuilder', () => {
  it('shows the model and the LogQL it stands for', async () => {
    await renderBuilder();
    expect(screen.getByText('audit')).toBeInTheDocument();
    expect(screen.getByText('error')).toBeInTheDocument();
    expect(screen.getByLabelText('JSON')).toBeChecked();
    expect(screen.getByLabelText('LogQL preview')).toHaveTextContent(
      '{source="audit"} | detected_level="error" | json | actor="admin"'
    );
  });

  it('looks services up within the chosen sources, and fields of the query before its label filters', async () => {
    const { datasource } = await renderBuilder();
    expect(datasource.labelValues).toHaveBeenCalledWith('source', undefined);
    expect(datasource.labelValues).toHaveBeenCalledWith('service_name', undefined, '{source="audit"}');
    expect(datasource.detectedFields).toHaveBeenCalledWith('{source="audit"} | detected_level="error" | json', undefined);
  });

  it('changes the parser at once and the trace id on blur', async () => {
    const { onChange, onRunQuery } = await renderBuilder();
    await act(async () => fireEvent.click(screen.getByLabelText('logfmt')));
    expect(onChange).toHaveBeenLastCalledWith({ ...QUERY, parser: 'logfmt' }, true);

    fireEvent.change(screen.getByLabelText('Trace id'), { target: { value: ' 4bf92f3577b34da6a3ce929d0e0e4736 ' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...QUERY, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, false);
    fireEvent.blur(screen.getByLabelText('Trace id'));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});
