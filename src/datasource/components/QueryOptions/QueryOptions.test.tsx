import { fireEvent, render, screen } from '@testing-library/react';
import React, { useState } from 'react';

import { LogsQueryType, type KamiwazaLogsQuery } from '../../../shared/query';
import { optionsSummary, QueryOptions } from './QueryOptions';

function renderOptions(initial: Partial<KamiwazaLogsQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  function Host() {
    const [query, setQuery] = useState<KamiwazaLogsQuery>({ refId: 'A', expr: '{source="audit"}', ...initial });
    return (
      <QueryOptions
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

describe('optionsSummary', () => {
  it('names the defaults', () => {
    expect(optionsSummary({ refId: 'A', expr: '' })).toBe(
      'Type: Range  Line limit: 1000  Direction: Newest first  Step: auto'
    );
  });

  it('names what is set, legend included', () => {
    expect(
      optionsSummary({
        refId: 'A',
        expr: '',
        queryType: LogsQueryType.Instant,
        maxLines: 250,
        direction: 'forward',
        legendFormat: '{{service_name}}',
        step: '30s',
      })
    ).toBe('Type: Instant  Line limit: 250  Direction: Oldest first  Legend: {{service_name}}  Step: 30s');
  });
});

describe('QueryOptions', () => {
  it('shows the summary while collapsed and the fields when opened', () => {
    renderOptions({ queryType: LogsQueryType.Stream });
    expect(screen.getByText(/Type: Stream/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Line limit')).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: /Options/ }));
    expect(screen.getByLabelText('Line limit')).toBeInTheDocument();
    expect(screen.queryByText(/Type: Stream/)).not.toBeInTheDocument();
  });

  it('switches to an instant query and runs it at once', () => {
    const { onChange, onRunQuery } = renderOptions();
    fireEvent.click(screen.getByRole('button', { name: /Options/ }));
    fireEvent.click(screen.getByLabelText('Instant'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: LogsQueryType.Instant }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('sets the direction', () => {
    const { onChange } = renderOptions();
    fireEvent.click(screen.getByRole('button', { name: /Options/ }));
    fireEvent.click(screen.getByLabelText('Oldest first'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ direction: 'forward' }));
  });

  it('keeps a positive line limit, drops an invalid one, and runs on blur', () => {
    const { onChange, onRunQuery } = renderOptions();
    fireEvent.click(screen.getByRole('button', { name: /Options/ }));
    const limit = screen.getByLabelText('Line limit');

    fireEvent.change(limit, { target: { value: '250' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ maxLines: 250 }));
    fireEvent.change(limit, { target: { value: '-3' } });
    expect(onChange.mock.lastCall[0].maxLines).toBeUndefined();
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(limit);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('edits legend and step', () => {
    const { onChange } = renderOptions();
    fireEvent.click(screen.getByRole('button', { name: /Options/ }));
    fireEvent.change(screen.getByLabelText('Legend'), { target: { value: '{{service_name}}' } });
    fireEvent.change(screen.getByLabelText('Step'), { target: { value: '30s' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ step: '30s', legendFormat: '{{service_name}}' }));
  });
});
