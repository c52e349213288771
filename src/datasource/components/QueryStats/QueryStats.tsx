import { css } from '@emotion/css';
import { formattedValueToString, getValueFormat, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React, { useEffect, useState } from 'react';

import type { IndexStatsResponse } from '../../../shared/resources';
import type { DataSource } from '../../datasource';
import { innerLogQuery } from '../../logql/situation';
import { syntaxProblems } from '../../logql/validation';

interface Props {
  datasource: Pick<DataSource, 'queryStats'>;
  expr: string;
  range?: TimeRange;
}

/** Typing pauses this long before the backend is asked. */
export const STATS_DEBOUNCE_MS = 500;

export function statsText(stats: IndexStatsResponse): string {
  if (stats.files === 0) {
    return 'This query reads no file: none of the selected logs has lines in the time range';
  }
  const size = formattedValueToString(getValueFormat('decbytes')(stats.bytes, 1));
  return `This query reads about ${size} in ${stats.files} ${stats.files === 1 ? 'file' : 'files'}`;
}

/** "This query reads about N MB in M files", hidden while the query is invalid or the backend cannot say. */
export function QueryStats({ datasource, expr, range }: Props) {
  const styles = useStyles2(getStyles);
  // The answer names the question it answers, so a stale answer is never shown.
  const question = `${expr}\n${range?.from.valueOf()}-${range?.to.valueOf()}`;
  const [answer, setAnswer] = useState<{ question: string; stats?: IndexStatsResponse }>();

  useEffect(() => {
    if (expr.trim() === '' || syntaxProblems(expr).length) {
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      // The log query decides what is read; a metric's `[$__auto]` is a macro only queries expand.
      datasource
        .queryStats(innerLogQuery(expr), range)
        .then((stats) => current && setAnswer({ question, stats: isStats(stats) ? stats : undefined }))
        .catch(() => current && setAnswer({ question }));
    }, STATS_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [datasource, expr, range, question]);

  const stats = answer?.question === question ? answer.stats : undefined;
  return stats ? <div className={styles.stats}>{statsText(stats)}</div> : null;
}

function isStats(answer: unknown): answer is IndexStatsResponse {
  const stats = answer as IndexStatsResponse | undefined;
  return typeof stats?.bytes === 'number' && typeof stats?.files === 'number';
}

const getStyles = (theme: GrafanaTheme2) => ({
  stats: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
