import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { LogContextUi } from './LogContextUi';

describe('LogContextUi', () => {
  it('switches the query pipeline on and off and reruns the context each time', () => {
    const onApplyChange = jest.fn();
    const runContextQuery = jest.fn();
    render(
      <LogContextUi
        pipeline={'| json | level="ERROR"'}
        initialApply={false}
        onApplyChange={onApplyChange}
        runContextQuery={runContextQuery}
      />
    );
    const toggle = screen.getByLabelText("Apply the query's parsers and filters");
    expect(toggle).not.toBeChecked();
    expect(screen.queryByText('| json | level="ERROR"')).not.toBeInTheDocument();

    fireEvent.click(toggle);
    expect(onApplyChange).toHaveBeenLastCalledWith(true);
    expect(runContextQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByText('| json | level="ERROR"')).toBeInTheDocument();

    fireEvent.click(toggle);
    expect(onApplyChange).toHaveBeenLastCalledWith(false);
    expect(runContextQuery).toHaveBeenCalledTimes(2);
  });

  it('starts from the remembered choice', () => {
    render(<LogContextUi pipeline="| logfmt" initialApply onApplyChange={jest.fn()} />);
    expect(screen.getByLabelText("Apply the query's parsers and filters")).toBeChecked();
  });

  it('is off and disabled when the query has no pipeline', () => {
    render(<LogContextUi pipeline="" initialApply onApplyChange={jest.fn()} />);
    const toggle = screen.getByLabelText("Apply the query's parsers and filters");
    expect(toggle).not.toBeChecked();
    expect(toggle).toBeDisabled();
  });
});
