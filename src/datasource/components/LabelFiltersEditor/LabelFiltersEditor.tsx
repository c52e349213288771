import type { SelectableValue } from '@grafana/data';
import { Button, IconButton, Input, Select, Stack } from '@grafana/ui';
import React from 'react';

import type { LabelFilter, LabelFilterOp } from '../../logql/builder';
import { withValues } from '../QueryBuilder/useOptions';

interface Props {
  filters: LabelFilter[];
  /** Field names the selected lines carry (detected fields). */
  fields: Array<SelectableValue<string>>;
  onChange: (filters: LabelFilter[], run: boolean) => void;
  onRunQuery: () => void;
}

const OPS: Array<SelectableValue<LabelFilterOp>> = (['=', '!=', '=~', '!~', '>', '>=', '<', '<='] as const).map(
  (op) => ({ label: op, value: op })
);

/** `| label op value` filters on parsed fields or structured metadata. */
export function LabelFiltersEditor({ filters, fields, onChange, onRunQuery }: Props) {
  const replace = (index: number, filter: LabelFilter, run: boolean) =>
    onChange(filters.map((f, i) => (i === index ? filter : f)), run);
  return (
    <Stack direction="column" gap={1}>
      {filters.map((filter, index) => (
        <Stack key={index} gap={1} alignItems="center">
          <Select
            aria-label={`Label filter ${index + 1} label`}
            width={28}
            placeholder="field"
            allowCustomValue
            options={withValues(fields, filter.label ? [filter.label] : [])}
            value={filter.label || null}
            onChange={(option) => replace(index, { ...filter, label: option.value ?? '' }, true)}
          />
          <Select
            aria-label={`Label filter ${index + 1} operator`}
            width={8}
            options={OPS}
            value={filter.op}
            onChange={(option) => replace(index, { ...filter, op: option.value! }, true)}
          />
          <Input
            aria-label={`Label filter ${index + 1} value`}
            width={30}
            placeholder={['>', '>=', '<', '<='].includes(filter.op) ? 'number, 1.5s or 10KB' : 'value'}
            value={filter.value}
            onChange={(event) => replace(index, { ...filter, value: event.currentTarget.value }, false)}
            onBlur={onRunQuery}
          />
          <IconButton
            name="times"
            tooltip="Remove this label filter"
            onClick={() => onChange(filters.filter((_, i) => i !== index), true)}
          />
        </Stack>
      ))}
      <div>
        <Button
          icon="plus"
          variant="secondary"
          size="sm"
          onClick={() => onChange([...filters, { label: '', op: '=', value: '' }], false)}
        >
          Label filter
        </Button>
      </div>
    </Stack>
  );
}
