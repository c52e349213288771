import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { LineFilter } from '../../logql/builder';
import { LineFiltersEditor } from './LineFiltersEditor';

const FILTERS: LineFilter[] = [
  { op: '|=', text: 'login' },
  { op: '!=', text: 'health' },
];

function renderFilters(filters = FILTERS) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<LineFiltersEditor filters={filters} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('LineFiltersEditor', () => {
  it('shows each filter with its operator', () => {
    renderFilters();
    expect(screen.getByLabelText('Line filter 1 text')).toHaveValue('login');
    expect(screen.getByText('contains')).toBeInTheDocument();
    expect(screen.getByText('does not contain')).toBeInTheDocument();
  });

  it('edits the text without running, and runs on blur', () => {
    const { onChange, onRunQuery } = renderFilters();
    fireEvent.change(screen.getByLabelText('Line filter 2 text'), { target: { value: 'healthz' } });
    expect(onChange).toHaveBeenCalledWith([FILTERS[0], { op: '!=', text: 'healthz' }], false);
    fireEvent.blur(screen.getByLabelText('Line filter 2 text'));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('adds an empty "contains" filter and removes one', () => {
    const { onChange } = renderFilters();
    fireEvent.click(screen.getByRole('button', { name: 'Line filter' }));
    expect(onChange).toHaveBeenLastCalledWith([...FILTERS, { op: '|=', text: '' }], false);
    fireEvent.click(screen.getAllByRole('button', { name: 'Remove this line filter' })[0]);
    expect(onChange).toHaveBeenLastCalledWith([FILTERS[1]], true);
  });
});
