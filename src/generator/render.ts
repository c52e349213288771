/**
 * One renderer per file format, exactly as docs/log-formats.md describes them. Each returns the
 * record's text including its trailing newline. Pure functions of the record.
 */
import type { AccessEntry, AppEvent, AuditEvent, DaemonLine } from './records';
import { clfDate, isoMicros, isoSeconds, pythonMillis } from './timefmt';

/** application.jsonl */
export function appJson(e: AppEvent): string {
  const ids = e.traceId ? `,"trace_id":"${e.traceId}","span_id":"${e.spanId}"` : '';
  const exception = e.exception ? `,"exception":${e.exception.json}` : '';
  return `{"timestamp":"${isoMicros(e.ts)}","level":"${e.level}","service":"${e.service}","message":"${e.message}"${ids}${e.fields}${exception}}\n`;
}

/** application.log (Python logging), traceback lines after the record's first line. */
export function appText(e: AppEvent): string {
  const ids = e.traceId ? `[trace_id=${e.traceId} span_id=${e.spanId}] ` : '';
  const traceback = e.exception ? `\n${e.exception.text}` : '';
  return `${pythonMillis(e.ts)} - ${e.service} - ${e.level} - ${ids}${e.message}${traceback}\n`;
}

/** kamiwaza/traefik/access.log, common log format with Traefik's extra fields. */
export function accessClf(a: AccessEntry): string {
  return `${a.clientIp} - ${a.user} [${clfDate(a.startUs)}] "${a.method} ${a.path} ${a.protocol}" ${a.status} ${a.size} "-" "${a.userAgent}" ${a.requestCount} "${a.router}" "${a.serviceUrl}" ${Math.round(a.durationUs / 1000)}ms\n`;
}

/** kamiwaza/traefik/access.log in Traefik's JSON format (keys sorted, as Traefik writes them). */
export function accessJson(a: AccessEntry): string {
  const user = a.user === '-' ? '' : `"ClientUsername":"${a.user}",`;
  const traceparent = a.traceId ? `"request_Traceparent":"00-${a.traceId}-${a.gatewaySpanId}-01",` : '';
  return `{"ClientHost":"${a.clientIp}",${user}"DownstreamContentSize":${a.size},"DownstreamStatus":${a.status},"Duration":${Math.round(a.durationUs) * 1000},"RequestCount":${a.requestCount},"RequestMethod":"${a.method}","RequestPath":"${a.path}","RequestProtocol":"${a.protocol}","RouterName":"${a.router}","ServiceURL":"${a.serviceUrl}","StartUTC":"${isoMicros(a.startUs)}","level":"info","msg":"",${traceparent}"request_User-Agent":"${a.userAgent}","time":"${isoSeconds(a.startUs + a.durationUs)}"}\n`;
}

/** audit-events.jsonl */
export function auditJson(a: AuditEvent): string {
  const reason = a.reason !== undefined ? `,"reason":"${a.reason}"` : '';
  const trace = a.traceId ? `,"trace_id":"${a.traceId}"` : '';
  return `{"timestamp":"${isoMicros(a.ts)}","event_type":"${a.eventType}","actor":"${a.actor}","actor_ip":"${a.actorIp}","resource":"${a.resource}","action":"${a.action}","outcome":"${a.outcome}"${reason}${trace},"request_id":"${a.requestId}"}\n`;
}

/**
 * kamiwazad.log and kamiwazad-containers.log use Python logging's `[LEVEL] logger:` style;
 * kamiwazad-core.log carries the core processes' own `ISO LEVEL logger pid=N` lines.
 */
export function daemonText(d: DaemonLine): string {
  const traceback = d.traceback ? `\n${d.traceback}` : '';
  if (d.file === 'kamiwazad-core.log') {
    return `${isoMicros(d.ts)} ${d.level} ${d.logger} pid=${d.pid ?? 0} ${d.message}${traceback}\n`;
  }
  return `${pythonMillis(d.ts)} [${d.level}] ${d.logger}: ${d.message}${traceback}\n`;
}
