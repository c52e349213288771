import { locationUtil, urlUtil } from '@grafana/data';
import type { DataSourceRef } from '@grafana/schema';

import { LogsQueryType } from '../shared/query';

export interface ExploreRange {
  from: string;
  to: string;
}

/** A link that opens Explore with one LogQL query against the given data source. */
export function exploreUrl(
  datasource: Required<Pick<DataSourceRef, 'uid' | 'type'>>,
  expr: string,
  range: ExploreRange
): string {
  const panes = {
    kamiwaza: {
      datasource: datasource.uid,
      queries: [{ refId: 'A', datasource, expr, queryType: LogsQueryType.Range }],
      range,
    },
  };
  return locationUtil.assureBaseUrl(urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify(panes) }));
}

/** A LogQL query for every record of one trace, whatever file it was written to. */
export function traceLookupExpr(traceId: string): string {
  const quoted = traceId.trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `{source=~".+"} | trace_id="${quoted}"`;
}
