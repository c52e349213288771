import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Button, Field, FieldSet, IconButton, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import React, { type ChangeEvent } from 'react';

import { DEFAULT_MAX_LINES } from '../../../shared/query';
import {
  DashboardUid,
  DEFAULT_ACCESS_LOG_PATH,
  DEFAULT_KAMIWAZA_ROOT,
  TRACE_ID_VARIABLE,
} from '../../../shared/kamiwaza';
import {
  DEFAULT_QUERY_TIMEOUT_SECONDS,
  traceLinkTarget,
  type KamiwazaLogsSettings,
  type TraceLinkTarget,
} from '../../../shared/settings';
import { parsePositiveInteger } from '../../numbers';

type Props = DataSourcePluginOptionsEditorProps<KamiwazaLogsSettings>;

const INPUT_WIDTH = 60;

const TRACE_LINK_OPTIONS: Array<{ label: string; value: TraceLinkTarget; description: string }> = [
  { label: 'Trace drill-down dashboard', value: 'dashboard', description: "The app's dashboard for one trace" },
  { label: 'Trace data source', value: 'datasource', description: 'Tempo or Jaeger' },
  { label: 'Off', value: 'none', description: 'No trace links' },
];

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};
  const update = (changes: Partial<KamiwazaLogsSettings>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...changes } });
  const numberInput = (key: 'maxLines' | 'queryTimeoutSeconds' | 'maxBytesScanned') => ({
    type: 'number',
    min: 1,
    width: 20,
    value: jsonData[key] ?? '',
    onChange: (event: ChangeEvent<HTMLInputElement>) =>
      update({ [key]: parsePositiveInteger(event.currentTarget.value) }),
  });

  const linkTarget = traceLinkTarget(jsonData);

  return (
    <>
      <FieldSet label="Log files">
        <Field
          label="Log directories"
          description={`Directories the data source reads Kamiwaza logs from. Empty: $KAMIWAZA_LOG_DIR, else $KAMIWAZA_ROOT/logs (${DEFAULT_KAMIWAZA_ROOT}/logs).`}
        >
          <LogDirectories dirs={jsonData.logDirs ?? []} onChange={(logDirs) => update({ logDirs })} />
        </Field>
        <Field
          label="Traefik access log"
          description="Path of the API gateway's access log: absolute, or relative to a log directory or $KAMIWAZA_ROOT."
        >
          <Input
            id="kamiwaza-access-log-path"
            width={INPUT_WIDTH}
            placeholder={DEFAULT_ACCESS_LOG_PATH}
            value={jsonData.accessLogPath ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              update({ accessLogPath: event.currentTarget.value.trim() || undefined })
            }
          />
        </Field>
      </FieldSet>

      <FieldSet label="Query limits">
        <Field label="Maximum lines" description="Log lines a query returns when it sets no line limit of its own.">
          <Input id="kamiwaza-max-lines" placeholder={`${DEFAULT_MAX_LINES}`} {...numberInput('maxLines')} />
        </Field>
        <Field label="Query timeout (seconds)" description="A query running longer is stopped and reports an error.">
          <Input
            id="kamiwaza-query-timeout"
            placeholder={`${DEFAULT_QUERY_TIMEOUT_SECONDS}`}
            {...numberInput('queryTimeoutSeconds')}
          />
        </Field>
        <Field
          label="Maximum bytes scanned"
          description="Stops a query after reading this many bytes of log files (compressed files count uncompressed). Empty: no limit."
        >
          <Input id="kamiwaza-max-bytes" placeholder="no limit" {...numberInput('maxBytesScanned')} />
        </Field>
      </FieldSet>

      <FieldSet label="Traces">
        <Field
          label="Trace links"
          description="Where the trace id of a log line links to, in Explore and in logs panels."
        >
          <RadioButtonGroup<TraceLinkTarget>
            id="kamiwaza-trace-link-target"
            options={TRACE_LINK_OPTIONS}
            value={linkTarget}
            onChange={(value) => update({ traceLinkTarget: value })}
          />
        </Field>
        {linkTarget === 'dashboard' && (
          <Text color="secondary" variant="bodySmall">
            Links open <code>{`/d/${DashboardUid.TraceDrillDown}?var-${TRACE_ID_VARIABLE}=<trace id>`}</code>, the trace
            drill-down dashboard the app provides, over the same time range.
          </Text>
        )}
        {linkTarget === 'datasource' && (
          <Field label="Trace data source" description="A Tempo or Jaeger data source that holds the traces.">
            <DataSourcePicker
              inputId="kamiwaza-traces-datasource"
              tracing
              width={40}
              noDefault
              current={jsonData.tracesDatasourceUid ?? null}
              onChange={(ds) => update({ tracesDatasourceUid: ds.uid })}
              onClear={() => update({ tracesDatasourceUid: undefined })}
            />
          </Field>
        )}
      </FieldSet>
    </>
  );
}

interface LogDirectoriesProps {
  dirs: string[];
  onChange: (dirs: string[]) => void;
}

/** An editable list of paths: one input per directory, with add and remove buttons. */
function LogDirectories({ dirs, onChange }: LogDirectoriesProps) {
  const replace = (index: number, value: string) => onChange(dirs.map((dir, i) => (i === index ? value : dir)));
  const remove = (index: number) => onChange(dirs.filter((_, i) => i !== index));

  return (
    <Stack direction="column" gap={1}>
      {dirs.map((dir, index) => (
        <Stack key={index} gap={1} alignItems="center">
          <Input
            aria-label={`Log directory ${index + 1}`}
            width={INPUT_WIDTH}
            placeholder="/var/log/kamiwaza"
            value={dir}
            onChange={(event: ChangeEvent<HTMLInputElement>) => replace(index, event.currentTarget.value)}
          />
          <IconButton name="trash-alt" tooltip={`Remove log directory ${index + 1}`} onClick={() => remove(index)} />
        </Stack>
      ))}
      <div>
        <Button variant="secondary" size="sm" icon="plus" onClick={() => onChange([...dirs, ''])}>
          Add directory
        </Button>
      </div>
    </Stack>
  );
}
