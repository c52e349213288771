import { css } from '@emotion/css';
import { locationUtil, type GrafanaTheme2 } from '@grafana/data';
import { LinkButton, useStyles2 } from '@grafana/ui';
import React from 'react';

import { appPageUrl, ROUTES } from '../../constants';
import { DIAGNOSTICS } from '../../shared/environment-diagnostics';
import { StatusBadge } from '../StatusBadge/StatusBadge';
import type { DiagnosticResults } from '../useDiagnostics';

/** The diagnostic checks' states at a glance, each with its one-line summary as a tooltip. */
export function ChecksSummary({ results }: { results: DiagnosticResults }) {
  const styles = useStyles2(getStyles);
  return (
    <div>
      <ul className={styles.list}>
        {DIAGNOSTICS.map((spec) => {
          const result = results[spec.id];
          return (
            <li key={spec.id} className={styles.item} title={result?.summary}>
              <span className={styles.badge}>
                <StatusBadge status={result?.status ?? 'running'} />
              </span>
              <span>{spec.title}</span>
            </li>
          );
        })}
      </ul>
      <LinkButton
        variant="secondary"
        size="sm"
        icon="heart-rate"
        href={locationUtil.assureBaseUrl(appPageUrl(ROUTES.Diagnostics))}
      >
        Open diagnostics
      </LinkButton>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    margin: theme.spacing(0, 0, 2, 0),
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))',
    gap: theme.spacing(1, 2),
  }),
  item: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  badge: css({ flex: '0 0 104px' }),
});
