import { css } from '@emotion/css';
import type { GrafanaTheme2, SelectableValue, TimeRange } from '@grafana/data';
import { Box, InlineField, InlineFieldRow, Input, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { type ReactNode } from 'react';

import type { DataSource } from '../../datasource';
import { builderToLogQL, type BuilderParser, type BuilderQuery } from '../../logql/builder';
import { LabelFiltersEditor } from '../LabelFiltersEditor/LabelFiltersEditor';
import { LineFiltersEditor } from '../LineFiltersEditor/LineFiltersEditor';
import { MetricEditor } from '../MetricEditor/MetricEditor';
import { ValuesSelect } from '../ValuesSelect/ValuesSelect';
import { useOptions, withValues } from './useOptions';

interface Props {
  query: BuilderQuery;
  datasource: Pick<DataSource, 'labelNames' | 'labelValues' | 'detectedFields'>;
  range?: TimeRange;
  /** `run`: the change is complete (a choice, not a keystroke). */
  onChange: (query: BuilderQuery, run: boolean) => void;
  onRunQuery: () => void;
}

/** `detected_level` values (docs/labels.md). */
const LEVELS = ['critical', 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unknown'].map((value) => ({
  label: value,
  value,
}));

const PARSERS: Array<SelectableValue<BuilderParser>> = [
  { label: 'None', value: 'none', description: 'Filter on structured metadata only' },
  { label: 'JSON', value: 'json' },
  { label: 'logfmt', value: 'logfmt' },
];

const LABEL_WIDTH = 12;
const quiet = () => Promise.resolve([]);

/** Source, service, level, line filters, trace id, parser, label filters and the metric toggle. */
export function QueryBuilder({ query, datasource, range, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const update = (changes: Partial<BuilderQuery>, run = true) => onChange({ ...query, ...changes }, run);
  const lookups = (promise: () => Promise<string[]>) => () => promise().catch(quiet);

  const rangeKey = range ? `${range.from.valueOf()}-${range.to.valueOf()}` : '';
  const sourceSelector = builderToLogQL({ ...query, services: [], lineFilters: [], levels: [], traceId: '', parser: 'none', labelFilters: [], metric: undefined });
  const logQuery = builderToLogQL({ ...query, labelFilters: [], metric: undefined });
  const sources = useOptions(lookups(() => datasource.labelValues('source', range)), rangeKey);
  const services = useOptions(
    lookups(() => datasource.labelValues('service_name', range, query.sources.length ? sourceSelector : undefined)),
    `${rangeKey} ${sourceSelector}`
  );
  const fields = useOptions(
    lookups(async () => (await datasource.detectedFields(logQuery, range)).map((field) => field.label)),
    `${rangeKey} ${logQuery}`
  );
  const labels = useOptions(lookups(() => datasource.labelNames(range)), rangeKey);

  return (
    <Stack direction="column" gap={1}>
      <Row title="Streams">
        <InlineFieldRow>
          <InlineField label="Source" labelWidth={LABEL_WIDTH} tooltip="The log file kind (source label); none: every source">
            <ValuesSelect
              label="Source"
              width={36}
              placeholder="every source"
              options={sources}
              values={query.sources}
              onChange={(sources) => update({ sources })}
            />
          </InlineField>
          <InlineField label="Service" labelWidth={LABEL_WIDTH} tooltip="service_name">
            <ValuesSelect
              label="Service"
              width={36}
              placeholder="every service"
              options={services}
              values={query.services}
              onChange={(services) => update({ services })}
            />
          </InlineField>
          <InlineField label="Level" labelWidth={LABEL_WIDTH} tooltip="detected_level, normalised across formats">
            <ValuesSelect
              label="Level"
              width={30}
              placeholder="every level"
              options={LEVELS}
              values={query.levels}
              onChange={(levels) => update({ levels })}
            />
          </InlineField>
        </InlineFieldRow>
      </Row>
      <Row title="Line filters">
        <LineFiltersEditor filters={query.lineFilters} onChange={(lineFilters, run) => update({ lineFilters }, run)} onRunQuery={onRunQuery} />
        <InlineField label="Trace id" labelWidth={LABEL_WIDTH} tooltip="trace_id: every line of one trace">
          <Input
            aria-label="Trace id"
            width={40}
            placeholder="32 hex digits"
            value={query.traceId}
            onChange={(event) => update({ traceId: event.currentTarget.value.trim() }, false)}
            onBlur={onRunQuery}
          />
        </InlineField>
      </Row>
      <Row title="Fields">
        <InlineField label="Parser" labelWidth={LABEL_WIDTH} tooltip="Extract fields from the line before filtering on them">
          <RadioButtonGroup options={PARSERS} value={query.parser} onChange={(parser) => update({ parser })} />
        </InlineField>
        <LabelFiltersEditor
          filters={query.labelFilters}
          fields={fields}
          onChange={(labelFilters, run) => update({ labelFilters }, run)}
          onRunQuery={onRunQuery}
        />
      </Row>
      <Row title="Metric">
        <MetricEditor
          metric={query.metric}
          fields={fields}
          groupings={withValues(labels, fields.map((f) => f.value!))}
          onChange={(metric, run) => update({ metric }, run)}
          onRunQuery={onRunQuery}
        />
      </Row>
      <div className={styles.preview} aria-label="LogQL preview">
        {builderToLogQL(query)}
      </div>
    </Stack>
  );
}

function Row({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <Box backgroundColor="secondary" padding={1} borderRadius="default">
      <div className={styles.rowTitle}>{title}</div>
      <Stack direction="column" gap={1}>
        {children}
      </Stack>
    </Box>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  rowTitle: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
    marginBottom: theme.spacing(1),
  }),
  preview: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    wordBreak: 'break-all',
  }),
});
