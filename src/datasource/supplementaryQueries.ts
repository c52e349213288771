/**
 * Explore's supplementary queries, as Loki's data source builds them: the log volume histogram over
 * the whole range (one series per `detected_level`, which Explore colours by level) for log
 * queries, and a logs sample for metric queries. Explore runs the request and shapes the frames.
 */
import { SupplementaryQueryType, type DataQueryRequest, type SupplementaryQueryOptions } from '@grafana/data';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';
import { isLogQuery, logQueryOfMetricQuery } from './queryModification';

/** Explore maps volume frames back to their query by this prefix (Loki's `log-volume-`). */
export const LOG_VOLUME_REF_PREFIX = 'log-volume-';
export const LOG_SAMPLE_REF_PREFIX = 'log-sample-';
/** The label the histogram is split by: Loki's level label, set on every record (docs/labels.md). */
export const LOG_VOLUME_FIELD = 'detected_level';
const LOGS_SAMPLE_LIMIT = 100;

export const SUPPORTED_SUPPLEMENTARY_QUERY_TYPES = [
  SupplementaryQueryType.LogsVolume,
  SupplementaryQueryType.LogsSample,
];

export function supplementaryQuery(
  options: SupplementaryQueryOptions,
  query: KamiwazaLogsQuery
): KamiwazaLogsQuery | undefined {
  const expr = (query.expr ?? '').trim();
  if (query.hide || expr === '') {
    return undefined;
  }
  switch (options.type) {
    case SupplementaryQueryType.LogsVolume: {
      if (!isLogQuery(expr) || (query.queryType ?? LogsQueryType.Range) !== LogsQueryType.Range) {
        return undefined;
      }
      const field = options.field || LOG_VOLUME_FIELD;
      return {
        ...query,
        refId: `${LOG_VOLUME_REF_PREFIX}${query.refId}`,
        queryType: LogsQueryType.Range,
        // A malformed JSON line's __error__ would otherwise fail the count (Loki adds the same drop).
        expr: `sum by (${field}) (count_over_time(${expr} | drop __error__ [$__auto]))`,
        legendFormat: `{{${field}}}`,
        step: undefined,
        maxLines: undefined,
      };
    }
    case SupplementaryQueryType.LogsSample: {
      const logExpr = isLogQuery(expr) ? undefined : logQueryOfMetricQuery(expr);
      if (!logExpr) {
        return undefined;
      }
      return {
        ...query,
        refId: `${LOG_SAMPLE_REF_PREFIX}${query.refId}`,
        queryType: LogsQueryType.Range,
        expr: logExpr,
        maxLines: options.limit ?? LOGS_SAMPLE_LIMIT,
        legendFormat: undefined,
        step: undefined,
      };
    }
  }
  return undefined;
}

/** The request Explore runs for `type`, or undefined when no query of `request` has one. */
export function supplementaryRequest(
  type: SupplementaryQueryType,
  request: DataQueryRequest<KamiwazaLogsQuery>,
  options?: SupplementaryQueryOptions
): DataQueryRequest<KamiwazaLogsQuery> | undefined {
  const typed: SupplementaryQueryOptions = options?.type === type ? options : ({ type } as SupplementaryQueryOptions);
  const targets = request.targets
    .map((query) => supplementaryQuery(typed, query))
    .filter((query): query is KamiwazaLogsQuery => query !== undefined);
  return targets.length > 0 ? { ...request, targets } : undefined;
}
