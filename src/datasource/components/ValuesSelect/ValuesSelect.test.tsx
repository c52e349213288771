import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { ValuesSelect } from './ValuesSelect';

describe('ValuesSelect', () => {
  it('shows chosen values, known or not, and removes one', () => {
    const onChange = jest.fn();
    render(
      <ValuesSelect
        label="Source"
        values={['audit', 'worker']}
        options={[{ label: 'audit', value: 'audit' }]}
        placeholder="every source"
        width={30}
        onChange={onChange}
      />
    );
    expect(screen.getByText('audit')).toBeInTheDocument();
    expect(screen.getByText('worker')).toBeInTheDocument();
    fireEvent.click(screen.getAllByRole('button', { name: /Remove/ })[0]);
    expect(onChange).toHaveBeenCalledWith(['worker']);
  });
});
