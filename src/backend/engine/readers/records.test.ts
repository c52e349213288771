import fc from 'fast-check';
import type { LogRecord } from '../model';
import { FLAG_CUT, type FileContext } from './context';
import { accessFormat, jsonFormat, textFormat, type LineFormat } from './formats';
import { sanitizeLabelName } from './labels';
import { detectedLevel } from './level';
import { dashedHeaderBytes, parseTextHeader } from './records';

function ctx(source: string, defaultService = 'unknown_service'): FileContext {
  return { source, filename: `/logs/${source}`, defaultService, fileKey: 'k' };
}

function read(format: LineFormat, source: string, text: string, flags = 0): LogRecord {
  const b = Buffer.from(text);
  const ts = format.lineTs(b, 0, b.length);
  return format.record(ctx(source, source === 'access' ? 'traefik' : 'unknown_service'), ts, b, 0, b.length, 0, flags);
}

const APP =
  '{"timestamp":"2026-11-20T10:00:00.123456Z","level":"INFO","service":"kamiwaza.serving","message":"Model deployed successfully","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","model_id":"llama-3.1-8b","duration_ms":812,"request":{"level":"nested","service":"x"}}';

describe('JSON Lines records', () => {
  it('reads the format doc example', () => {
    const r = read(jsonFormat, 'application', APP);
    expect(r.ts).toBeCloseTo(Date.UTC(2026, 10, 20, 10) + 123.456, 6);
    expect(r.line).toBe(APP);
    expect(r.stream).toEqual({
      source: 'application',
      service_name: 'kamiwaza.serving',
      filename: '/logs/application',
    });
    expect(r.metadata).toMatchObject({
      level: 'INFO',
      detected_level: 'info',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      model_id: 'llama-3.1-8b',
      duration_ms: '812',
    });
    expect(r.metadata.request).toBeUndefined();
  });

  it('answers single labels from top-level keys only, without computing metadata', () => {
    const r = read(jsonFormat, 'application', APP);
    expect(r.label('level')).toBe('INFO');
    expect(r.label('detected_level')).toBe('info');
    expect(r.label('service_name')).toBe('kamiwaza.serving');
    expect(r.label('duration_ms')).toBe('812');
    expect(r.label('missing')).toBeUndefined();
  });

  it('unescapes string values and sanitises key names', () => {
    const r = read(
      jsonFormat,
      'app',
      '{"time":1763632800,"msg":"a \\"quoted\\" word","service.name":"svc","request_User-Agent":"curl","1st":true}'
    );
    expect(r.ts).toBe(1763632800000);
    expect(r.label('msg')).toBe('a "quoted" word');
    expect(r.label('service_name')).toBe('svc');
    expect(r.label('request_User_Agent')).toBe('curl');
    expect(r.metadata).toMatchObject({ service_name: 'svc', request_User_Agent: 'curl', _1st: 'true' });
  });

  it('uses the per-source default service when the record names none', () => {
    expect(read(jsonFormat, 'audit', '{"timestamp":"2026-11-20T10:00:00Z"}').label('service_name')).toBe(
      'unknown_service'
    );
  });

  it('flags malformed lines the way Loki flags parser errors and keeps the raw text', () => {
    const text = '{"timestamp":"2026-11-20T10:00:00Z","level":"ERR';
    const r = read(jsonFormat, 'application', text);
    expect(r.line).toBe(text);
    expect(r.ts).toBe(Date.UTC(2026, 10, 20, 10));
    expect(r.label('__error__')).toBe('JSONParserErr');
    expect(r.metadata.__error_details__).toEqual(expect.any(String));
  });

  it('marks a cut line', () => {
    expect(read(jsonFormat, 'application', '{"a":1', FLAG_CUT).metadata.line_truncated).toBe('true');
  });

  it('makes audit fields first-class under common names', () => {
    const r = read(
      jsonFormat,
      'audit',
      '{"timestamp":"2026-11-20T10:00:00Z","eventType":"auth.login","user":"alice","result":"failure","target":"model/x"}'
    );
    expect(r.metadata).toMatchObject({
      event_type: 'auth.login',
      actor: 'alice',
      outcome: 'failure',
      resource: 'model/x',
    });
    expect(r.label('actor')).toBe('alice');
    const canonical = read(
      jsonFormat,
      'audit',
      '{"timestamp":"2026-11-20T10:00:00Z","event_type":"model.deploy","actor":"bob","outcome":"success","resource":"model/y"}'
    );
    expect(canonical.label('event_type')).toBe('model.deploy');
    expect(canonical.label('outcome')).toBe('success');
  });
});

describe('detected_level (Loki mapping)', () => {
  it.each([
    ['WARNING', 'warn'],
    ['wrn', 'warn'],
    ['ERR', 'error'],
    ['Critical', 'critical'],
    ['FATAL', 'fatal'],
    ['dbg', 'debug'],
    ['TRC', 'trace'],
    ['inf', 'info'],
  ])('%s → %s', (value, expected) => {
    expect(detectedLevel(value, { line: '' })).toBe(expected);
  });

  it('falls back to Loki line heuristics', () => {
    expect(detectedLevel(undefined, { line: 'something ERROR happened' })).toBe('error');
    expect(detectedLevel('notice', { line: 'plain' })).toBe('unknown');
    expect(read(jsonFormat, 'x', '{"ts":"2026-11-20T10:00:00Z","severity":"warning"}').label('detected_level')).toBe(
      'warn'
    );
  });
});

describe('text records', () => {
  it('reads the application.log rendering', () => {
    const first =
      '2026-11-20 10:00:01,456 - kamiwaza.api - ERROR - [trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7] Request failed: upstream timeout';
    const text = `${first}\nTraceback (most recent call last):\n  File "/opt/kamiwaza/api/routes.py", line 88, in handle\nTimeoutError: upstream timeout`;
    const b = Buffer.from(text);
    const r = textFormat.record(ctx('application-text'), textFormat.lineTs(b, 0, b.length), b, 0, b.length, 0, 0);
    expect(r.ts).toBe(Date.UTC(2026, 10, 20, 10, 0, 1) + 456);
    expect(r.line).toBe(text);
    expect(r.stream.service_name).toBe('kamiwaza.api');
    expect(r.metadata).toEqual({
      level: 'ERROR',
      detected_level: 'error',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
  });

  it.each([
    [
      '2026-11-20 10:00:00,123 [INFO] kamiwazad.supervisor: starting service ray (attempt 1/3)',
      'INFO',
      'kamiwazad.supervisor',
    ],
    [
      '2026-11-20T10:00:00.123456Z ERROR kamiwaza.core.worker pid=4121 Unhandled exception in task',
      'ERROR',
      'kamiwaza.core.worker',
    ],
    ['2026-11-20T10:00:00Z level=warn msg="disk almost full"', 'warn', undefined],
    ['2026-11-20 10:00:00,123 - serving - DEBUG - [trace_id=abc] Scheduling', 'DEBUG', 'serving'],
  ])('reads the kamiwazad style %s', (line, level, service) => {
    const header = parseTextHeader(line);
    expect(header.level).toBe(level);
    expect(header.service).toBe(service);
  });

  it('reads a header from its bytes as the regexes read its text, or leaves it to them', () => {
    const word = fc.constantFrom(
      '2026-11-20',
      '10:00:00,123',
      '-',
      '--',
      'kamiwaza.api',
      'serving',
      'INFO',
      'warning',
      'Err',
      'NOTICE',
      '[INFO]',
      'level=warn',
      'a_b9',
      'x',
      'été',
      'ERROR\u00a0',
      '\u3000',
      '[trace_id=abc',
      'span_id=12]'
    );
    const gap = fc.constantFrom(' ', ' - ', '  ', '\t', '', ' -', '- ', ' \u00a0- ');
    const words = fc
      .array(fc.tuple(word, gap), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.map(([w, g]) => w + g).join(''));
    const dash = fc.oneof({ weight: 8, arbitrary: fc.constant(' - ') }, { weight: 1, arbitrary: gap });
    // Mostly near Python logging's layout: `time[ time] - name - LEVEL - rest`, any part varied.
    const dashed = fc
      .tuple(word, fc.option(word), dash, word, dash, word, dash, words)
      .map(
        ([t1, t2, g1, name, g2, level, g3, rest]) =>
          `${t1}${t2 === null ? '' : ` ${t2}`}${g1}${name}${g2}${level}${g3}${rest}`
      );
    const line = fc.oneof(dashed, words);
    let decided = 0;
    fc.assert(
      fc.property(line, (text) => {
        const b = Buffer.from(text);
        const header = dashedHeaderBytes(b, 0, b.length);
        if (header !== undefined) {
          decided++;
          const expected = parseTextHeader(text);
          expect(header).toEqual({ service: expected.service, level: expected.level });
        }
      }),
      { numRuns: 5000, seed: 11 }
    );
    // The byte reading decides often enough for the comparison to mean something.
    expect(decided).toBeGreaterThan(100);
  });

  it('reads trace and span ids when asked, whichever reading found the service and level', () => {
    for (const first of [
      '2026-11-20 10:00:01,456 - kamiwaza.api - INFO - [trace_id=4bf92f35 span_id=00f067aa] done',
      '2026-11-20 10:00:01,456 [INFO] kamiwaza.api: trace_id=4bf92f35 span_id=00f067aa done',
    ]) {
      const b = Buffer.from(`${first}\ncontinued trace_id=ffff`);
      const r = textFormat.record(ctx('application-text'), 0, b, 0, b.length, 0, 0);
      expect([r.label('level'), r.label('service_name')]).toEqual(['INFO', 'kamiwaza.api']);
      expect([r.label('trace_id'), r.label('span_id')]).toEqual(['4bf92f35', '00f067aa']);
      expect(r.metadata).toMatchObject({ trace_id: '4bf92f35', span_id: '00f067aa', level: 'INFO' });
    }
  });

  it('does not start a record on a line without a leading timestamp', () => {
    const b = Buffer.from('  File "x.py", line 1');
    expect(textFormat.lineTs(b, 0, b.length)).toBeNaN();
  });
});

describe('Traefik access records', () => {
  const clf =
    '10.0.0.7 - alice [20/Nov/2026:10:00:00 +0000] "POST /api/serving/deploy HTTP/1.1" 200 512 "-" "python-requests/2.32.3" 1042 "kamiwaza-api@docker" "http://172.18.0.5:7777" 812ms';
  const json =
    '{"ClientHost":"10.0.0.7","ClientUsername":"alice","StartUTC":"2026-11-20T10:00:00Z","RequestMethod":"POST","RequestPath":"/api/serving/deploy","RequestProtocol":"HTTP/1.1","DownstreamStatus":200,"DownstreamContentSize":512,"RequestCount":1042,"Duration":812000000,"RouterName":"kamiwaza-api@docker","ServiceURL":"http://172.18.0.5:7777","request_User-Agent":"python-requests/2.32.3","level":"info","msg":"","time":"2026-11-20T10:00:00Z"}';

  it('names the common-log fields as Traefik JSON does, so both formats answer the same query', () => {
    const a = read(accessFormat, 'access', clf);
    const b = read(accessFormat, 'access', json);
    expect(a.ts).toBe(Date.UTC(2026, 10, 20, 10));
    expect(b.ts).toBe(a.ts);
    for (const name of [
      'ClientHost',
      'ClientUsername',
      'RequestMethod',
      'RequestPath',
      'RequestProtocol',
      'DownstreamStatus',
      'DownstreamContentSize',
      'RequestCount',
      'RouterName',
      'ServiceURL',
      'request_User_Agent',
      'Duration',
    ]) {
      expect([name, a.label(name)]).toEqual([name, b.label(name)]);
    }
    expect(a.stream.service_name).toBe('traefik');
    expect(b.stream.service_name).toBe('traefik');
  });
});

describe('label names', () => {
  it('replaces invalid characters like Loki', () => {
    expect(sanitizeLabelName('service.name')).toBe('service_name');
    expect(sanitizeLabelName('request_User-Agent')).toBe('request_User_Agent');
    expect(sanitizeLabelName('9lives')).toBe('_9lives');
  });
});
