import { css } from '@emotion/css';
import type { DataSourceInstanceSettings, GrafanaTheme2 } from '@grafana/data';
import { LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import React from 'react';

import type { DiagnosticResult, DiagnosticSpec } from '../../shared/environment-diagnostics';
import { exploreUrl } from '../exploreUrl';
import { StatusBadge } from '../StatusBadge/StatusBadge';

interface Props {
  spec: DiagnosticSpec;
  /** Undefined while the check runs. */
  result?: DiagnosticResult;
  /** The Kamiwaza Logs data source, for Explore links on the evidence's query. */
  datasource?: DataSourceInstanceSettings;
}

/** One troubleshooting check: status, what decided it (with an Explore link), and the guide's fix. */
export function CheckCard({ spec, result, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const needsFix = result && (result.status === 'error' || result.status === 'warning');
  return (
    <section className={styles.card} aria-label={spec.title} data-status={result?.status ?? 'running'}>
      <div className={styles.header}>
        <Text element="h4" weight="medium">
          {spec.title}
        </Text>
        <StatusBadge status={result?.status ?? 'running'} />
      </div>
      {!result ? (
        <LoadingPlaceholder text="Running…" />
      ) : (
        <Stack direction="column" gap={1}>
          <Text>{result.summary}</Text>
          {result.evidence.lines.length > 0 && (
            <pre className={styles.evidence} aria-label={`${spec.title}: evidence`}>
              {result.evidence.lines.join('\n')}
            </pre>
          )}
          {datasource && result.evidence.query && (
            <div>
              <LinkButton
                size="sm"
                variant="secondary"
                icon="compass"
                href={exploreUrl(datasource, result.evidence.query, {
                  from: result.evidence.from ?? 'now-24h',
                  to: 'now',
                })}
              >
                Open in Explore
              </LinkButton>
            </div>
          )}
          {needsFix && (
            <div className={styles.fix}>
              <Text weight="medium">The guide’s fix</Text>
              <ul>
                {spec.fix.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ul>
            </div>
          )}
        </Stack>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    minWidth: 0,
  }),
  header: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
    h4: { margin: 0 },
  }),
  evidence: css({
    margin: 0,
    // Tall enough for the error counts of every service and a stack trace; longer evidence scrolls.
    maxHeight: 440,
    overflow: 'auto',
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'break-word',
    // Grafana's global pre style breaks anywhere (break-all); evidence reads better broken at spaces.
    wordBreak: 'normal',
  }),
  fix: css({
    ul: { margin: theme.spacing(0.5, 0, 0, 2.5) },
    li: { fontFamily: theme.typography.fontFamily, marginBottom: theme.spacing(0.25) },
  }),
});
