import { css } from '@emotion/css';
import { locationUtil, type DataSourceInstanceSettings, type GrafanaTheme2 } from '@grafana/data';
import { getDataSourceSrv, PluginPage } from '@grafana/runtime';
import { Alert, Card, Field, Input, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';

import type { AppSettings } from '../../components/AppConfig/settings';
import { LOGS_DATASOURCE_NAME, LOGS_DATASOURCE_TYPE } from '../../constants';
import { DataSourceHealth } from './DataSourceHealth';
import { exploreUrl, traceLookupExpr, type ExploreRange } from './exploreUrl';

interface ExampleQuery {
  title: string;
  description: string;
  expr: string;
}

export const EXAMPLE_QUERIES: ExampleQuery[] = [
  {
    title: 'Application errors',
    description: 'Every ERROR event of the Kamiwaza services, newest first.',
    expr: '{source="application"} | level="ERROR"',
  },
  {
    title: 'Errors per service',
    description: 'A metric query: error events per service in 5-minute windows.',
    expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [5m]))',
  },
  {
    title: 'Failed audit events',
    description: 'Logins, deployments and permission changes that did not succeed.',
    expr: '{source="audit"} | json | outcome="failure"',
  },
  {
    title: 'Gateway server errors',
    description: 'Requests the Traefik gateway answered with a 5xx status.',
    expr: '{source="access"} |~ `" 5\\d\\d `',
  },
];

const RECENT: ExploreRange = { from: 'now-1h', to: 'now' };
// A trace id may come from an older incident: search a week.
const TRACE_RANGE: ExploreRange = { from: 'now-7d', to: 'now' };

/** The configured Kamiwaza Logs data source, else the first one Grafana knows. */
function findLogsDataSource(settings: AppSettings): DataSourceInstanceSettings | undefined {
  const candidates = getDataSourceSrv().getList({ pluginId: LOGS_DATASOURCE_TYPE });
  return candidates.find((ds) => ds.uid === settings.logsDatasourceUid) ?? candidates[0];
}

export function Overview({ settings = {} }: { settings?: AppSettings }) {
  const styles = useStyles2(getStyles);
  const datasource = useMemo(() => findLogsDataSource(settings), [settings]);

  return (
    <PluginPage>
      <Stack direction="column" gap={3}>
        <Text element="p">
          Kamiwaza Observability reads the Kamiwaza platform&apos;s own log files — application and audit events, the
          kamiwazad supervisor and core services, the Traefik access log — and answers LogQL queries over them through
          the {LOGS_DATASOURCE_NAME} data source, in Explore, dashboards and alert rules. No Loki is needed; where Loki
          runs, the same queries work against it.
        </Text>

        <section>
          <Text element="h3">Data source</Text>
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
        </section>

        {datasource && (
          <>
            <section>
              <Text element="h3">Example queries</Text>
              <div className={styles.grid}>
                {EXAMPLE_QUERIES.map((example) => (
                  <Card key={example.title}>
                    <Card.Heading>{example.title}</Card.Heading>
                    <Card.Description>
                      {example.description}
                      <code className={styles.query}>{example.expr}</code>
                    </Card.Description>
                    <Card.Actions>
                      <LinkButton
                        icon="compass"
                        variant="secondary"
                        size="sm"
                        href={exploreUrl(datasource, example.expr, RECENT)}
                      >
                        Open in Explore
                      </LinkButton>
                    </Card.Actions>
                  </Card>
                ))}
              </div>
            </section>

            <section>
              <Text element="h3">Trace lookup</Text>
              <TraceLookup datasource={datasource} />
            </section>
          </>
        )}
      </Stack>
    </PluginPage>
  );
}

function TraceLookup({ datasource }: { datasource: DataSourceInstanceSettings }) {
  const [traceId, setTraceId] = useState('');
  const id = traceId.trim();

  return (
    <Stack gap={1} alignItems="flex-end">
      <Field
        label="Trace id"
        description="Every log record of one request, across services and files (the trace_id field)."
        noMargin
      >
        <Input
          id="kamiwaza-trace-id"
          width={44}
          placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
          value={traceId}
          onChange={(event) => setTraceId(event.currentTarget.value)}
        />
      </Field>
      <LinkButton
        icon="search"
        disabled={id === ''}
        href={id === '' ? undefined : exploreUrl(datasource, traceLookupExpr(id), TRACE_RANGE)}
      >
        Find logs
      </LinkButton>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(360px, 1fr))',
    gap: theme.spacing(2),
  }),
  query: css({
    display: 'block',
    marginTop: theme.spacing(1),
    fontFamily: theme.typography.fontFamilyMonospace,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  }),
});
