import type { SelectableValue } from '@grafana/data';
import { Button, IconButton, Input, Select, Stack } from '@grafana/ui';
import React from 'react';

import type { LineFilter, LineFilterOp } from '../../logql/builder';

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
  const replace = (index: number, filter: LineFilter, run: boolean) =>
    onChange(filters.map((f, i) => (i === index ? filter : f)), run);
  return (
    <Stack direction="column" gap={1}>
      {filters.map((filter, index) => (
        <Stack key={index} gap={1} alignItems="center">
          <Select
            aria-label={`Line filter ${index + 1} operator`}
            width={24}
            options={OPS}
            value={filter.op}
            onChange={(option) => replace(index, { ...filter, op: option.value! }, true)}
          />
          <Input
            aria-label={`Line filter ${index + 1} text`}
            width={40}
            placeholder="text in the line"
            value={filter.text}
            onChange={(event) => replace(index, { ...filter, text: event.currentTarget.value }, false)}
            onBlur={onRunQuery}
          />
          <IconButton
            name="times"
            tooltip="Remove this line filter"
            onClick={() => onChange(filters.filter((_, i) => i !== index), true)}
          />
        </Stack>
      ))}
      <div>
        <Button
          icon="plus"
          variant="secondary"
          size="sm"
          onClick={() => onChange([...filters, { op: '|=', text: '' }], false)}
        >
          Line filter
        </Button>
      </div>
    </Stack>
  );
}
