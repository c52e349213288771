import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { BuilderMetric } from '../../logql/builder';
import { DEFAULT_METRIC, MetricEditor } from './MetricEditor';

function renderMetric(metric?: BuilderMetric) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <MetricEditor
      metric={metric}
      fields={[{ label: 'Duration', value: 'Duration' }]}
      groupings={[{ label: 'service_name', value: 'service_name' }]}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  return { onChange, onRunQuery };
}

describe('MetricEditor', () => {
  it('turns a log query into a count summed over all series, and back', () => {
    const { onChange } = renderMetric();
    expect(screen.queryByLabelText('Range')).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('Metric query'));
    expect(onChange).toHaveBeenLastCalledWith({ fn: 'count_over_time', range: '$__auto', sumBy: [] }, true);
  });

  it('switches the metric back off', () => {
    const { onChange } = renderMetric(DEFAULT_METRIC);
    fireEvent.click(screen.getByLabelText('Metric query'));
    expect(onChange).toHaveBeenLastCalledWith(undefined, true);
  });

  it('shows the unwrapped field for a sum of a field, and the grouping', () => {
    renderMetric({ fn: 'sum_over_time', range: '5m', unwrap: 'Duration', sumBy: ['service_name'] });
    expect(screen.getByText('Sum of a field')).toBeInTheDocument();
    expect(screen.getByText('Duration')).toBeInTheDocument();
    expect(screen.getByText('service_name')).toBeInTheDocument();
    expect(screen.getByLabelText('Range')).toHaveValue('5m');
  });

  it('edits the range without running and stops summing', () => {
    const { onChange, onRunQuery } = renderMetric({ fn: 'rate', range: '5m', sumBy: [] });
    fireEvent.change(screen.getByLabelText('Range'), { target: { value: '1h' } });
    expect(onChange).toHaveBeenLastCalledWith({ fn: 'rate', range: '1h', sumBy: [] }, false);
    fireEvent.blur(screen.getByLabelText('Range'));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByLabelText('Sum series'));
    expect(onChange).toHaveBeenLastCalledWith({ fn: 'rate', range: '5m', sumBy: undefined }, true);
  });
});
