import { css } from '@emotion/css';
import { formattedValueToString, getValueFormat, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React, { useEffect, useState } from 'react';

import type { IndexStatsResponse } from '../../../shared/resources';
import type { DataSource } from '../../datasource';
import { syntaxProblems } from '../../logql/validation';

interface Props {
  datasource: Pick<DataSource, 'queryStats'>;
  expr: string;
  range?: TimeRange;
}

/** Typing pauses this long before the backend is asked. */
export const STATS_DEBOUNCE_MS = 500;

export function statsText(stats: IndexStatsResponse): string {
  const size = formattedValueToString(getValueFormat('decbytes')(stats.bytes, 1));
  return `This query reads about ${size} in ${stats.files} ${stats.files === 1 ? 'file' : 'files'}`;
}

/** "This query reads about N MB in M files", hidden while the query is invalid or the backend cannot say. */
export function QueryStats({ datasource, expr, range }: Props) {
  const styles = useStyles2(getStyles);
  const [stats, setStats] = useState<IndexStatsResponse>();

  useEffect(() => {
    setStats(undefined);
    if (expr.trim() === '' || syntaxProblems(expr).length) {
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      datasource
        .queryStats(expr, range)
        .then((answer) => current && setStats(isStats(answer) ? answer : undefined))
        .catch(() => current && setStats(undefined));
    }, STATS_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [datasource, expr, range]);

  return stats ? <div className={styles.stats}>{statsText(stats)}</div> : null;
}

function isStats(answer: unknown): answer is IndexStatsResponse {
  const stats = answer as IndexStatsResponse | undefined;
  return typeof stats?.bytes === 'number' && typeof stats?.files === 'number';
}

const getStyles = (theme: GrafanaTheme2) => ({
  stats: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
