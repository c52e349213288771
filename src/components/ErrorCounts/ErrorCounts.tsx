import { css } from '@emotion/css';
import {
  FieldColorModeId,
  FieldType,
  getMinMaxAndDelta,
  type DataSourceInstanceSettings,
  type Field,
  type GrafanaTheme2,
} from '@grafana/data';
import { Alert, LinkButton, LoadingPlaceholder, Sparkline, Text, useStyles2, useTheme2 } from '@grafana/ui';
import React, { useEffect, useState } from 'react';

import { exploreUrl } from '../exploreUrl';
import { errorMessage } from '../kamiwazaBackend';
import { COUNTED, type Count, type Counts, type CountWindow, fetchCounts, WINDOWS } from './queries';

type WindowState = { kind: 'loading' } | { kind: 'done'; counts: Counts } | { kind: 'failed'; message: string };

const SPARK_WIDTH = 160;
const SPARK_HEIGHT = 36;

function CountSparkline({ count, color }: { count: Count; color: string }) {
  const theme = useTheme2();
  if (count.values.length < 2) {
    return null;
  }
  const y: Field = {
    name: 'count',
    type: FieldType.number,
    values: count.values,
    config: { color: { mode: FieldColorModeId.Fixed, fixedColor: color }, custom: { fillOpacity: 20, lineWidth: 1 } },
  };
  // Sparkline scales by the field's computed range (Grafana's panels set it; a bare field has none).
  const range = getMinMaxAndDelta(y);
  y.config = { ...y.config, min: 0, max: Math.max(range.max ?? 0, 1) };
  y.state = { range: { ...range, min: 0 } };
  const x: Field = { name: 'time', type: FieldType.time, values: count.times, config: {} };
  return <Sparkline width={SPARK_WIDTH} height={SPARK_HEIGHT} sparkline={{ x, y }} config={y.config} theme={theme} />;
}

/** Error and audit-failure counts for the last hour and day, each with its sparkline. */
export function ErrorCounts({ datasource }: { datasource: DataSourceInstanceSettings }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  // Answers per window, for one data source: a window without one is still counting.
  const [answers, setAnswers] = useState<{ uid: string; windows: Partial<Record<CountWindow['id'], WindowState>> }>();
  const states = answers?.uid === datasource.uid ? answers.windows : {};

  useEffect(() => {
    let current = true;
    const nowMs = Date.now();
    const settle = (id: CountWindow['id'], state: WindowState) =>
      current &&
      setAnswers((previous) => ({
        uid: datasource.uid,
        windows: { ...(previous?.uid === datasource.uid ? previous.windows : {}), [id]: state },
      }));
    for (const window of WINDOWS) {
      fetchCounts(datasource, window, nowMs)
        .then((counts) => settle(window.id, { kind: 'done', counts }))
        .catch((error) => settle(window.id, { kind: 'failed', message: errorMessage(error) }));
    }
    return () => {
      current = false;
    };
  }, [datasource]);

  const colors = { errors: theme.colors.error.text, audit: theme.colors.warning.text };
  return (
    <div className={styles.grid}>
      {COUNTED.map((stream) => (
        <section key={stream.id} className={styles.tile} aria-label={stream.title}>
          <div className={styles.header}>
            <Text element="h4" weight="medium">
              {stream.title}
            </Text>
            <LinkButton
              size="sm"
              variant="secondary"
              fill="text"
              icon="compass"
              href={exploreUrl(datasource, stream.expr, { from: 'now-24h', to: 'now' })}
            >
              Open in Explore
            </LinkButton>
          </div>
          <div className={styles.windows}>
            {WINDOWS.map((window) => {
              const state = states[window.id] ?? { kind: 'loading' };
              return (
                <div key={window.id} className={styles.window}>
                  <Text color="secondary" variant="bodySmall">
                    {window.label}
                  </Text>
                  {state.kind === 'loading' && <LoadingPlaceholder text="Counting…" />}
                  {state.kind === 'failed' && (
                    <Alert severity="error" title="Count failed">
                      {state.message}
                    </Alert>
                  )}
                  {state.kind === 'done' && (
                    <div className={styles.value}>
                      <span className={styles.number} aria-label={`${stream.title}, ${window.label}`}>
                        {state.counts[stream.id].total.toLocaleString('en-US')}
                      </span>
                      <CountSparkline count={state.counts[stream.id]} color={colors[stream.id]} />
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </section>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(440px, 1fr))',
    gap: theme.spacing(2),
  }),
  tile: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    marginBottom: theme.spacing(1),
    h4: { margin: 0 },
  }),
  windows: css({ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: theme.spacing(2) }),
  window: css({ minWidth: 0 }),
  value: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1.5), flexWrap: 'wrap' }),
  number: css({
    fontSize: theme.typography.h2.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    minWidth: theme.spacing(6),
  }),
});
