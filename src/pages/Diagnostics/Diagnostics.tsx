/**
 * The guide's troubleshooting, run as checks: all start at once (one request each, short
 * timeouts) and each card fills in as its answer arrives.
 */
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, Text, useStyles2 } from '@grafana/ui';
import React, { useMemo } from 'react';

import { type AppSettings, environmentRequest } from '../../components/AppConfig/settings';
import { CheckCard } from '../../components/CheckCard/CheckCard';
import { findLogsDataSource } from '../../components/kamiwazaBackend';
import { useDiagnostics } from '../../components/useDiagnostics';
import { LOGS_DATASOURCE_NAME } from '../../constants';
import { DIAGNOSTICS } from '../../shared/environment-diagnostics';

interface Props {
  settings?: AppSettings;
  secureJsonFields?: Record<string, boolean>;
}

export function Diagnostics({ settings, secureJsonFields }: Props) {
  const styles = useStyles2(getStyles);
  const datasource = useMemo(() => findLogsDataSource(settings), [settings]);
  const request = useMemo(() => environmentRequest(settings, secureJsonFields), [settings, secureJsonFields]);
  const { results, rerun } = useDiagnostics(datasource?.uid, request);
  const running = DIAGNOSTICS.some((spec) => !results[spec.id]);

  return (
    <PluginPage
      actions={
        <Button icon="sync" variant="secondary" onClick={rerun} disabled={running}>
          Run again
        </Button>
      }
    >
      <div className={styles.intro}>
        <Text element="p" color="secondary">
          The troubleshooting steps of the Kamiwaza observability guide, run against this host and the last 24 hours of
          logs. Each check shows what decided it and, when something is wrong, the guide’s fix.
        </Text>
      </div>
      {!datasource && (
        <Alert severity="warning" title={`No ${LOGS_DATASOURCE_NAME} data source`}>
          Most checks run in the {LOGS_DATASOURCE_NAME} data source’s backend: provision one, or pick it in the app’s
          configuration.
        </Alert>
      )}
      <div className={styles.grid}>
        {DIAGNOSTICS.map((spec) => (
          <CheckCard key={spec.id} spec={spec} result={results[spec.id]} datasource={datasource} />
        ))}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  intro: css({ marginBottom: theme.spacing(2) }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(420px, 1fr))',
    gap: theme.spacing(2),
    alignItems: 'start',
  }),
});
