/**
 * The app's "Environment" configuration tab: every variable of the Kamiwaza observability guide
 * with its effective value, where it came from, its default and meaning, and a status with the
 * reason; env.sh's malformed lines; and the env.sh changes the checks suggest, to copy (this page
 * never writes env.sh). Resolved and checked by the Kamiwaza Logs data source's backend.
 */
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, ClipboardButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useEffect, useMemo, useState } from 'react';

import { LOGS_DATASOURCE_NAME } from '../../constants';
import {
  ENVIRONMENT_GROUPS,
  ENVIRONMENT_VARIABLES,
  type EnvironmentReport,
  type EnvironmentSource,
  type EnvironmentVariableReport,
  suggestionsAsEnvFile,
} from '../../shared/environment';
import { type AppSettings, environmentRequest } from '../AppConfig/settings';
import { errorMessage, fetchEnvironment, findLogsDataSource } from '../kamiwazaBackend';
import { StatusBadge } from '../StatusBadge/StatusBadge';

export type EnvironmentConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

type State = { kind: 'loading' } | { kind: 'done'; report: EnvironmentReport } | { kind: 'failed'; message: string };

const SOURCE_TEXT: Record<EnvironmentSource, string> = {
  app: 'App settings',
  'env.sh': 'env.sh',
  'grafana.ini': 'grafana.ini',
  process: 'Process environment',
  default: 'Default',
  unset: 'Unset',
};

export function EnvironmentConfig({ plugin }: EnvironmentConfigProps) {
  const { jsonData, secureJsonFields } = plugin.meta;
  const datasource = useMemo(() => findLogsDataSource(jsonData), [jsonData]);
  const request = useMemo(() => environmentRequest(jsonData, secureJsonFields), [jsonData, secureJsonFields]);
  const [attempt, setAttempt] = useState(0);
  // An answer belongs to one attempt for one request: anything else is still loading.
  const key = `${datasource?.uid}|${JSON.stringify(request)}|${attempt}`;
  const [answer, setAnswer] = useState<{ key: string; state: State }>();
  const state: State = answer?.key === key ? answer.state : { kind: 'loading' };

  useEffect(() => {
    if (!datasource) {
      return;
    }
    let current = true;
    fetchEnvironment(datasource.uid, request)
      .then((report) => current && setAnswer({ key, state: { kind: 'done', report } }))
      .catch((error) => current && setAnswer({ key, state: { kind: 'failed', message: errorMessage(error) } }));
    return () => {
      current = false;
    };
  }, [datasource, request, key]);

  if (!datasource) {
    return (
      <Alert severity="warning" title={`No ${LOGS_DATASOURCE_NAME} data source`}>
        The environment is read and checked by the {LOGS_DATASOURCE_NAME} data source’s backend: provision one first.
      </Alert>
    );
  }
  if (state.kind === 'loading') {
    return <LoadingPlaceholder text="Reading the Kamiwaza environment…" />;
  }
  if (state.kind === 'failed') {
    return (
      <Alert severity="error" title="The environment could not be read">
        <Stack direction="column" gap={1} alignItems="flex-start">
          <span>{state.message}</span>
          <Button size="sm" variant="secondary" icon="sync" onClick={() => setAttempt((n) => n + 1)}>
            Check again
          </Button>
        </Stack>
      </Alert>
    );
  }
  return <EnvironmentReportView report={state.report} onRefresh={() => setAttempt((n) => n + 1)} />;
}

export function EnvironmentReportView({ report, onRefresh }: { report: EnvironmentReport; onRefresh: () => void }) {
  const styles = useStyles2(getStyles);
  const envText = suggestionsAsEnvFile(report.suggestions);
  const { envFile } = report;

  return (
    <Stack direction="column" gap={3}>
      <Stack justifyContent="space-between" alignItems="flex-start" gap={2}>
        <Text element="p" color="secondary">
          In effect, by precedence: the app settings, then <code>{envFile.path}</code>, then Grafana’s{' '}
          <code>[plugin.kamiwaza-logs-datasource]</code> settings (<code>GF_PLUGIN_*</code>), then the environment
          Grafana runs in, then the guide’s defaults.
        </Text>
        <Button size="sm" variant="secondary" icon="sync" onClick={onRefresh}>
          Check again
        </Button>
      </Stack>

      {report.overridesIgnored && (
        <Alert severity="info" title="App settings not applied">
          {report.overridesIgnored}
        </Alert>
      )}

      <EnvFileStatus envFile={envFile} />

      {ENVIRONMENT_GROUPS.map((group) => (
        <section key={group} aria-label={group}>
          <Text element="h4">{group}</Text>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Variable</th>
                <th>Value</th>
                <th>Source</th>
                <th>Default</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {report.variables
                .filter((v) => ENVIRONMENT_VARIABLES.find((spec) => spec.name === v.name)?.group === group)
                .map((variable) => (
                  <VariableRow key={variable.name} variable={variable} />
                ))}
            </tbody>
          </table>
        </section>
      ))}

      <section aria-label="Suggested env.sh changes">
        <Text element="h4">Suggested env.sh changes</Text>
        {report.suggestions.length === 0 ? (
          <Text color="secondary">None: the checks suggest no change.</Text>
        ) : (
          <Stack direction="column" gap={1} alignItems="flex-start">
            <Text color="secondary">
              Copy these lines into <code>{envFile.path}</code> and restart Kamiwaza. This page never writes the file.
            </Text>
            <pre className={styles.envBlock} aria-label="env.sh lines">
              {envText}
            </pre>
            <ClipboardButton icon="copy" variant="secondary" getText={() => envText}>
              Copy as env.sh
            </ClipboardButton>
          </Stack>
        )}
      </section>
    </Stack>
  );
}

function EnvFileStatus({ envFile }: { envFile: EnvironmentReport['envFile'] }) {
  if (!envFile.found) {
    return (
      <Alert severity="info" title={`No env.sh at ${envFile.path}`}>
        Values come from the app settings, Grafana’s environment and the defaults. Set the path in the Configuration tab
        if env.sh lives elsewhere.
      </Alert>
    );
  }
  if (envFile.error) {
    return (
      <Alert severity="error" title={`${envFile.path} could not be read`}>
        {envFile.error}
      </Alert>
    );
  }
  if (envFile.problems.length === 0) {
    return null;
  }
  return (
    <Alert
      severity="warning"
      title={`${envFile.problems.length} line${envFile.problems.length === 1 ? '' : 's'} of ${envFile.path} not read as the shell would`}
    >
      <ul>
        {envFile.problems.map((problem) => (
          <li key={`${problem.line}:${problem.message}`}>
            line {problem.line}: {problem.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

function VariableRow({ variable }: { variable: EnvironmentVariableReport }) {
  const styles = useStyles2(getStyles);
  const spec = ENVIRONMENT_VARIABLES.find((s) => s.name === variable.name)!;
  const value = spec.secret ? (variable.set ? variable.maskedHint : undefined) : variable.value;
  return (
    <tr aria-label={variable.name}>
      <td className={styles.nameCell}>
        <code className={styles.name}>{variable.name}</code>
        <div className={styles.meaning}>{spec.meaning}</div>
      </td>
      <td className={styles.valueCell}>
        {value !== undefined && value !== '' ? (
          <code>{value}</code>
        ) : (
          <span className={styles.muted}>{variable.set ? '(empty)' : 'unset'}</span>
        )}
      </td>
      <td>
        {SOURCE_TEXT[variable.source]}
        {variable.sourceDetail && <div className={styles.detail}>{variable.sourceDetail}</div>}
      </td>
      <td>
        <code>{spec.defaultText}</code>
      </td>
      <td className={styles.statusCell}>
        <StatusBadge status={variable.status} />
        {variable.reasons.map((reason) => (
          <div key={reason} className={styles.reason}>
            {reason}
          </div>
        ))}
      </td>
    </tr>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'fixed',
    marginTop: theme.spacing(1),
    'th, td': {
      textAlign: 'left',
      verticalAlign: 'top',
      padding: theme.spacing(1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      overflowWrap: 'anywhere',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    // Values and paths are long single words: let them wrap inside their cell.
    'td code': { whiteSpace: 'normal', overflowWrap: 'anywhere', display: 'inline-block', maxWidth: '100%' },
    'th:nth-child(1)': { width: '30%' },
    'th:nth-child(2)': { width: '20%' },
    'th:nth-child(3)': { width: '14%' },
    'th:nth-child(4)': { width: '11%' },
  }),
  nameCell: css({ minWidth: 0 }),
  name: css({ fontWeight: theme.typography.fontWeightMedium }),
  meaning: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginTop: theme.spacing(0.5),
  }),
  valueCell: css({ minWidth: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontStyle: 'italic' }),
  detail: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  statusCell: css({ minWidth: 0 }),
  reason: css({ fontSize: theme.typography.bodySmall.fontSize, marginTop: theme.spacing(0.5) }),
  envBlock: css({ margin: 0, width: '100%', whiteSpace: 'pre-wrap' }),
});
