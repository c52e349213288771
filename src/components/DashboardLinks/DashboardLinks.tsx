import { css } from '@emotion/css';
import { locationUtil, type GrafanaTheme2 } from '@grafana/data';
import { Card, useStyles2 } from '@grafana/ui';
import React from 'react';

import { DashboardUid } from '../../shared/kamiwaza';

/** The dashboards the app ships (`dashboards/`), by their fixed UIDs. */
export const DASHBOARDS: ReadonlyArray<{ uid: string; title: string; description: string }> = [
  {
    uid: DashboardUid.ServiceErrors,
    title: 'Service errors',
    description: 'Errors by service, their messages and stack traces.',
  },
  {
    uid: DashboardUid.AuditActivity,
    title: 'Audit activity',
    description: 'Logins, deployments, permission changes and their failures.',
  },
  {
    uid: DashboardUid.TraceDrillDown,
    title: 'Trace drill-down',
    description: 'Every log record of one request, across services and files.',
  },
  {
    uid: DashboardUid.HttpGateway,
    title: 'HTTP gateway',
    description: 'Requests through Traefik: status codes, latency, clients.',
  },
  {
    uid: DashboardUid.PlatformStartup,
    title: 'Platform start-up',
    description: 'kamiwazad: service orchestration, start-up and containers.',
  },
];

export const dashboardUrl = (uid: string, params = '') => locationUtil.assureBaseUrl(`/d/${uid}${params}`);

export function DashboardLinks() {
  const styles = useStyles2(getStyles);
  return (
    <ul className={styles.grid}>
      {DASHBOARDS.map((dashboard) => (
        <li key={dashboard.uid}>
          <Card href={dashboardUrl(dashboard.uid)} className={styles.card}>
            <Card.Heading>{dashboard.title}</Card.Heading>
            <Card.Description>{dashboard.description}</Card.Description>
          </Card>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: theme.spacing(1.5),
  }),
  card: css({ height: '100%', marginBottom: 0 }),
});
