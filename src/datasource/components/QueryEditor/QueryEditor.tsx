import { css } from '@emotion/css';
import type { GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup, Stack, TextArea, useStyles2 } from '@grafana/ui';
import React, { type ChangeEvent, type KeyboardEvent } from 'react';

import { DEFAULT_MAX_LINES, LogsQueryType, type KamiwazaLogsQuery, type LogsDirection } from '../../../shared/query';
import type { KamiwazaLogsSettings } from '../../../shared/settings';
import type { DataSource } from '../../datasource';
import { parsePositiveInteger } from '../../numbers';

type Props = QueryEditorProps<DataSource, KamiwazaLogsQuery, KamiwazaLogsSettings>;

const QUERY_TYPES: Array<SelectableValue<LogsQueryType>> = [
  { label: 'Range', value: LogsQueryType.Range, description: 'Log lines, or a metric series over the time range' },
  {
    label: 'Instant',
    value: LogsQueryType.Instant,
    description: 'A metric query evaluated once, at the end of the range',
  },
];

const DIRECTIONS: Array<SelectableValue<LogsDirection>> = [
  { label: 'Newest first', value: 'backward' },
  { label: 'Oldest first', value: 'forward' },
];

const LABEL_WIDTH = 14;

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);

  const update = (changes: Partial<KamiwazaLogsQuery>) => onChange({ ...query, ...changes });
  // Choices from a button group take effect at once; typed text runs on blur, as Grafana's editors do.
  const updateAndRun = (changes: Partial<KamiwazaLogsQuery>) => {
    update(changes);
    onRunQuery();
  };

  const onExprKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && event.shiftKey) {
      event.preventDefault();
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <TextArea
        aria-label="LogQL query"
        className={styles.code}
        placeholder={'{source="application"} | level="ERROR"   (Shift+Enter to run)'}
        rows={3}
        spellCheck={false}
        value={query.expr ?? ''}
        onChange={(event: ChangeEvent<HTMLTextAreaElement>) => update({ expr: event.currentTarget.value })}
        onBlur={onRunQuery}
        onKeyDown={onExprKeyDown}
      />
      <InlineFieldRow>
        <InlineField label="Type" labelWidth={LABEL_WIDTH} tooltip="Instant applies to metric queries only">
          <RadioButtonGroup
            options={QUERY_TYPES}
            value={query.queryType ?? LogsQueryType.Range}
            onChange={(queryType) => updateAndRun({ queryType })}
          />
        </InlineField>
        <InlineField label="Line limit" labelWidth={LABEL_WIDTH} tooltip="Maximum log lines returned by a log query">
          <Input
            aria-label="Line limit"
            type="number"
            min={1}
            width={12}
            placeholder={`${DEFAULT_MAX_LINES}`}
            value={query.maxLines ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              update({ maxLines: parsePositiveInteger(event.currentTarget.value) })
            }
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="Direction" labelWidth={LABEL_WIDTH} tooltip="Order of the log lines">
          <RadioButtonGroup
            options={DIRECTIONS}
            value={query.direction ?? 'backward'}
            onChange={(direction) => updateAndRun({ direction })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Legend"
          labelWidth={LABEL_WIDTH}
          tooltip="Series name for metric queries; {{label}} is replaced by the label's value"
        >
          <Input
            aria-label="Legend"
            width={30}
            placeholder="{{service_name}}"
            value={query.legendFormat ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => update({ legendFormat: event.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField
          label="Step"
          labelWidth={LABEL_WIDTH}
          tooltip="Resolution of metric queries as a duration such as 30s; empty uses the panel's interval"
        >
          <Input
            aria-label="Step"
            width={12}
            placeholder="auto"
            value={query.step ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => update({ step: event.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
