/**
 * Query text + input lines → output lines/labels. Expected values come from Loki's documentation
 * (https://grafana.com/docs/loki/latest/query/log_queries/) and the rules in pkg/logql/log.
 */
import type { Labels, LogRecord } from '../../model';
import type { LogExpr, RangeAggregationExpr } from '../ast';
import { parseLogQL } from '../parser';
import {
  compilePipeline,
  compileSampleExtractor,
  requiredAlternatives,
  requiredLabelValues,
  requiredLevels,
  requiredLiterals,
  type PipelineOptions,
} from './index';

const TS = Date.UTC(2023, 10, 14, 22, 13, 20, 123.456);

/** A LogRecord from a line and labels; `label()` reads stream first, then metadata. */
function record(line: string, stream: Labels = { service_name: 'app' }, metadata: Labels = {}): LogRecord {
  return {
    ts: TS,
    line,
    id: 'test:0',
    stream,
    metadata,
    label: (name) =>
      Object.hasOwn(metadata, name) ? metadata[name] : Object.hasOwn(stream, name) ? stream[name] : undefined,
  };
}

function logQuery(query: string): LogExpr {
  const e = parseLogQL(query);
  if (e.kind !== 'log') {
    throw new Error('not a log query');
  }
  return e;
}

function run(
  query: string,
  input: string | LogRecord,
  options?: PipelineOptions
): { line: string; labels: Labels } | null {
  const pipeline = compilePipeline(logQuery(query).stages, options);
  return pipeline.process(typeof input === 'string' ? record(input) : input);
}

/** The lines of `lines` that pass the query. */
function passing(query: string, lines: string[]): string[] {
  const pipeline = compilePipeline(logQuery(query).stages);
  return lines.filter((l) => pipeline.process(record(l)) !== null);
}

describe('line filters', () => {
  const lines = [
    'level=error msg="disk full"',
    'level=info msg="ok"',
    'level=debug msg="cache miss"',
    'ERROR: upper case',
  ];

  it('|= keeps lines containing the text, != drops them', () => {
    expect(passing('{a="b"} |= "error"', lines)).toEqual(['level=error msg="disk full"']);
    expect(passing('{a="b"} != "level"', lines)).toEqual(['ERROR: upper case']);
  });

  it('|~ matches a regex anywhere in the line (unanchored), !~ negates', () => {
    expect(passing('{a="b"} |~ "err(or)?"', lines)).toEqual(['level=error msg="disk full"']);
    expect(passing('{a="b"} |~ "(?i)error"', lines)).toEqual(['level=error msg="disk full"', 'ERROR: upper case']);
    expect(passing('{a="b"} !~ "level=(info|debug)"', lines)).toEqual([
      'level=error msg="disk full"',
      'ERROR: upper case',
    ]);
    expect(passing('{a="b"} |~ `msg="\\w+ \\w+"`', lines)).toEqual([
      'level=error msg="disk full"',
      'level=debug msg="cache miss"',
    ]);
  });

  it('or-chains: |= passes lines with any value, != passes lines with none', () => {
    expect(passing('{a="b"} |= "full" or "miss"', lines)).toEqual([
      'level=error msg="disk full"',
      'level=debug msg="cache miss"',
    ]);
    expect(passing('{a="b"} != "full" or "miss"', lines)).toEqual(['level=info msg="ok"', 'ERROR: upper case']);
    expect(passing('{a="b"} |~ "ok" or "ERR"', lines)).toEqual(['level=info msg="ok"', 'ERROR: upper case']);
  });

  it('chained filters all apply; |= "" passes everything', () => {
    expect(passing('{a="b"} |= "level" != "info" |~ "d"', lines)).toEqual([
      'level=error msg="disk full"',
      'level=debug msg="cache miss"',
    ]);
    expect(passing('{a="b"} |= ""', lines)).toEqual(lines);
  });

  it('|> and !> match patterns (Loki pattern filter rules)', () => {
    const http = ['GET /api 200 12ms', 'POST /api 500 3ms', 'GET /health 200 1ms'];
    expect(passing('{a="b"} |> "<_> /api <_>"', http)).toEqual(['GET /api 200 12ms', 'POST /api 500 3ms']);
    expect(passing('{a="b"} |> "<_> 5<_>"', http)).toEqual(['POST /api 500 3ms']);
    expect(passing('{a="b"} !> "GET <_>" or "<_>health<_>"', http)).toEqual(['POST /api 500 3ms']);
    // From Loki's pattern tests: a trailing literal must end the line, captures must not be empty.
    expect(passing('{a="b"} |> "<_> bar"', ['foo bar baz'])).toEqual([]);
    expect(passing('{a="b"} |> "<_> baz"', ['foo bar baz'])).toEqual(['foo bar baz']);
    expect(passing('{a="b"} |> "foo <_>"', ['foo bar baz'])).toEqual(['foo bar baz']);
    expect(passing('{a="b"} |> "<_> bar <_>"', [' bar '])).toEqual([]);
    expect(passing('{a="b"} |> "<_>bar<_>"', [' bar '])).toEqual([' bar ']);
  });

  it('a catastrophic-backtracking regex on a long line completes (RE2 is linear)', () => {
    const hostile = 'a'.repeat(30_000) + 'b';
    // The line ends with "b", so `(a+)+$` cannot match it; a backtracking engine would hang.
    expect(passing('{a="b"} |~ "(a+)+$"', [hostile, 'aaa']).map((l) => l.length)).toEqual([3]);
    expect(passing('{a="b"} |~ "^(a|aa)+c$"', [hostile])).toHaveLength(0);
    expect(passing('{a="b"} |~ "(a+)+b"', [hostile])).toHaveLength(1);
  });

  it('handles lines with U+FFFD replacement characters and huge lines', () => {
    const bad = 'bad \ufffd\ufffd bytes';
    expect(passing('{a="b"} |= "\ufffd"', [bad, 'fine'])).toEqual([bad]);
    const huge = 'x'.repeat(2_000_000) + 'needle';
    expect(passing('{a="b"} |= "needle"', [huge])).toEqual([huge]);
  });
});

describe('json parser', () => {
  // The example of Loki's documentation ("JSON" parser section).
  const docLine =
    '{"protocol":"HTTP/2.0","servers":["129.0.1.1","10.2.1.3"],"request":{"time":"6.032","method":"GET","host":"foo.grafana.net","size":"55","headers":{"Accept":"*/*","User-Agent":"curl/7.68.0"}},"response":{"status":401,"size":"228","latency_seconds":"6.031"}}';

  it('flattens nested objects with "_", sanitises names and skips arrays', () => {
    expect(run('{a="b"} | json', record(docLine, {}))?.labels).toEqual({
      protocol: 'HTTP/2.0',
      request_time: '6.032',
      request_method: 'GET',
      request_host: 'foo.grafana.net',
      request_size: '55',
      request_headers_Accept: '*/*',
      request_headers_User_Agent: 'curl/7.68.0',
      response_status: '401',
      response_size: '228',
      response_latency_seconds: '6.031',
    });
  });

  it('extracts expressions with indexes and quoted keys; objects and arrays as JSON text', () => {
    const labels = run(
      '{a="b"} | json first_server="servers[0]", ua="request.headers[\\"User-Agent\\"]", server_list="servers", headers="request.headers"',
      record(docLine, {})
    )?.labels;
    expect(labels).toEqual({
      first_server: '129.0.1.1',
      ua: 'curl/7.68.0',
      server_list: '["129.0.1.1","10.2.1.3"]',
      headers: '{"Accept":"*/*","User-Agent":"curl/7.68.0"}',
    });
  });

  it('sets a parameter whose path is absent to ""', () => {
    expect(run('{a="b"} | json x="nope.deeper"', record('{"a":1}', {}))?.labels).toEqual({ x: '' });
  });

  it('keeps number text as written, renders booleans, skips nulls', () => {
    expect(run('{a="b"} | json', record('{"a":1.50,"b":true,"c":null,"d":-2e3}', {}))?.labels).toEqual({
      a: '1.50',
      b: 'true',
      d: '-2e3',
    });
  });

  it('keeps the text of numbers JavaScript would render differently', () => {
    const line = '{"big":12345678901234567890,"tiny":0.0000001,"z":0,"neg":-0,"f":2.0,"e":1E3,"ok":0.25}';
    expect(run('{a="b"} | json', record(line, {}))?.labels).toEqual({
      big: '12345678901234567890',
      tiny: '0.0000001',
      z: '0',
      neg: '-0',
      f: '2.0',
      e: '1E3',
      ok: '0.25',
    });
    expect(
      run('{a="b"} | json b="big", o="obj"', record('{"big":12345678901234567890, "obj": {"x": [1, 2]}}', {}))?.labels
    ).toEqual({
      b: '12345678901234567890',
      o: '{"x": [1, 2]}',
    });
  });

  it('tolerates raw control characters inside strings (Go jsonparser does)', () => {
    expect(run('{a="b"} | json', record('{"a":"x\ty\\"z","n":1}', {}))?.labels).toEqual({ a: 'x\ty"z', n: '1' });
  });

  it('decodes string escapes and turns U+FFFD into a space', () => {
    expect(run('{a="b"} | json', record('{"m":"a\\"b\\u00e9\\n","bad":"x\ufffdy"}', {}))?.labels).toEqual({
      m: 'a"b\u00e9\n',
      bad: 'x y',
    });
  });

  it('sanitises keys: invalid characters become "_", a leading digit gets "_"', () => {
    expect(run('{a="b"} | json', record('{"foo.bar":"1","test-dash":"2","3d":"3"," sp ":"4"}', {}))?.labels).toEqual({
      foo_bar: '1',
      test_dash: '2',
      _3d: '3',
      sp: '4',
    });
  });

  it('adds _extracted to names that clash with stream labels or structured metadata', () => {
    const r = record(
      '{"service_name":"other","level":"warn","x":{"service_name":"n"}}',
      { service_name: 'app' },
      { level: 'info' }
    );
    expect(run('{a="b"} | json', r)?.labels).toEqual({
      service_name: 'app',
      level: 'info',
      service_name_extracted: 'other',
      level_extracted: 'warn',
      x_service_name: 'n',
    });
  });

  it('a malformed line keeps its labels so far and gets __error__=JSONParserErr', () => {
    const result = run('{a="b"} | json', record('{"a":"1", "b":', {}));
    expect(result?.labels).toMatchObject({ a: '1', __error__: 'JSONParserErr' });
    expect(result?.labels.__error_details__).toBeDefined();
    expect(run('{a="b"} | json', record('not json at all', {}))?.labels.__error__).toBe('JSONParserErr');
    expect(run('{a="b"} | json | __error__=""', 'not json')).toBeNull();
    expect(run('{a="b"} | json | __error__!=""', 'not json')).not.toBeNull();
  });

  it('survives hostile nesting: deep objects are a JSONParserErr, deep arrays are skipped', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(run('{a="b"} | json', record(deep, {}))?.labels.__error__).toBe('JSONParserErr');
    const arrays = '{"x":1,"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    expect(run('{a="b"} | json', record(arrays, {}))?.labels).toEqual({ x: '1' });
    expect(run('{a="b"} | json v="a[0]"', record(arrays, {}))?.labels).toEqual({
      v: '[' + '['.repeat(99_998) + ']'.repeat(99_999),
    });
  });

  it('a later parser does not overwrite a label an earlier one extracted', () => {
    expect(run('{a="b"} | json | logfmt', record('{"a":"json"}', {}))?.labels).toEqual({ a: 'json' });
  });
});

describe('logfmt parser', () => {
  // The example of Loki's documentation ("logfmt" parser section).
  const docLine = 'at=info method=GET path=/ host=grafana.net fwd="124.133.124.161" service=8ms status=200';

  it('extracts every key=value pair, unquoting quoted values', () => {
    expect(run('{a="b"} | logfmt', record(docLine, {}))?.labels).toEqual({
      at: 'info',
      method: 'GET',
      path: '/',
      host: 'grafana.net',
      fwd: '124.133.124.161',
      service: '8ms',
      status: '200',
    });
  });

  it('extracts only the requested keys, renamed', () => {
    expect(run('{a="b"} | logfmt host, fwd_ip="fwd"', record(docLine, {}))?.labels).toEqual({
      host: 'grafana.net',
      fwd_ip: '124.133.124.161',
    });
  });

  it('drops empty values unless --keep-empty', () => {
    expect(run('{a="b"} | logfmt', record('a= b=1 c', {}))?.labels).toEqual({ b: '1' });
    expect(run('{a="b"} | logfmt --keep-empty', record('a= b=1 c', {}))?.labels).toEqual({ a: '', b: '1', c: '' });
  });

  it('skips malformed pairs silently, unless --strict (which stops and sets LogfmtParserErr)', () => {
    const line = 'a=1 =bad b=2';
    expect(run('{a="b"} | logfmt', record(line, {}))?.labels).toEqual({ a: '1', b: '2' });
    const strict = run('{a="b"} | logfmt --strict', record(line, {}))?.labels;
    expect(strict).toMatchObject({ a: '1', __error__: 'LogfmtParserErr' });
    expect(strict?.b).toBeUndefined();
    expect(strict?.__error_details__).toMatch(/logfmt syntax error at pos 5/);
  });

  it('decodes escapes in quoted values and handles an unterminated quote', () => {
    expect(run('{a="b"} | logfmt', record('msg="say \\"hi\\"" n=1', {}))?.labels).toEqual({ msg: 'say "hi"', n: '1' });
    expect(run('{a="b"} | logfmt', record('n=1 msg="open', {}))?.labels).toEqual({ n: '1' });
  });

  it('suffixes clashing names with _extracted', () => {
    expect(run('{a="b"} | logfmt', record('service_name=x', { service_name: 'app' }))?.labels).toEqual({
      service_name: 'app',
      service_name_extracted: 'x',
    });
  });
});

describe('regexp and pattern parsers', () => {
  it('regexp extracts named groups (documentation example)', () => {
    const q =
      '{a="b"} | regexp "(?P<method>\\\\w+) (?P<path>[\\\\w|/]+) \\\\((?P<status>\\\\d+?)\\\\) (?P<duration>.*)"';
    expect(run(q, record('POST /api/prom/api/v1/query_range (200) 1.5s', {}))?.labels).toEqual({
      method: 'POST',
      path: '/api/prom/api/v1/query_range',
      status: '200',
      duration: '1.5s',
    });
  });

  it('regexp extracts nothing when the line does not match, and "" for groups that did not take part', () => {
    expect(run('{a="b"} | regexp "(?P<n>\\\\d+)"', record('no digits', {}))?.labels).toEqual({});
    expect(run('{a="b"} | regexp "(?P<a>x)|(?P<b>y)"', record('y', {}))?.labels).toEqual({ a: '', b: 'y' });
  });

  it('pattern extracts captures and skips <_> (documentation example)', () => {
    const line =
      '0.191.12.2 - - [10/Jun/2021:09:14:29 +0000] "GET /api/plugins/versioncheck HTTP/1.1" 200 2 "-" "Go-http-client/2.0" "13.76.247.102, 34.120.177.193" "TLSv1.2" "US" ""';
    const q = '{a="b"} | pattern `<ip> - - <_> "<method> <uri> <_>" <status> <size> <_> "<agent>" <_>`';
    expect(run(q, record(line, {}))?.labels).toEqual({
      ip: '0.191.12.2',
      method: 'GET',
      uri: '/api/plugins/versioncheck',
      status: '200',
      size: '2',
      agent: 'Go-http-client/2.0',
    });
  });

  it('pattern: a leading literal must start the line; a missing literal ends matching', () => {
    expect(run('{a="b"} | pattern "ts=<ts> x"', record('other', {}))?.labels).toEqual({});
    expect(run('{a="b"} | pattern "<a> | <b> | <c>"', record('1 | 2', {}))?.labels).toEqual({ a: '1', b: '2' });
  });
});

describe('unpack', () => {
  it('turns string fields into labels and replaces the line with _entry (documentation example)', () => {
    const result = run(
      '{a="b"} | unpack',
      record('{"container":"myapp","pod":"pod-3223f","_entry":"original log message"}', {})
    );
    expect(result).toEqual({ line: 'original log message', labels: { container: 'myapp', pod: 'pod-3223f' } });
  });

  it('changes nothing without _entry, and flags non-objects', () => {
    expect(run('{a="b"} | unpack', record('{"app":"x"}', {}))).toEqual({ line: '{"app":"x"}', labels: {} });
    expect(run('{a="b"} | unpack', record('["x"]', {}))?.labels).toEqual({
      __error__: 'JSONParserErr',
      __error_details__: 'expecting json object(6), but it is not',
    });
  });
});

describe('label filters', () => {
  const logfmt = (line: string): LogRecord => record(line, {});

  it('compares numbers, durations and bytes (documentation example)', () => {
    const q = '{a="b"} | logfmt | duration > 1m and bytes_consumed > 20MB';
    expect(run(q, logfmt('duration=2m bytes_consumed=21MB'))).not.toBeNull();
    expect(run(q, logfmt('duration=30s bytes_consumed=21MB'))).toBeNull();
    expect(run(q, logfmt('duration=2m bytes_consumed=20MB'))).toBeNull();
  });

  it('duration filters accept Go durations; bytes filters use powers of 1000 (KB) and 1024 (KiB)', () => {
    expect(run('{a="b"} | logfmt | d >= 1.5s', logfmt('d=1500ms'))).not.toBeNull();
    expect(run('{a="b"} | logfmt | d < 1s', logfmt('d=999us'))).not.toBeNull();
    expect(run('{a="b"} | logfmt | size > 2KB', logfmt('size=2KiB'))).not.toBeNull();
    expect(run('{a="b"} | logfmt | size > 2KiB', logfmt('size=2KB'))).toBeNull();
  });

  it('sees the reader’s __error__ flag on a malformed line until drop removes it', () => {
    const malformed = () =>
      record(
        '{"level":"INFO","message":"cut',
        { source: 'application' },
        {
          __error__: 'JSONParserErr',
          __error_details__: 'Unterminated string',
        }
      );
    expect(run('{a="b"} | __error__=""', malformed())).toBeNull();
    expect(run('{a="b"} | __error__="JSONParserErr"', malformed())).not.toBeNull();
    expect(run('{a="b"} | __error_details__=~"Unterminated.*"', malformed())).not.toBeNull();
    const dropped = run('{a="b"} | drop __error__, __error_details__ | __error__=""', malformed());
    expect(dropped).not.toBeNull();
    expect(dropped?.labels).not.toHaveProperty('__error__');
    expect(dropped?.labels).not.toHaveProperty('__error_details__');
    expect(run('{a="b"} | __error__=""', record('{"level":"INFO"}', { source: 'application' }))).not.toBeNull();
  });

  it('drops records without the label; keeps unparsable values with __error__=LabelFilterErr', () => {
    expect(run('{a="b"} | logfmt | status >= 400', logfmt('other=1'))).toBeNull();
    const bad = run('{a="b"} | logfmt | status >= 400', logfmt('status=abc'));
    expect(bad?.labels).toMatchObject({ status: 'abc', __error__: 'LabelFilterErr' });
    expect(bad?.labels.__error_details__).toBe('strconv.ParseFloat: parsing "abc": invalid syntax');
    expect(run('{a="b"} | logfmt | status >= 400 | __error__=""', logfmt('status=abc'))).toBeNull();
    expect(run('{a="b"} | logfmt | d > 1s', logfmt('d=fast'))?.labels.__error__).toBe('LabelFilterErr');
  });

  it('string matchers: a missing label is "", regexes are anchored', () => {
    expect(run('{a="b"} | logfmt | foo=""', logfmt('x=1'))).not.toBeNull();
    expect(run('{a="b"} | logfmt | foo!=""', logfmt('x=1'))).toBeNull();
    expect(run('{a="b"} | logfmt | level=~"err"', logfmt('level=error'))).toBeNull();
    expect(run('{a="b"} | logfmt | level=~"err.*"', logfmt('level=error'))).not.toBeNull();
    expect(run('{a="b"} | logfmt | level!~"info|debug"', logfmt('level=error'))).not.toBeNull();
  });

  it('or / and / parentheses', () => {
    const q = '{a="b"} | logfmt | (status >= 500 or level="error") and path!="/health"';
    expect(run(q, logfmt('status=503 path=/x'))).not.toBeNull();
    expect(run(q, logfmt('status=200 level=error path=/x'))).not.toBeNull();
    expect(run(q, logfmt('status=503 path=/health'))).toBeNull();
    expect(run(q, logfmt('status=200 level=info path=/x'))).toBeNull();
  });

  it('filters on stream labels and structured metadata without a parser', () => {
    const r = record('text', { service_name: 'api' }, { detected_level: 'error' });
    expect(run('{a="b"} | detected_level="error" | service_name=~"a.i"', r)).not.toBeNull();
    expect(run('{a="b"} | detected_level="info"', r)).toBeNull();
  });
});

describe('line_format', () => {
  const r = record('original', { service_name: 'app' }, { level: 'warn' });

  it('renders labels, functions, pipelines, __line__ and __timestamp__', () => {
    expect(run('{a="b"} | line_format "{{.service_name}}: {{ .level | ToUpper }}"', r)?.line).toBe('app: WARN');
    expect(run('{a="b"} | line_format "[{{ __line__ }}]"', r)?.line).toBe('[original]');
    expect(run('{a="b"} | line_format `{{ __timestamp__ | date "2006-01-02T15:04:05.000Z07:00" }}`', r)?.line).toBe(
      '2023-11-14T22:13:20.123Z'
    );
    expect(run('{a="b"} | line_format "{{.missing}}|"', r)?.line).toBe('|');
  });

  it('if / else and comparisons', () => {
    const q =
      '{a="b"} | logfmt | line_format `{{ if eq .status "200" }}ok{{ else if hasPrefix "5" .status }}server{{ else }}other{{ end }}`';
    expect(run(q, record('status=200', {}))?.line).toBe('ok');
    expect(run(q, record('status=503', {}))?.line).toBe('server');
    expect(run(q, record('status=404', {}))?.line).toBe('other');
  });

  it('sees labels extracted by earlier parsers, and later stages see the new line', () => {
    expect(run('{a="b"} | json | line_format "{{.msg}}" |= "hello"', record('{"msg":"hello world"}', {}))?.line).toBe(
      'hello world'
    );
    expect(run('{a="b"} | json | line_format "{{.msg}}" |= "{"', record('{"msg":"hello world"}', {}))).toBeNull();
  });

  it('a runtime error keeps the line and sets __error__=TemplateFormatErr', () => {
    const result = run('{a="b"} | line_format "{{ div 1 0 }}"', r);
    expect(result?.line).toBe('original');
    expect(result?.labels.__error__).toBe('TemplateFormatErr');
  });
});

describe('label_format', () => {
  it('renames (the source disappears) and templates', () => {
    const r = record('x', { service_name: 'app' }, { level: 'warn' });
    expect(run('{a="b"} | label_format severity=level, combined="{{.service_name}}/{{.severity}}"', r)?.labels).toEqual(
      {
        service_name: 'app',
        severity: 'warn',
        combined: 'app/warn',
      }
    );
    // Renames apply before the stage's templates read the labels (Loki's LabelsFormatter).
    expect(run('{a="b"} | label_format severity=level, old="{{.level}}"', r)?.labels.old).toBe('');
  });

  it('renaming a missing label does nothing', () => {
    expect(run('{a="b"} | label_format x=nope', record('x', { service_name: 'app' }))?.labels).toEqual({
      service_name: 'app',
    });
  });

  it('overrides a stream label of the same name', () => {
    expect(
      run('{a="b"} | label_format service_name="{{ .service_name | ToUpper }}"', record('x', { service_name: 'app' }))
        ?.labels
    ).toEqual({
      service_name: 'APP',
    });
  });
});

describe('drop and keep', () => {
  const r = record('a=1 b=2 c=3', { service_name: 'app' });

  it('drop removes labels, with a matcher only when it matches', () => {
    expect(run('{a="b"} | logfmt | drop a, b="nope", c="3"', r)?.labels).toEqual({ service_name: 'app', b: '2' });
  });

  it('drop __error__ clears the error', () => {
    expect(run('{a="b"} | json | drop __error__, __error_details__', record('text', {}))?.labels).toEqual({});
  });

  it('keep removes every label not listed (stream labels too) but keeps the error labels', () => {
    expect(run('{a="b"} | logfmt | keep a, b="2", c="nope"', r)?.labels).toEqual({ a: '1', b: '2' });
    const kept = run('{a="b"} | logfmt | status > 1 | keep a', record('a=1 status=x', {}))?.labels;
    expect(kept).toMatchObject({ a: '1', __error__: 'LabelFilterErr' });
    expect(kept?.status).toBeUndefined();
  });
});

describe('decolorize', () => {
  it('strips ANSI colour codes', () => {
    expect(run('{a="b"} | decolorize', '\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m')?.line).toBe(
      'red and bold green'
    );
  });
});

describe('fast path', () => {
  /** A record whose label maps throw when materialised. */
  function lazyRecord(line: string, values: Labels): LogRecord {
    return {
      ts: TS,
      line,
      id: 'lazy:0',
      get stream(): Labels {
        throw new Error('stream materialised');
      },
      get metadata(): Labels {
        throw new Error('metadata materialised');
      },
      label: (name) => values[name],
    };
  }

  it('line and label filters read single labels; outputLabels builds only those', () => {
    const pipeline = compilePipeline(logQuery('{a="b"} |= "timeout" | detected_level="error" | status >= 500').stages, {
      outputLabels: ['service_name'],
    });
    expect(pipeline.fastPath).toBe(true);
    const values = { service_name: 'api', detected_level: 'error', status: '503', other: 'x' };
    expect(pipeline.process(lazyRecord('upstream timeout', values))).toEqual({
      line: 'upstream timeout',
      labels: { service_name: 'api' },
    });
    expect(pipeline.process(lazyRecord('no match', values))).toBeNull();
  });

  it('the error label can be requested in outputLabels', () => {
    const pipeline = compilePipeline(logQuery('{a="b"} | status >= 500').stages, {
      outputLabels: ['__error__', 'service_name'],
    });
    expect(pipeline.process(lazyRecord('x', { status: 'bad', service_name: 's' }))?.labels).toEqual({
      __error__: 'LabelFilterErr',
      service_name: 's',
    });
  });

  it('parsers and formatting stages leave the fast path', () => {
    for (const q of ['{a="b"} | json', '{a="b"} | line_format "x"', '{a="b"} | drop a', '{a="b"} | label_format a=b']) {
      expect(compilePipeline(logQuery(q).stages).fastPath).toBe(false);
    }
  });
});

describe('requiredLiterals and requiredAlternatives', () => {
  it('collect what the line filters before the line is rewritten require, one literal or one of a few', () => {
    const query = logQuery(
      '{a="b"} |= "x" |= "y" or "z" != "w" |~ "r" | json |= "x" |= "v" | line_format "{{.a}}" |= "q" |~ "s|t"'
    );
    expect(requiredLiterals(query)).toEqual(['x', 'r', 'v']);
    expect(requiredAlternatives(query)).toEqual([['y', 'z']]);
    expect(requiredLiterals(logQuery('{a="b"} | decolorize |= "x"'))).toEqual([]);
    expect(requiredLiterals(logQuery('{a="b"} |= ""'))).toEqual([]);
  });

  it('read a regex line filter’s alternatives, each of which must require a literal', () => {
    const alternatives = (q: string) => requiredAlternatives(logQuery(`{a="b"} ${q}`));
    expect(alternatives('|~ "restarting container|retrying"')).toEqual([['restarting container', 'retrying']]);
    expect(alternatives('|~ "starting service|kamiwazad [0-9.]+ starting"')).toEqual([
      ['starting service', 'kamiwazad '],
    ]);
    expect(alternatives('|~ "a(b|c)d|e" or "f"')).toEqual([['a', 'e', 'f']]);
    expect(requiredLiterals(logQuery('{a="b"} |~ `status=4\\d\\d`'))).toEqual(['status=4']);
    // An alternative without a literal, flags, or an empty alternative: every line may pass.
    for (const q of ['|~ "a|[0-9]+"', '|~ "(?i)a|b"', '|~ "a|"', '!~ "a|b"', '|> "<_> a"']) {
      expect([q, alternatives(q), requiredLiterals(logQuery(`{a="b"} ${q}`))]).toEqual([q, [], []]);
    }
  });
});

describe('requiredLevels', () => {
  const levels = (q: string) => requiredLevels(logQuery(q))?.slice().sort();

  it('reads the detected levels a kept record can have from the leading label filters', () => {
    expect(levels('{a="b"} | detected_level=~"error|critical"')).toEqual(['critical', 'error']);
    expect(levels('{a="b"} | detected_level="warn" or detected_level=~"fat.*"')).toEqual(['fatal', 'warn']);
    expect(levels('{a="b"} |= "x" | detected_level=~"warn|error" | detected_level!="warn"')).toEqual(['error']);
    expect(levels('{a="b"} | detected_level=~"warn|error" and level="ERROR"')).toEqual(['error', 'warn']);
    expect(levels('{a="b"} | detected_level!="info"')).toEqual(
      ['critical', 'debug', 'error', 'fatal', 'trace', 'warn', 'unknown'].sort()
    );
  });

  it('leaves levels open where a filter may keep any level, or after labels may change', () => {
    expect(levels('{a="b"}')).toBeUndefined();
    expect(levels('{a="b"} | level="ERROR"')).toBeUndefined();
    expect(levels('{a="b"} | detected_level="error" or level="ERROR"')).toBeUndefined();
    expect(levels('{a="b"} | json | detected_level="error"')).toBeUndefined();
    expect(levels('{a="b"} | label_format detected_level="error" | detected_level="error"')).toBeUndefined();
  });
});

describe('unwrap sample extraction', () => {
  function samples(query: string, lines: string[]): Array<{ value: number; labels: Labels } | null> {
    const e = parseLogQL(query) as RangeAggregationExpr;
    const extractor = compileSampleExtractor(e.log.stages, e.unwrap!, { grouping: e.grouping });
    return lines.map((l) => extractor.process(record(l, { service_name: 'app' })));
  }

  it('converts plain numbers, durations (to seconds) and bytes', () => {
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap n [1m])', ['n=2.5 x=1'])).toEqual([
      { value: 2.5, labels: { service_name: 'app', x: '1' } },
    ]);
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap duration(d) [1m])', ['d=1m30s'])[0]?.value).toBe(90);
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap duration_seconds(d) [1m])', ['d=250ms'])[0]?.value).toBe(
      0.25
    );
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap bytes(s) [1m])', ['s=1KiB'])[0]?.value).toBe(1024);
  });

  it('skips records without the label; marks unconvertible values with SampleExtractionErr', () => {
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap n [1m])', ['x=1'])).toEqual([null]);
    expect(samples('sum_over_time({a="b"} | logfmt | unwrap n [1m])', ['n=abc'])[0]?.labels.__error__).toBe(
      'SampleExtractionErr'
    );
    expect(
      samples('sum_over_time({a="b"} | logfmt | unwrap n | __error__="" [1m])', ['n=abc', 'n=3']).map(
        (s) => s?.value ?? null
      )
    ).toEqual([null, 3]);
  });

  it('keeps the unwrapped label when grouping by it', () => {
    expect(samples('max_over_time({a="b"} | logfmt | unwrap n [1m]) by (n)', ['n=2'])[0]?.labels).toMatchObject({
      n: '2',
    });
  });
});

describe('requiredLabelValues', () => {
  const values = (query: string) => requiredLabelValues(parseLogQL(query) as LogExpr);

  it('takes equality filters that run before any stage that changes labels', () => {
    expect(values('{a="b"} |= "x" | level="ERROR" and service="api" | json | status="500"')).toEqual([
      { name: 'level', value: 'ERROR' },
      { name: 'service', value: 'api' },
    ]);
  });

  it('ignores alternatives, other operators and empty values', () => {
    expect(values('{a="b"} | level="ERROR" or level="WARN" | level!="x" | level=~"E.*" | level=""')).toEqual([]);
    expect(values('{a="b"} | label_format level="ERROR" | level="ERROR"')).toEqual([]);
  });
});
