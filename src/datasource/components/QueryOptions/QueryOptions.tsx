import { css } from '@emotion/css';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Icon, InlineField, InlineFieldRow, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import React, { useState, type ChangeEvent } from 'react';

import { DEFAULT_MAX_LINES, LogsQueryType, type KamiwazaLogsQuery, type LogsDirection } from '../../../shared/query';
import { parsePositiveInteger } from '../../numbers';

interface Props {
  query: KamiwazaLogsQuery;
  onChange: (query: KamiwazaLogsQuery) => void;
  onRunQuery: () => void;
}

const QUERY_TYPES: Array<SelectableValue<LogsQueryType>> = [
  { label: 'Range', value: LogsQueryType.Range, description: 'Log lines, or a metric series over the time range' },
  {
    label: 'Instant',
    value: LogsQueryType.Instant,
    description: 'A metric query evaluated once, at the end of the range',
  },
  { label: 'Stream', value: LogsQueryType.Stream, description: 'Live tail: new lines as they are written' },
];

const DIRECTIONS: Array<SelectableValue<LogsDirection>> = [
  { label: 'Newest first', value: 'backward' },
  { label: 'Oldest first', value: 'forward' },
];

const LABEL_WIDTH = 14;

function labelOf<T>(options: Array<SelectableValue<T>>, value: T): string {
  return options.find((option) => option.value === value)?.label ?? String(value);
}

interface TextOptionProps {
  label: string;
  tooltip: string;
  width: number;
  placeholder: string;
  value: string | undefined;
  onChange: (value: string) => void;
  onBlur: () => void;
}

/** A free-text option: edited as typed, run on blur. */
function TextOption({ label, tooltip, width, placeholder, value, onChange, onBlur }: TextOptionProps) {
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
      <Input
        aria-label={label}
        width={width}
        placeholder={placeholder}
        value={value ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.currentTarget.value)}
        onBlur={onBlur}
      />
    </InlineField>
  );
}

/** The one-line summary shown while the options are collapsed. */
export function optionsSummary(query: KamiwazaLogsQuery): string {
  const parts = [
    `Type: ${labelOf(QUERY_TYPES, query.queryType ?? LogsQueryType.Range)}`,
    `Line limit: ${query.maxLines ?? DEFAULT_MAX_LINES}`,
    `Direction: ${labelOf(DIRECTIONS, query.direction ?? 'backward')}`,
    ...(query.legendFormat ? [`Legend: ${query.legendFormat}`] : []),
    `Step: ${query.step || 'auto'}`,
  ];
  return parts.join('  ');
}

/** Query type, line limit, direction, legend and step, collapsed to a summary like Loki's. */
export function QueryOptions({ query, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const [open, setOpen] = useState(false);
  const update = (changes: Partial<KamiwazaLogsQuery>) => onChange({ ...query, ...changes });
  // Choices take effect at once; typed text runs on blur, as Grafana's editors do.
  const updateAndRun = (changes: Partial<KamiwazaLogsQuery>) => {
    update(changes);
    onRunQuery();
  };

  return (
    <div className={styles.wrapper}>
      <button type="button" className={styles.header} aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name={open ? 'angle-down' : 'angle-right'} />
        <span className={styles.title}>Options</span>
        {!open && <span className={styles.summary}>{optionsSummary(query)}</span>}
      </button>
      {open && (
        <div className={styles.body}>
          <InlineFieldRow>
            <InlineField
              label="Type"
              labelWidth={LABEL_WIDTH}
              tooltip="Instant applies to metric queries, Stream to log queries"
            >
              <RadioButtonGroup
                options={QUERY_TYPES}
                value={query.queryType ?? LogsQueryType.Range}
                onChange={(queryType) => updateAndRun({ queryType })}
              />
            </InlineField>
            <InlineField
              label="Line limit"
              labelWidth={LABEL_WIDTH}
              tooltip="Maximum log lines returned by a log query"
            >
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
            <TextOption
              label="Legend"
              tooltip="Series name for metric queries; {{label}} is replaced by the label's value"
              width={30}
              placeholder="{{service_name}}"
              value={query.legendFormat}
              onChange={(legendFormat) => update({ legendFormat })}
              onBlur={onRunQuery}
            />
            <TextOption
              label="Step"
              tooltip="Resolution of metric queries as a duration such as 30s; empty uses the panel's interval"
              width={12}
              placeholder="auto"
              value={query.step}
              onChange={(step) => update({ step })}
              onBlur={onRunQuery}
            />
          </InlineFieldRow>
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  header: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    color: theme.colors.text.primary,
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  title: css({ fontWeight: theme.typography.fontWeightMedium }),
  summary: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'pre',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  body: css({ paddingLeft: theme.spacing(3) }),
});
