/**
 * The app's landing page: the data source's health, error and audit-failure counts with
 * sparklines, the diagnostic checks at a glance, the dashboards, and the trace lookup.
 */
import { css } from '@emotion/css';
import { locationUtil, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useMemo } from 'react';

import { type AppSettings, environmentRequest } from '../../components/AppConfig/settings';
import { ChecksSummary } from '../../components/ChecksSummary/ChecksSummary';
import { DashboardLinks } from '../../components/DashboardLinks/DashboardLinks';
import { DataSourceHealth } from '../../components/DataSourceHealth/DataSourceHealth';
import { ErrorCounts } from '../../components/ErrorCounts/ErrorCounts';
import { findLogsDataSource } from '../../components/kamiwazaBackend';
import { TraceLookup } from '../../components/TraceLookup/TraceLookup';
import { useDiagnostics } from '../../components/useDiagnostics';
import { LOGS_DATASOURCE_NAME, LOGS_DATASOURCE_TYPE } from '../../constants';

interface Props {
  settings?: AppSettings;
  secureJsonFields?: Record<string, boolean>;
}

export function Home({ settings, secureJsonFields }: Props) {
  const styles = useStyles2(getStyles);
  const datasource = useMemo(() => findLogsDataSource(settings), [settings]);
  const request = useMemo(() => environmentRequest(settings, secureJsonFields), [settings, secureJsonFields]);
  const { results } = useDiagnostics(datasource?.uid, request);

  return (
    <PluginPage>
      <Stack direction="column" gap={3}>
        <Text element="p" color="secondary">
          The Kamiwaza platform&apos;s own log files — application and audit events, the kamiwazad supervisor and core
          services, the Traefik access log — queried with LogQL through the {LOGS_DATASOURCE_NAME} data source, and its
          observability settings checked against the platform&apos;s guide.
        </Text>

        {datasource ? (
          <DataSourceHealth uid={datasource.uid} name={datasource.name} />
        ) : (
          <Alert title={`No ${LOGS_DATASOURCE_NAME} data source is provisioned`} severity="warning">
            <Stack direction="column" gap={1} alignItems="flex-start">
              <span>
                Provision one with a file in <code>provisioning/datasources/</code> (type{' '}
                <code>{LOGS_DATASOURCE_TYPE}</code>, <code>jsonData.logDirs</code> pointing at the Kamiwaza log
                directory), or add it by hand.
              </span>
              <LinkButton size="sm" icon="plus" href={locationUtil.assureBaseUrl('/connections/datasources/new')}>
                Add data source
              </LinkButton>
            </Stack>
          </Alert>
        )}

        {datasource && (
          <section className={styles.section}>
            <Text element="h3">Errors and audit failures</Text>
            <ErrorCounts datasource={datasource} />
          </section>
        )}

        <section className={styles.section}>
          <Text element="h3">Checks</Text>
          <ChecksSummary results={results} />
        </section>

        <section className={styles.section}>
          <Text element="h3">Dashboards</Text>
          <DashboardLinks />
        </section>

        <section className={styles.section}>
          <Text element="h3">Trace lookup</Text>
          <TraceLookup datasource={datasource} />
        </section>
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ h3: { marginBottom: theme.spacing(1.5) } }),
});
