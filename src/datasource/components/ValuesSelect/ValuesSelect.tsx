import type { SelectableValue } from '@grafana/data';
import { MultiSelect } from '@grafana/ui';
import React from 'react';

import { withValues } from '../QueryBuilder/useOptions';

interface Props {
  label: string;
  values: string[];
  /** Known values; a chosen value missing from them still shows, and any typed value is allowed. */
  options: Array<SelectableValue<string>>;
  placeholder: string;
  width: number;
  onChange: (values: string[]) => void;
}

/** A multi-value choice of label values or names. */
export function ValuesSelect({ label, values, options, placeholder, width, onChange }: Props) {
  return (
    <MultiSelect
      aria-label={label}
      width={width}
      allowCustomValue
      placeholder={placeholder}
      options={withValues(options, values)}
      value={values}
      onChange={(chosen) => onChange(chosen.map((option) => option.value!))}
    />
  );
}
