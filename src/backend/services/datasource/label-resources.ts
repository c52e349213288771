/**
 * Label browser resources, shaped like Loki's HTTP API so the same frontend tooling fits:
 * `GET labels` and `GET label/<name>/values` answer `{status: "success", data: [...]}` and take
 * `start`/`end` in Unix nanoseconds (default: the last 6 hours, Loki's default lookback) and,
 * for values, an optional `query` stream selector.
 */
import { nanoStringToMs } from '../../engine/time';
import { parseLogQL } from '../../engine/logql/parser';
import type { LabelMatcher } from '../../engine/model';
import { PluginError } from '../../protocol/handlers';
import { jsonResponse } from '../../protocol/messages';
import type { ResourceCall, ResourceRouter } from './resources';

const DEFAULT_LOOKBACK_MS = 6 * 3_600_000;

export function addLabelResources(router: ResourceRouter): ResourceRouter {
  return router
    .add('GET', 'labels', async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const names = await call.instance.store.labelNames(startMs, endMs, call.signal);
      return jsonResponse(200, { status: 'success', data: names });
    })
    .add('GET', 'label/:name/values', async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const matchers = selectorOf(call.query.get('query'));
      const values = await call.instance.store.labelValues(call.params.name, startMs, endMs, matchers, call.signal);
      return jsonResponse(200, { status: 'success', data: values });
    });
}

function rangeOf(call: ResourceCall): { startMs: number; endMs: number } {
  const endMs = timeParam(call.query.get('end')) ?? Date.now();
  const startMs = timeParam(call.query.get('start')) ?? endMs - DEFAULT_LOOKBACK_MS;
  if (!(startMs <= endMs)) {
    throw new PluginError('start must not be after end', 400, 'downstream');
  }
  return { startMs, endMs };
}

function timeParam(value: string | null): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const ms = nanoStringToMs(value);
  if (!Number.isFinite(ms)) {
    throw new PluginError(`${JSON.stringify(value)} is not a Unix timestamp in nanoseconds`, 400, 'downstream');
  }
  return ms;
}

function selectorOf(query: string | null): LabelMatcher[] | undefined {
  if (query === null || query.trim() === '') {
    return undefined;
  }
  try {
    const expr = parseLogQL(query);
    if (expr.kind === 'log') {
      return expr.matchers;
    }
  } catch (error) {
    throw new PluginError(`query: ${(error as Error).message}`, 400, 'downstream');
  }
  throw new PluginError('query must be a stream selector such as {source="application"}', 400, 'downstream');
}
