/**
 * The generator's event model: what the simulation produces and the writers render. Rendering is
 * pure (no randomness), so every random choice lives in these records.
 */

export type Level = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** A Python exception with its traceback, in both renderings. */
export interface PyException {
  /** `Traceback (most recent call last):\n  File ...\nTimeoutError: upstream timeout` */
  text: string;
  /** `text` as a JSON string literal, quotes included. */
  json: string;
}

/** One application event: a line of application.jsonl and a record of application.log. */
export interface AppEvent {
  /** Epoch microseconds. */
  ts: number;
  level: Level;
  service: string;
  /** Plain text without `"`, `\` or control characters, so it is written into JSON as is. */
  message: string;
  traceId?: string;
  spanId?: string;
  /** Further JSON members, each starting with a comma: `,"model_id":"llama-3.1-8b"`. */
  fields: string;
  exception?: PyException;
}

/** One request through the Traefik gateway. */
export interface AccessEntry {
  /** Request start, epoch microseconds. */
  startUs: number;
  /** Request duration in microseconds. */
  durationUs: number;
  clientIp: string;
  /** Authenticated user, or `-`. */
  user: string;
  method: string;
  path: string;
  protocol: string;
  status: number;
  size: number;
  userAgent: string;
  /** Traefik's running request count. */
  requestCount: number;
  router: string;
  serviceUrl: string;
  /** W3C trace context Traefik forwarded, when the request was traced. */
  traceId?: string;
  gatewaySpanId?: string;
}

export type Outcome = 'success' | 'failure';

export interface AuditEvent {
  ts: number;
  eventType: string;
  actor: string;
  actorIp: string;
  resource: string;
  action: string;
  outcome: Outcome;
  reason?: string;
  traceId?: string;
  requestId: string;
}

export type DaemonFile = 'kamiwazad.log' | 'kamiwazad-core.log' | 'kamiwazad-containers.log';

/** A line of one of the kamiwazad text logs. */
export interface DaemonLine {
  file: DaemonFile;
  ts: number;
  level: Level;
  logger: string;
  message: string;
  /** Process id (kamiwazad-core.log only). */
  pid?: number;
  /** Continuation lines (a traceback), written after the line. */
  traceback?: string;
}
