import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, Select } from '@grafana/ui';
import React from 'react';

import type { BuilderMetric, MetricFunction } from '../../logql/builder';
import { withValues } from '../QueryBuilder/useOptions';
import { ValuesSelect } from '../ValuesSelect/ValuesSelect';

interface Props {
  /** undefined: a log query. */
  metric?: BuilderMetric;
  /** Field names for unwrap (detected fields). */
  fields: Array<SelectableValue<string>>;
  /** Labels and fields to sum by. */
  groupings: Array<SelectableValue<string>>;
  onChange: (metric: BuilderMetric | undefined, run: boolean) => void;
  onRunQuery: () => void;
}

const FUNCTIONS: Array<SelectableValue<MetricFunction>> = [
  { label: 'Count lines', value: 'count_over_time', description: 'count_over_time: lines per range' },
  { label: 'Rate', value: 'rate', description: 'rate: lines per second' },
  { label: 'Bytes', value: 'bytes_over_time', description: 'bytes_over_time: bytes of the lines per range' },
  { label: 'Sum of a field', value: 'sum_over_time', description: 'sum_over_time of an unwrapped numeric field' },
];

export const DEFAULT_METRIC: BuilderMetric = { fn: 'count_over_time', range: '$__auto', sumBy: [] };
const LABEL_WIDTH = 12;

/** The metric toggle: a range function over the log query, optionally summed by labels. */
export function MetricEditor({ metric, fields, groupings, onChange, onRunQuery }: Props) {
  const toggle = (
    <InlineField label="Metric" labelWidth={LABEL_WIDTH} tooltip="Turn the log query into a series over time">
      <InlineSwitch
        aria-label="Metric query"
        value={!!metric}
        onChange={() => onChange(metric ? undefined : DEFAULT_METRIC, true)}
      />
    </InlineField>
  );
  if (!metric) {
    return <InlineFieldRow>{toggle}</InlineFieldRow>;
  }
  const update = (changes: Partial<BuilderMetric>, run = true) => onChange({ ...metric, ...changes }, run);
  return (
    <InlineFieldRow>
      {toggle}
      <InlineField label="Function" labelWidth={LABEL_WIDTH}>
        <Select
          aria-label="Metric function"
          width={20}
          options={FUNCTIONS}
          value={metric.fn}
          onChange={(option) => update({ fn: option.value!, unwrap: option.value === 'sum_over_time' ? metric.unwrap : undefined })}
        />
      </InlineField>
      {metric.fn === 'sum_over_time' && (
        <InlineField label="Field" labelWidth={LABEL_WIDTH} tooltip="The numeric field to add up (| unwrap)">
          <Select
            aria-label="Unwrapped field"
            width={24}
            allowCustomValue
            placeholder="field"
            options={withValues(fields, metric.unwrap ? [metric.unwrap] : [])}
            value={metric.unwrap ?? null}
            onChange={(option) => update({ unwrap: option.value })}
          />
        </InlineField>
      )}
      <InlineField label="Range" labelWidth={LABEL_WIDTH} tooltip="Window of each point: 5m, $__auto, $__interval">
        <Input
          aria-label="Range"
          width={14}
          value={metric.range}
          onChange={(event) => update({ range: event.currentTarget.value }, false)}
          onBlur={onRunQuery}
        />
      </InlineField>
      <InlineField label="Sum" labelWidth={LABEL_WIDTH} tooltip="Add the series up, one per value of the labels chosen">
        <InlineSwitch
          aria-label="Sum series"
          value={!!metric.sumBy}
          onChange={() => update({ sumBy: metric.sumBy ? undefined : [] })}
        />
      </InlineField>
      {metric.sumBy && (
        <InlineField label="by" labelWidth={6}>
          <ValuesSelect
            label="Sum by"
            width={40}
            placeholder="all series together"
            options={groupings}
            values={metric.sumBy}
            onChange={(sumBy) => update({ sumBy })}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
