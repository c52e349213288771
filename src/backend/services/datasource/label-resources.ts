/**
 * Label browser resources, shaped like Loki's HTTP API so the same frontend tooling fits:
 * `GET labels` lists the stream labels only (source, service_name, filename), `GET
 * label/<name>/values` the values of a stream label or of a structured-metadata field (so
 * `label_values(level)` works); both answer `{status: "success", data: [...]}`, take an optional
 * `query` (a stream selector, or any LogQL query: its selector scopes the answer) and `start`/`end`
 * in Unix nanoseconds: omitted, they cover all time the files span.
 */
import { labelValues, streamLabelNames } from '../../engine/explore/labels';
import { jsonResponse } from '../../protocol/messages';
import type { LokiListResponse } from '../../../shared/resources';
import { rangeOf, selectorOf } from './resource-params';
import type { ResourceRouter } from './resources';

export function addLabelResources(router: ResourceRouter): ResourceRouter {
  return router
    .add('GET', 'labels', async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const names = await streamLabelNames(call.instance.store, selectorOf(call), startMs, endMs, call.signal);
      return jsonResponse(200, { status: 'success', data: names } satisfies LokiListResponse);
    })
    .add('GET', 'label/:name/values', async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const values = await labelValues(
        call.instance.store,
        call.params.name,
        selectorOf(call),
        startMs,
        endMs,
        call.signal
      );
      return jsonResponse(200, { status: 'success', data: values } satisfies LokiListResponse);
    });
}
