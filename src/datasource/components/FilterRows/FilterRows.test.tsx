import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { FilterRows } from './FilterRows';

describe('FilterRows', () => {
  function renderRows(rows: string[]) {
    const onChange = jest.fn();
    render(
      <FilterRows rows={rows} noun="Word" empty="" onChange={onChange}>
        {(row, index, replace) => (
          <button type="button" onClick={() => replace(`${row}!`, true)}>
            {`edit ${index}`}
          </button>
        )}
      </FilterRows>
    );
    return onChange;
  }

  it('replaces, removes and adds rows', () => {
    const onChange = renderRows(['a', 'b']);
    fireEvent.click(screen.getByText('edit 1'));
    expect(onChange).toHaveBeenLastCalledWith(['a', 'b!'], true);
    fireEvent.click(screen.getAllByRole('button', { name: 'Remove this word' })[0]);
    expect(onChange).toHaveBeenLastCalledWith(['b'], true);
    fireEvent.click(screen.getByRole('button', { name: 'Word' }));
    expect(onChange).toHaveBeenLastCalledWith(['a', 'b', ''], false);
  });
});
