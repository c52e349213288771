import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { LabelFilter } from '../../logql/builder';
import { LabelFiltersEditor } from './LabelFiltersEditor';

const FILTERS: LabelFilter[] = [
  { label: 'actor', op: '=', value: 'admin' },
  { label: 'DownstreamStatus', op: '>=', value: '500' },
];

function renderFilters(filters = FILTERS) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <LabelFiltersEditor
      filters={filters}
      fields={[{ label: 'actor', value: 'actor' }]}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  return { onChange, onRunQuery };
}

describe('LabelFiltersEditor', () => {
  it('shows label, operator and value, a label the lookup did not return included', () => {
    renderFilters();
    expect(screen.getByText('actor')).toBeInTheDocument();
    expect(screen.getByText('DownstreamStatus')).toBeInTheDocument();
    expect(screen.getByText('>=')).toBeInTheDocument();
    expect(screen.getByLabelText('Label filter 2 value')).toHaveValue('500');
  });

  it('edits a value, adds and removes filters', () => {
    const { onChange, onRunQuery } = renderFilters();
    fireEvent.change(screen.getByLabelText('Label filter 1 value'), { target: { value: 'root' } });
    expect(onChange).toHaveBeenLastCalledWith([{ label: 'actor', op: '=', value: 'root' }, FILTERS[1]], false);
    fireEvent.blur(screen.getByLabelText('Label filter 1 value'));
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('button', { name: 'Label filter' }));
    expect(onChange).toHaveBeenLastCalledWith([...FILTERS, { label: '', op: '=', value: '' }], false);
    fireEvent.click(screen.getAllByRole('button', { name: 'Remove this label filter' })[1]);
    expect(onChange).toHaveBeenLastCalledWith([FILTERS[0]], true);
  });
});
