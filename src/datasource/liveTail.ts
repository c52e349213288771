/**
 * Live tail through Grafana Live: each log query subscribes to the backend's tail stream on channel
 * `ds/<uid>/tail/<id>` with `{"expr": ...}` (see the backend's tail-stream.ts). Grafana sends the
 * subscription data only with a channel's first subscriber, so the id is derived from the
 * expression: the same query shares one channel, a different query gets its own.
 */
import {
  LiveChannelScope,
  LoadingState,
  StreamingFrameAction,
  type DataFrame,
  type DataQueryResponse,
} from '@grafana/data';
import { getGrafanaLiveSrv } from '@grafana/runtime';
import { map, type Observable, of } from 'rxjs';

import { DEFAULT_MAX_LINES, type KamiwazaLogsQuery } from '../shared/query';
import { isLogQuery } from './queryModification';

type LiveService = Pick<ReturnType<typeof getGrafanaLiveSrv>, 'getDataStream'>;

export function tailQuery(
  datasourceUid: string,
  query: KamiwazaLogsQuery,
  live: LiveService = getGrafanaLiveSrv()
): Observable<DataQueryResponse> {
  if (!isLogQuery(query.expr)) {
    return of({
      data: [],
      state: LoadingState.Error,
      errors: [
        { refId: query.refId, message: 'Live tail needs a log query (a selector and pipeline), not a metric query.' },
      ],
    });
  }
  return live
    .getDataStream({
      addr: {
        scope: LiveChannelScope.DataSource,
        stream: datasourceUid,
        // Grafana 11 (plugin.json allows it) reads only the older name; 12 reads either.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        namespace: datasourceUid,
        path: `tail/${tailChannelId(query.expr)}`,
        data: { expr: query.expr },
      },
      key: `kamiwaza-tail-${query.refId}`,
      buffer: { maxLength: query.maxLines ?? DEFAULT_MAX_LINES, action: StreamingFrameAction.Append },
    })
    .pipe(
      map((response) => {
        // The backend names its frames `tail`; Explore matches frames to queries by refId. The
        // StreamingDataFrame is kept as the same instance (Explore appends to it in place).
        response.data.forEach((frame: DataFrame) => {
          frame.refId = query.refId;
        });
        return response;
      })
    );
}

/** 64 bits of FNV-1a (two seeds) over the expression, as a channel path segment. */
export function tailChannelId(expr: string): string {
  const hash = (seed: number) => {
    let h = seed;
    for (let i = 0; i < expr.length; i++) {
      h ^= expr.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return hash(0x811c9dc5) + hash(0x050c5d1f);
}
