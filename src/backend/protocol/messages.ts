/**
 * Request and response types handed to handlers, and their conversion from/to the decoded proto
 * objects. Handlers see plain TS values: int64 epoch/ids as numbers (all far below 2^53),
 * optional sub-messages as `undefined`, bytes as Buffers.
 */
import type { Frame } from './frames/frame';

export interface User {
  login: string;
  name: string;
  email: string;
  /** Org role name: Admin, Editor, Viewer, None. */
  role: string;
}

export interface AppInstanceSettings {
  /** UTF-8 JSON object bytes (may be empty). */
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  apiVersion: string;
}

export interface DataSourceInstanceSettings {
  /** Deprecated numeric id; `uid` identifies the instance. */
  id: number;
  uid: string;
  name: string;
  url: string;
  user: string;
  database: string;
  basicAuthEnabled: boolean;
  basicAuthUser: string;
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  apiVersion: string;
}

export interface PluginContext {
  orgId: number;
  pluginId: string;
  /** Absent when Grafana itself calls (alerting, background jobs). */
  user?: User;
  /** Present for app targets (`/api/plugins/<id>/...`). */
  appInstanceSettings?: AppInstanceSettings;
  /** Present for data source targets. */
  dataSourceInstanceSettings?: DataSourceInstanceSettings;
  /** Grafana settings forwarded per request (GF_APP_URL, feature toggles, ...). */
  grafanaConfig: Record<string, string>;
  pluginVersion: string;
  userAgent: string;
  apiVersion: string;
  namespace: string;
}

/** Epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface DataQuery {
  refId: string;
  queryType: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: TimeRange;
  /** The whole query object as posted by the frontend, UTF-8 JSON. */
  json: Buffer;
}

export type FrameFormat = 'arrow' | 'json';

export interface QueryDataRequest {
  pluginContext: PluginContext;
  /** Forwarded HTTP headers under `http_<Name>`, plus legacy keys (FromAlert, Authorization...). */
  headers: Record<string, string>;
  queries: DataQuery[];
  /** What Grafana asked for; answers are Arrow regardless, which every Grafana decodes. */
  format: FrameFormat;
}

export type ErrorSource = 'plugin' | 'downstream';

export interface DataResponse {
  frames: Frame[];
  /** Non-empty ⇒ this refId failed (frames may still carry executedQueryString). */
  error?: string;
  /** HTTP status; 200 when unset and no error, 500 when unset with an error. */
  status?: number;
  errorSource?: ErrorSource;
}

export interface CallResourceRequest {
  pluginContext: PluginContext;
  /** Path after `/resources/`, no leading slash. */
  path: string;
  method: string;
  /** `path` plus `?query` when present, no leading slash. */
  url: string;
  /** Header names as Grafana sent them (Go canonical form). */
  headers: Record<string, string[]>;
  body: Buffer;
}

export type ResourceBody = Buffer | string | AsyncIterable<Buffer | string>;

export interface ResourceResponse {
  /** HTTP status (100–599). */
  status: number;
  headers?: Record<string, string | string[]>;
  /** An async iterable streams (each chunk is flushed to the browser as it comes). */
  body?: ResourceBody;
}

export function jsonResponse(status: number, body: unknown): ResourceResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export interface CheckHealthRequest {
  pluginContext: PluginContext;
  headers: Record<string, string>;
}

export type HealthStatus = 'OK' | 'ERROR' | 'UNKNOWN';

export interface CheckHealthResult {
  status: HealthStatus;
  message: string;
  /** Must be a JSON object; shown by Grafana as the health check details. */
  jsonDetails?: Record<string, unknown>;
}

export interface StreamRequest {
  pluginContext: PluginContext;
  /** Channel path after `ds/<uid>/` or `plugin/<id>/`. */
  path: string;
  /** JSON bytes sent by the subscriber/publisher (may be empty). */
  data: Buffer;
  headers: Record<string, string>;
}

export type StreamStatus = 'OK' | 'NOT_FOUND' | 'PERMISSION_DENIED';

export interface StreamReply {
  status: StreamStatus;
  /** JSON text (e.g. a frame schema from `frameToJson`); empty = nothing to send/publish. */
  data?: string | Buffer;
}

/** Sends one Live packet; the promise resolves once the transport can take more. */
export type StreamPacketSender = (jsonData: string | Buffer) => Promise<void>;

// ---- conversion from decoded proto objects (proto-loader: longs as strings, defaults on) ----

type Decoded = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const bytes = (value: unknown): Buffer =>
  Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : Buffer.alloc(0);
const stringMap = (value: unknown): Record<string, string> => ({ ...((value as Record<string, string>) ?? {}) });

/** int64 arrives as a decimal string (or number); every int64 here is < 2^53. */
export function int64ToNumber(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && value !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  return 0;
}

export function toPluginContext(raw: unknown): PluginContext {
  const ctx = (raw ?? {}) as Decoded;
  const user = ctx.user as Decoded | null | undefined;
  const app = ctx.appInstanceSettings as Decoded | null | undefined;
  const ds = ctx.dataSourceInstanceSettings as Decoded | null | undefined;
  return {
    orgId: int64ToNumber(ctx.orgId),
    pluginId: text(ctx.pluginId),
    user: user
      ? { login: text(user.login), name: text(user.name), email: text(user.email), role: text(user.role) }
      : undefined,
    appInstanceSettings: app
      ? {
          jsonData: bytes(app.jsonData),
          decryptedSecureJsonData: stringMap(app.decryptedSecureJsonData),
          lastUpdatedMS: int64ToNumber(app.lastUpdatedMS),
          apiVersion: text(app.apiVersion),
        }
      : undefined,
    dataSourceInstanceSettings: ds
      ? {
          id: int64ToNumber(ds.id),
          uid: text(ds.uid),
          name: text(ds.name),
          url: text(ds.url),
          user: text(ds.user),
          database: text(ds.database),
          basicAuthEnabled: ds.basicAuthEnabled === true,
          basicAuthUser: text(ds.basicAuthUser),
          jsonData: bytes(ds.jsonData),
          decryptedSecureJsonData: stringMap(ds.decryptedSecureJsonData),
          lastUpdatedMS: int64ToNumber(ds.lastUpdatedMS),
          apiVersion: text(ds.apiVersion),
        }
      : undefined,
    grafanaConfig: stringMap(ctx.grafanaConfig),
    pluginVersion: text(ctx.pluginVersion),
    userAgent: text(ctx.userAgent),
    apiVersion: text(ctx.apiVersion),
    namespace: text(ctx.namespace),
  };
}

export function toQueryDataRequest(raw: Decoded): QueryDataRequest {
  const queries = (raw.queries as Decoded[] | undefined) ?? [];
  return {
    pluginContext: toPluginContext(raw.pluginContext),
    headers: stringMap(raw.headers),
    format: raw.format === 1 ? 'json' : 'arrow',
    queries: queries.map((query) => {
      const range = (query.timeRange ?? {}) as Decoded;
      return {
        refId: text(query.refId),
        queryType: text(query.queryType),
        maxDataPoints: int64ToNumber(query.maxDataPoints),
        intervalMS: int64ToNumber(query.intervalMS),
        timeRange: { from: int64ToNumber(range.fromEpochMS), to: int64ToNumber(range.toEpochMS) },
        json: bytes(query.json),
      };
    }),
  };
}

export function toCallResourceRequest(raw: Decoded): CallResourceRequest {
  const headers: Record<string, string[]> = {};
  for (const [name, list] of Object.entries((raw.headers as Record<string, Decoded>) ?? {})) {
    headers[name] = [...((list?.values as string[]) ?? [])];
  }
  return {
    pluginContext: toPluginContext(raw.pluginContext),
    path: text(raw.path),
    method: text(raw.method),
    url: text(raw.url),
    headers,
    body: bytes(raw.body),
  };
}

export function toCheckHealthRequest(raw: Decoded): CheckHealthRequest {
  return { pluginContext: toPluginContext(raw.pluginContext), headers: stringMap(raw.headers) };
}

export function toStreamRequest(raw: Decoded): StreamRequest {
  return {
    pluginContext: toPluginContext(raw.pluginContext),
    path: text(raw.path),
    data: bytes(raw.data),
    headers: stringMap(raw.headers),
  };
}

/** Header map of a CallResourceResponse: every value a list. */
export function toProtoHeaders(headers: Record<string, string | string[]> = {}): Record<string, { values: string[] }> {
  const out: Record<string, { values: string[] }> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = { values: Array.isArray(value) ? value : [value] };
  }
  return out;
}

export const HEALTH_STATUS_CODES: Record<HealthStatus, number> = { UNKNOWN: 0, OK: 1, ERROR: 2 };
export const STREAM_STATUS_CODES: Record<StreamStatus, number> = { OK: 0, NOT_FOUND: 1, PERMISSION_DENIED: 2 };
