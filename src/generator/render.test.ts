import { accessClf, accessJson, appJson, appText, auditJson, daemonText } from './render';
import { EXCEPTIONS, pyException } from './catalog';
import type { AccessEntry, AppEvent } from './records';
import { APP_TEXT, CLF, CORE_TEXT, DAEMON_TEXT, ISO_MICROS, STARTS_WITH_TIMESTAMP } from './testing';

const TS = Date.parse('2026-11-20T10:00:00.123Z') * 1000 + 456;
const event: AppEvent = {
  ts: TS,
  level: 'INFO',
  service: 'kamiwaza.serving',
  message: 'Model deployed successfully',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  fields: ',"model_id":"llama-3.1-8b","duration_ms":812',
};
const access: AccessEntry = {
  startUs: TS,
  durationUs: 812_345,
  clientIp: '10.0.0.7',
  user: 'alice',
  method: 'POST',
  path: '/api/serving/deploy',
  protocol: 'HTTP/1.1',
  status: 200,
  size: 512,
  userAgent: 'python-requests/2.32.3',
  requestCount: 1042,
  router: 'kamiwaza-api@docker',
  serviceUrl: 'http://172.18.0.5:7777',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  gatewaySpanId: '00f067aa0ba902b7',
};

describe('renderers', () => {
  it('writes application.jsonl with the documented keys in order', () => {
    const line = appJson(event);
    expect(line.endsWith('}\n')).toBe(true);
    const rec = JSON.parse(line);
    expect(Object.keys(rec)).toEqual([
      'timestamp',
      'level',
      'service',
      'message',
      'trace_id',
      'span_id',
      'model_id',
      'duration_ms',
    ]);
    expect(rec.timestamp).toMatch(ISO_MICROS);
    expect(rec.timestamp).toBe('2026-11-20T10:00:00.123456Z');
  });

  it('writes application.log with the traceback on continuation lines', () => {
    const ex = pyException(EXCEPTIONS.upstreamTimeout, 'timed out');
    const text = appText({ ...event, level: 'ERROR', exception: ex });
    const [first, ...rest] = text.slice(0, -1).split('\n');
    const m = APP_TEXT.exec(first)!;
    expect(m[1]).toBe('2026-11-20 10:00:00,123');
    expect(m.slice(2, 6)).toEqual(['kamiwaza.serving', 'ERROR', event.traceId, event.spanId]);
    expect(rest[0]).toBe('Traceback (most recent call last):');
    expect(rest[rest.length - 1]).toBe('httpx.ReadTimeout: timed out');
    rest.forEach((l) => expect(l).not.toMatch(STARTS_WITH_TIMESTAMP));
    expect(JSON.parse(appJson({ ...event, exception: ex })).exception).toBe(ex.text);
    expect(appText({ ...event, traceId: undefined })).toMatch(/ - INFO - Model deployed successfully\n$/);
  });

  it('writes Traefik CLF with the extra fields', () => {
    const line = accessClf(access);
    expect(line).toBe(
      '10.0.0.7 - alice [20/Nov/2026:10:00:00 +0000] "POST /api/serving/deploy HTTP/1.1" 200 512 "-" "python-requests/2.32.3" 1042 "kamiwaza-api@docker" "http://172.18.0.5:7777" 812ms\n'
    );
    expect(line.slice(0, -1)).toMatch(CLF);
  });

  it('writes Traefik JSON with the documented keys', () => {
    const rec = JSON.parse(accessJson(access));
    expect(rec).toMatchObject({
      ClientHost: '10.0.0.7',
      RequestMethod: 'POST',
      RequestPath: '/api/serving/deploy',
      RequestProtocol: 'HTTP/1.1',
      DownstreamStatus: 200,
      DownstreamContentSize: 512,
      Duration: 812_345_000,
      RouterName: 'kamiwaza-api@docker',
      ServiceURL: 'http://172.18.0.5:7777',
      'request_User-Agent': 'python-requests/2.32.3',
      request_Traceparent: `00-${access.traceId}-${access.gatewaySpanId}-01`,
      level: 'info',
      StartUTC: '2026-11-20T10:00:00.123456Z',
    });
    expect(rec.time).toBe('2026-11-20T10:00:00Z');
    expect(JSON.parse(accessJson({ ...access, traceId: undefined })).request_Traceparent).toBeUndefined();
  });

  it('writes audit events with the documented keys', () => {
    const rec = JSON.parse(
      auditJson({
        ts: TS,
        eventType: 'auth.login',
        actor: 'admin',
        actorIp: '203.0.113.77',
        resource: 'user/admin',
        action: 'login',
        outcome: 'failure',
        reason: 'Invalid credentials',
        requestId: 'req-1',
      })
    );
    expect(Object.keys(rec)).toEqual([
      'timestamp',
      'event_type',
      'actor',
      'actor_ip',
      'resource',
      'action',
      'outcome',
      'reason',
      'request_id',
    ]);
  });

  it('writes the kamiwazad styles', () => {
    const kd = daemonText({
      file: 'kamiwazad.log',
      ts: TS,
      level: 'INFO',
      logger: 'kamiwazad.supervisor',
      message: 'starting service ray (attempt 1/3)',
    });
    expect(kd).toBe('2026-11-20 10:00:00,123 [INFO] kamiwazad.supervisor: starting service ray (attempt 1/3)\n');
    expect(kd.slice(0, -1)).toMatch(DAEMON_TEXT);
    const core = daemonText({
      file: 'kamiwazad-core.log',
      ts: TS,
      level: 'ERROR',
      logger: 'kamiwaza.core.worker',
      pid: 4121,
      message: 'Unhandled exception in task',
      traceback: 'Traceback (most recent call last):\nMemoryError',
    });
    const [first, ...rest] = core.slice(0, -1).split('\n');
    expect(first).toBe('2026-11-20T10:00:00.123456Z ERROR kamiwaza.core.worker pid=4121 Unhandled exception in task');
    expect(first).toMatch(CORE_TEXT);
    expect(rest).toEqual(['Traceback (most recent call last):', 'MemoryError']);
  });
});
