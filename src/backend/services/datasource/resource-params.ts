/**
 * Query-string parameters of the resources (src/shared/resources.ts), read defensively: they come
 * from browsers. Bad values answer 400 with what was wrong.
 */
import { logExprOf } from '../../engine/explore/logExpr';
import type { LabelMatcher } from '../../engine/model';
import { nanoStringToMs } from '../../engine/time';
import { PluginError } from '../../protocol/handlers';
import type { ResourceCall } from './resources';

/** The start and end of "all time": any time a log file can hold. */
export const ALL_TIME = { startMs: -8.64e15, endMs: 8.64e15 };

/** `start`/`end` in Unix nanoseconds; omitted ones cover all time the files span. */
export function rangeOf(call: ResourceCall): { startMs: number; endMs: number } {
  const startMs = timeParam(call, 'start') ?? ALL_TIME.startMs;
  const endMs = timeParam(call, 'end') ?? ALL_TIME.endMs;
  if (!(startMs <= endMs)) {
    throw new PluginError('start must not be after end', 400, 'downstream');
  }
  return { startMs, endMs };
}

function timeParam(call: ResourceCall, name: string): number | undefined {
  const value = call.query.get(name);
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const ms = nanoStringToMs(value.trim());
  if (!Number.isFinite(ms)) {
    throw new PluginError(
      `${name}: ${JSON.stringify(value)} is not a Unix timestamp in nanoseconds`,
      400,
      'downstream'
    );
  }
  return ms;
}

/** The `query` parameter as LogQL (undefined when omitted); parse errors are the caller's to fix. */
export function queryParam(call: ResourceCall): string | undefined {
  const query = call.query.get('query')?.trim() ?? '';
  if (query === '') {
    return undefined;
  }
  try {
    logExprOf(query);
  } catch (error) {
    throw new PluginError(`query: ${(error as Error).message}`, 400, 'downstream');
  }
  return query;
}

/** The `query` parameter, which must be given. */
export function requiredQueryParam(call: ResourceCall): string {
  const query = queryParam(call);
  if (query === undefined) {
    throw new PluginError('query is required, e.g. query={source="application"}', 400, 'downstream');
  }
  return query;
}

/** The stream selector of the `query` parameter (any LogQL query: its first selector); none = all. */
export function selectorOf(call: ResourceCall): LabelMatcher[] {
  const query = queryParam(call);
  return query === undefined ? [] : logExprOf(query).matchers;
}

/** A whole number in [min, max], or the default when omitted. */
export function intParam(call: ResourceCall, name: string, fallback: number, min: number, max: number): number {
  const raw = call.query.get(name);
  if (raw === null || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PluginError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      400,
      'downstream'
    );
  }
  return value;
}
