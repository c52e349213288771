import type { SelectableValue } from '@grafana/data';
import { Input, Select } from '@grafana/ui';
import React from 'react';

import type { LineFilter, LineFilterOp } from '../../logql/builder';
import { FilterRows } from '../FilterRows/FilterRows';

interface Props {
  filters: LineFilter[];
  /** `run`: the change is complete (a choice, not a keystroke). */
  onChange: (filters: LineFilter[], run: boolean) => void;
  onRunQuery: () => void;
}

const OPS: Array<SelectableValue<LineFilterOp>> = [
  { label: 'contains', value: '|=' },
  { label: 'does not contain', value: '!=' },
  { label: 'matches regex', value: '|~' },
  { label: 'does not match regex', value: '!~' },
];

/** "Line contains / does not contain …", repeatable. */
export function LineFiltersEditor({ filters, onChange, onRunQuery }: Props) {
  return (
    <FilterRows rows={filters} noun="Line filter" empty={{ op: '|=', text: '' }} onChange={onChange}>
      {(filter, index, replace) => (
        <>
          <Select
            aria-label={`Line filter ${index + 1} operator`}
            width={24}
            options={OPS}
            value={filter.op}
            onChange={(option) => replace({ ...filter, op: option.value! }, true)}
          />
          <Input
            aria-label={`Line filter ${index + 1} text`}
            width={40}
            placeholder="text in the line"
            value={filter.text}
            onChange={(event) => replace({ ...filter, text: event.currentTarget.value }, false)}
            onBlur={onRunQuery}
          />
        </>
      )}
    </FilterRows>
  );
}
