import type { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, Input, RadioButtonGroup, Text, type ComboboxOption } from '@grafana/ui';
import React, { useCallback, useState, type ChangeEvent } from 'react';

import type { KamiwazaLogsQuery } from '../../../shared/query';
import type { KamiwazaLogsSettings } from '../../../shared/settings';
import type { DataSource } from '../../datasource';
import {
  formatVariableQuery,
  toVariableQuery,
  VARIABLE_QUERY_REF_ID,
  VariableQueryType,
  type KamiwazaVariableQuery,
} from '../../variables';

type Props = QueryEditorProps<DataSource, KamiwazaLogsQuery, KamiwazaLogsSettings, KamiwazaVariableQuery>;

const TYPE_OPTIONS: Array<{ label: string; value: VariableQueryType; description: string }> = [
  { label: 'Label names', value: VariableQueryType.LabelNames, description: 'Stream label names' },
  { label: 'Label values', value: VariableQueryType.LabelValues, description: 'Values of one label or field' },
];

const LABEL_WIDTH = 20;

/** Label names, or the values of one label (optionally of the streams a selector matches), as Loki's variable editor. */
export function VariableQueryEditor({ query, onChange, datasource, range }: Props) {
  // Dashboards from Loki or older versions store the text form.
  const initial = toVariableQuery(query as KamiwazaVariableQuery | string) ?? {
    refId: VARIABLE_QUERY_REF_ID,
    type: VariableQueryType.LabelNames,
  };
  const [type, setType] = useState(initial.type);
  const [label, setLabel] = useState(initial.label ?? '');
  const [stream, setStream] = useState(initial.stream ?? '');
  // Stream label names of the dashboard's range, filtered by what is typed; fields can be typed in.
  const labelOptions = useCallback(
    async (typed: string): Promise<Array<ComboboxOption<string>>> => {
      const names = await datasource.labelNames(range).catch(() => []);
      return names.filter((name) => name.includes(typed)).map((name) => ({ label: name, value: name }));
    },
    [datasource, range]
  );

  const commit = (changes: Partial<KamiwazaVariableQuery>) => {
    const next: KamiwazaVariableQuery = {
      refId: initial.refId || VARIABLE_QUERY_REF_ID,
      type,
      label,
      stream,
      ...changes,
    };
    if (next.type === VariableQueryType.LabelNames) {
      delete next.label;
      delete next.stream;
    } else if (!next.stream) {
      delete next.stream;
    }
    onChange(next);
  };

  return (
    <>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<VariableQueryType>
            id="kamiwaza-variable-type"
            options={TYPE_OPTIONS}
            value={type}
            onChange={(next) => {
              setType(next);
              commit({ type: next });
            }}
          />
        </InlineField>
        {type === VariableQueryType.LabelValues && (
          <InlineField
            label="Label"
            labelWidth={LABEL_WIDTH}
            htmlFor="kamiwaza-variable-label"
            tooltip="A stream label, or a field the lines carry (type its name)."
          >
            <Combobox<string>
              id="kamiwaza-variable-label"
              width={25}
              createCustomValue
              options={labelOptions}
              value={label || null}
              placeholder="Choose a label"
              onChange={(option) => {
                const next = option?.value ?? '';
                setLabel(next);
                commit({ label: next });
              }}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      {type === VariableQueryType.LabelValues && (
        <InlineFieldRow>
          <InlineField
            label="Stream selector"
            labelWidth={LABEL_WIDTH}
            grow
            tooltip={
              'Optional: only values of the streams this selector matches, e.g. {source="audit"}. Variables allowed.'
            }
          >
            <Input
              id="kamiwaza-variable-stream"
              aria-label="Stream selector"
              placeholder='{source="audit"}'
              value={stream}
              onChange={(event: ChangeEvent<HTMLInputElement>) => setStream(event.currentTarget.value)}
              onBlur={() => commit({ stream: stream.trim() })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <Text variant="code" color="secondary">
        {formatVariableQuery({ refId: '', type, label, stream: stream.trim() })}
      </Text>
    </>
  );
}
