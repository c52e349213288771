/** DataQuery.json (the whole query object the frontend posted) → the shared query model. */
import { PluginError } from '../../protocol/handlers';
import type { DataQuery } from '../../protocol/messages';
import { type KamiwazaLogsQuery, LogsQueryType } from '../../../shared/query';

const QUERY_TYPES: ReadonlySet<string> = new Set(Object.values(LogsQueryType));

export function decodeQuery(query: DataQuery): KamiwazaLogsQuery {
  let raw: unknown;
  try {
    raw = query.json.length === 0 ? {} : JSON.parse(query.json.toString('utf8'));
  } catch (error) {
    throw new PluginError(`query ${query.refId} is not valid JSON: ${(error as Error).message}`, 400);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PluginError(`query ${query.refId} must be a JSON object`, 400);
  }
  const json = raw as Record<string, unknown>;
  if (json.expr !== undefined && typeof json.expr !== 'string') {
    throw new PluginError(`query ${query.refId}: expr must be a string`, 400);
  }
  const queryType = typeof json.queryType === 'string' && json.queryType !== '' ? json.queryType : query.queryType;
  if (queryType !== '' && !QUERY_TYPES.has(queryType)) {
    throw new PluginError(`query ${query.refId}: unknown queryType ${JSON.stringify(queryType)}`, 400);
  }
  return {
    ...(json as Partial<KamiwazaLogsQuery>),
    refId: query.refId,
    expr: (json.expr as string | undefined) ?? '',
    queryType: queryType === '' ? undefined : (queryType as LogsQueryType),
  };
}
