import type { SelectableValue } from '@grafana/data';
import { Input, Select } from '@grafana/ui';
import React from 'react';

import { NUMERIC_OPS, type LabelFilter, type LabelFilterOp } from '../../logql/builder';
import { FilterRows } from '../FilterRows/FilterRows';
import { withValues } from '../QueryBuilder/useOptions';

interface Props {
  filters: LabelFilter[];
  /** Field names the selected lines carry (detected fields). */
  fields: Array<SelectableValue<string>>;
  onChange: (filters: LabelFilter[], run: boolean) => void;
  onRunQuery: () => void;
}

const OPS: Array<SelectableValue<LabelFilterOp>> = (['=', '!=', '=~', '!~', ...NUMERIC_OPS] as const).map((op) => ({
  label: op,
  value: op,
}));

/** `| label op value` filters on parsed fields or structured metadata. */
export function LabelFiltersEditor({ filters, fields, onChange, onRunQuery }: Props) {
  return (
    <FilterRows rows={filters} noun="Label filter" empty={{ label: '', op: '=', value: '' }} onChange={onChange}>
      {(filter, index, replace) => (
        <>
          <Select
            aria-label={`Label filter ${index + 1} label`}
            width={28}
            placeholder="field"
            allowCustomValue
            options={withValues(fields, filter.label ? [filter.label] : [])}
            value={filter.label || null}
            onChange={(option) => replace({ ...filter, label: option.value ?? '' }, true)}
          />
          <Select
            aria-label={`Label filter ${index + 1} operator`}
            width={8}
            options={OPS}
            value={filter.op}
            onChange={(option) => replace({ ...filter, op: option.value! }, true)}
          />
          <Input
            aria-label={`Label filter ${index + 1} value`}
            width={30}
            placeholder={NUMERIC_OPS.includes(filter.op) ? 'number, 1.5s or 10KB' : 'value'}
            value={filter.value}
            onChange={(event) => replace({ ...filter, value: event.currentTarget.value }, false)}
            onBlur={onRunQuery}
          />
        </>
      )}
    </FilterRows>
  );
}
