import {
  LogQLSyntaxError,
  type BinaryOpExpr,
  type LogExpr,
  type MetricExpr,
  type RangeAggregationExpr,
  type VectorAggregationExpr,
} from './ast';
import { parseLogQL } from './parser';

const log = (q: string): LogExpr => {
  const e = parseLogQL(q);
  if (e.kind !== 'log') {
    throw new Error(`expected a log query: ${q}`);
  }
  return e;
};

function syntaxError(q: string): LogQLSyntaxError {
  try {
    parseLogQL(q);
  } catch (e) {
    if (e instanceof LogQLSyntaxError) {
      return e;
    }
    throw e;
  }
  throw new Error(`expected a syntax error for ${q}`);
}

/** A compact rendering of a metric tree, to check precedence by eye. */
function shape(e: MetricExpr): string {
  switch (e.kind) {
    case 'binary':
      return `(${shape(e.left)} ${e.op}${e.returnBool ? ' bool' : ''} ${shape(e.right)})`;
    case 'literal':
      return String(e.value);
    case 'vectorLiteral':
      return `vector(${e.value})`;
    case 'vector':
      return `${e.op}(${shape(e.inner)})`;
    case 'range':
      return e.op;
  }
}

describe('stream selectors', () => {
  it('parses all four matcher operators', () => {
    expect(log('{a="b", c!="d", e=~"f.*", g!~"h|i"}').matchers).toEqual([
      { name: 'a', op: '=', value: 'b' },
      { name: 'c', op: '!=', value: 'd' },
      { name: 'e', op: '=~', value: 'f.*' },
      { name: 'g', op: '!~', value: 'h|i' },
    ]);
  });

  it('decodes Go escapes in double-quoted strings and keeps backtick strings raw', () => {
    expect(log('{a="x\\"y\\\\z\\n\\u00e9"}').matchers[0].value).toBe('x"y\\z\n\u00e9');
    expect(log('{a=`x\\d+`}').matchers[0].value).toBe('x\\d+');
  });

  it('rejects a selector whose matchers all match the empty string (as Loki does)', () => {
    expect(syntaxError('{a=~".*"}').message).toMatch(/at least one/);
    expect(() => parseLogQL('{a=~".+"}')).not.toThrow();
  });

  it('rejects invalid regexes with a readable RE2 error', () => {
    const e = syntaxError('{a=~"(b"}');
    expect(e.message).toMatch(/error parsing regexp/);
    expect(e.column).toBe(5);
  });
});

describe('line filters', () => {
  it('parses chains and or-alternatives in order', () => {
    expect(log('{a="b"} |= "x" or "y" != `z` |~ "r+" !~ "s"').stages).toEqual([
      { kind: 'lineFilter', op: '|=', values: ['x', 'y'] },
      { kind: 'lineFilter', op: '!=', values: ['z'] },
      { kind: 'lineFilter', op: '|~', values: ['r+'] },
      { kind: 'lineFilter', op: '!~', values: ['s'] },
    ]);
  });

  it('parses pattern filters and rejects named captures in them', () => {
    expect(log('{a="b"} |> "<_> x" !> "y <_>"').stages).toEqual([
      { kind: 'lineFilter', op: '|>', values: ['<_> x'] },
      { kind: 'lineFilter', op: '!>', values: ['y <_>'] },
    ]);
    expect(syntaxError('{a="b"} |> "<name> x"').message).toMatch(/named captures are not allowed/);
  });

  it('reports ip() filters as not supported', () => {
    expect(syntaxError('{a="b"} |= ip("1.2.3.4")').message).toMatch(/not supported/);
  });
});

describe('parsers', () => {
  it('parses json and logfmt with and without parameters', () => {
    expect(
      log('{a="b"} | json | json x="b.c", d="e[0]" | logfmt | logfmt --strict --keep-empty a, b="c"').stages
    ).toEqual([
      { kind: 'json', params: [] },
      {
        kind: 'json',
        params: [
          { label: 'x', expression: 'b.c' },
          { label: 'd', expression: 'e[0]' },
        ],
      },
      { kind: 'logfmt', params: [], strict: false, keepEmpty: false },
      {
        kind: 'logfmt',
        params: [
          { label: 'a', expression: 'a' },
          { label: 'b', expression: 'c' },
        ],
        strict: true,
        keepEmpty: true,
      },
    ]);
  });

  it('parses regexp, pattern and unpack', () => {
    expect(log('{a="b"} | regexp "(?P<x>\\\\d+)" | pattern `<ip> <_>` | unpack').stages).toEqual([
      { kind: 'regexp', pattern: '(?P<x>\\d+)' },
      { kind: 'pattern', pattern: '<ip> <_>' },
      { kind: 'unpack' },
    ]);
  });

  it('rejects a regexp parser without named groups and a pattern without captures', () => {
    expect(syntaxError('{a="b"} | regexp "(\\\\d+)"').message).toMatch(/named capture/);
    expect(syntaxError('{a="b"} | pattern "<_> x"').message).toMatch(/capture/);
    expect(syntaxError('{a="b"} | pattern "<a><b>"').message).toMatch(/consecutive/);
  });
});

describe('label filters', () => {
  it('parses string, number, duration and bytes comparisons', () => {
    expect(
      log('{a="b"} | level="error" | status >= 400 | latency > 1s500ms | size <= 10KB | n != -1.5').stages
    ).toEqual([
      { kind: 'labelFilter', filter: { kind: 'string', matcher: { name: 'level', op: '=', value: 'error' } } },
      { kind: 'labelFilter', filter: { kind: 'number', name: 'status', op: '>=', value: 400 } },
      { kind: 'labelFilter', filter: { kind: 'duration', name: 'latency', op: '>', value: 1.5 } },
      { kind: 'labelFilter', filter: { kind: 'bytes', name: 'size', op: '<=', value: 10_000 } },
      { kind: 'labelFilter', filter: { kind: 'number', name: 'n', op: '!=', value: -1.5 } },
    ]);
  });

  it('binds and (also "," and juxtaposition) tighter than or, and honours parentheses', () => {
    const f = (q: string): unknown => (log(q).stages[0] as { filter: unknown }).filter;
    const x = { kind: 'number', name: 'x', op: '>', value: 1 };
    const y = { kind: 'number', name: 'y', op: '>', value: 2 };
    const z = { kind: 'number', name: 'z', op: '>', value: 3 };
    expect(f('{a="b"} | x>1 or y>2 and z>3')).toEqual({
      kind: 'or',
      left: x,
      right: { kind: 'and', left: y, right: z },
    });
    expect(f('{a="b"} | x>1 and y>2 or z>3')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: x, right: y },
      right: z,
    });
    expect(f('{a="b"} | x>1, y>2 or z>3')).toEqual({ kind: 'or', left: { kind: 'and', left: x, right: y }, right: z });
    // Juxtaposition: the lezer grammar recovers from it between string matchers only.
    expect(f('{a="b"} | x="1" y="2"')).toEqual({
      kind: 'and',
      left: { kind: 'string', matcher: { name: 'x', op: '=', value: '1' } },
      right: { kind: 'string', matcher: { name: 'y', op: '=', value: '2' } },
    });
    expect(f('{a="b"} | x>1 and (y>2 or z>3)')).toEqual({
      kind: 'and',
      left: x,
      right: { kind: 'or', left: y, right: z },
    });
  });
});

describe('formatting stages', () => {
  it('parses line_format, label_format, drop, keep and decolorize', () => {
    expect(
      log(
        '{a="b"} | line_format "{{.a}}" | label_format x=y, z="{{ .q | ToUpper }}" | drop a, b="c" | keep d | decolorize'
      ).stages
    ).toEqual([
      { kind: 'lineFormat', template: '{{.a}}' },
      {
        kind: 'labelFormat',
        ops: [
          { dst: 'x', rename: 'y' },
          { dst: 'z', template: '{{ .q | ToUpper }}' },
        ],
      },
      { kind: 'drop', items: [{ name: 'a' }, { name: 'b', matcher: { name: 'b', op: '=', value: 'c' } }] },
      { kind: 'keep', items: [{ name: 'd' }] },
      { kind: 'decolorize' },
    ]);
  });

  it('rejects unknown template functions at parse time', () => {
    expect(syntaxError('{a="b"} | line_format "{{ nope .a }}"').message).toMatch(/function "nope" not defined/);
  });

  it('rejects formatting __error__ and the same label twice', () => {
    expect(syntaxError('{a="b"} | label_format __error__=x').message).toMatch(/cannot be formatted/);
    expect(syntaxError('{a="b"} | label_format x=y, x=z').message).toMatch(/multiple label name/);
  });
});

describe('metric queries', () => {
  it('parses range aggregations with range, offset and unwrap', () => {
    const e = parseLogQL(
      'sum_over_time({a="b"} | json | unwrap duration(latency) | __error__="" [1h30m] offset 5m)'
    ) as RangeAggregationExpr;
    expect(e).toMatchObject({
      kind: 'range',
      op: 'sum_over_time',
      rangeMs: 5_400_000,
      offsetMs: 300_000,
      unwrap: {
        label: 'latency',
        conversion: 'duration',
        postFilters: [{ kind: 'string', matcher: { name: '__error__', op: '=', value: '' } }],
      },
    });
    expect(e.log.stages).toEqual([{ kind: 'json', params: [] }]);
  });

  it('parses quantile_over_time with φ and grouping, and bytes()/duration_seconds()', () => {
    const e = parseLogQL(
      'quantile_over_time(0.99, {a="b"} | unwrap bytes(size) [1m]) by (host)'
    ) as RangeAggregationExpr;
    expect(e).toMatchObject({
      op: 'quantile_over_time',
      param: 0.99,
      grouping: { mode: 'by', labels: ['host'] },
      unwrap: { conversion: 'bytes' },
    });
    expect(
      (parseLogQL('avg_over_time({a="b"} | unwrap duration_seconds(d) [1m])') as RangeAggregationExpr).unwrap
        ?.conversion
    ).toBe('duration_seconds');
  });

  it('requires unwrap for the aggregations that need it and allows it where Loki does', () => {
    expect(syntaxError('sum_over_time({a="b"}[1m])').message).toMatch(/without unwrap/);
    expect(syntaxError('count_over_time({a="b"} | unwrap x [1m])').message).toMatch(/with unwrap/);
    expect(syntaxError('bytes_rate({a="b"} | unwrap x [1m])').message).toMatch(/with unwrap/);
    expect(parseLogQL('rate({a="b"} | unwrap x [1m])')).toMatchObject({ op: 'rate', unwrap: { label: 'x' } });
    expect(parseLogQL('absent_over_time({a="b"} | unwrap x [1m])')).toMatchObject({ op: 'absent_over_time' });
  });

  it('allows by/without only on the range aggregations Loki groups', () => {
    expect(parseLogQL('max_over_time({a="b"} | unwrap x [1m]) by (host)')).toMatchObject({
      grouping: { mode: 'by', labels: ['host'] },
    });
    expect(syntaxError('sum_over_time({a="b"} | unwrap x [1m]) by (host)').message).toMatch(
      /grouping not allowed for sum_over_time aggregation/
    );
    expect(syntaxError('count_over_time({a="b"}[1m]) by (host)').message).toMatch(/grouping not allowed/);
  });

  it('parses vector aggregations with grouping before or after', () => {
    const before = parseLogQL('sum by (a) (rate({a="b"}[1m]))') as VectorAggregationExpr;
    const after = parseLogQL('sum(rate({a="b"}[1m])) without (c)') as VectorAggregationExpr;
    expect(before).toMatchObject({ op: 'sum', grouping: { mode: 'by', labels: ['a'] } });
    expect(after).toMatchObject({ op: 'sum', grouping: { mode: 'without', labels: ['c'] } });
    expect(parseLogQL('topk(5, count_over_time({a="b"}[1m]))')).toMatchObject({ op: 'topk', param: 5 });
    expect(parseLogQL('sort_desc(count_over_time({a="b"}[1m]))')).toMatchObject({ op: 'sort_desc' });
  });

  it('keeps every label of a grouping list, in the order written (the lezer tree nests them)', () => {
    const vector = parseLogQL('sum by (service_name, level, x) (count_over_time({a="b"}[1m]))') as VectorAggregationExpr;
    expect(vector.grouping).toEqual({ mode: 'by', labels: ['service_name', 'level', 'x'] });
    const after = parseLogQL('sum(rate({a="b"}[1m])) without (a, b)') as VectorAggregationExpr;
    expect(after.grouping).toEqual({ mode: 'without', labels: ['a', 'b'] });
    expect(parseLogQL('max_over_time({a="b"} | unwrap x [1m]) by (host, pod)')).toMatchObject({
      grouping: { mode: 'by', labels: ['host', 'pod'] },
    });
  });

  it('applies PromQL precedence and associativity to binary operators', () => {
    expect(shape(parseLogQL('1 + 2 * 3') as MetricExpr)).toBe('(1 + (2 * 3))');
    expect(shape(parseLogQL('(1 + 2) * 3') as MetricExpr)).toBe('((1 + 2) * 3)');
    expect(shape(parseLogQL('2 ^ 3 ^ 2') as MetricExpr)).toBe('(2 ^ (3 ^ 2))');
    expect(shape(parseLogQL('10 - 2 - 3') as MetricExpr)).toBe('((10 - 2) - 3)');
    expect(shape(parseLogQL('count_over_time({a="b"}[1m]) > bool 2 * 3') as MetricExpr)).toBe(
      '(count_over_time > bool (2 * 3))'
    );
    expect(shape(parseLogQL('vector(1) or vector(2) and vector(3)') as MetricExpr)).toBe(
      '(vector(1) or (vector(2) and vector(3)))'
    );
  });

  it('parses on/ignoring and group_left/group_right', () => {
    const e = parseLogQL(
      'sum by (a, b) (rate({x="y"}[1m])) / on (a) group_left (b) sum by (a) (rate({x="y"}[1m]))'
    ) as BinaryOpExpr;
    expect(e.matching).toEqual({ mode: 'on', labels: ['a'], group: { side: 'left', include: ['b'] } });
    const i = parseLogQL('rate({x="y"}[1m]) + ignoring (c) group_right rate({x="y"}[1m])') as BinaryOpExpr;
    expect(i.matching).toEqual({ mode: 'ignoring', labels: ['c'], group: { side: 'right', include: [] } });
  });

  it('parses negative literals and vector()', () => {
    expect(parseLogQL('-1')).toEqual({ kind: 'literal', value: -1 });
    expect(parseLogQL('vector(2)')).toEqual({ kind: 'vectorLiteral', value: 2 });
  });

  it('rejects literals in logical/set operations, as Loki does', () => {
    expect(syntaxError('vector(1) and 1').message).toMatch(
      /unexpected literal for right leg of logical\/set binary operation \(and\)/
    );
  });

  it('reports label_replace as not supported', () => {
    expect(syntaxError('label_replace(rate({a="b"}[1m]), "x", "$1", "y", "(.*)")').message).toMatch(
      /label_replace is not supported/
    );
  });
});

describe('durations and sizes in queries', () => {
  it.each([
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['90s', 90_000],
  ])('[%s] is %d ms', (text, ms) => {
    expect((parseLogQL(`count_over_time({a="b"}[${text}])`) as RangeAggregationExpr).rangeMs).toBe(ms);
  });
});

describe('errors', () => {
  it('reports an unexpected token with line and column', () => {
    const e = syntaxError('{a="b"} | json |');
    expect(e.message).toMatch(/^parse error at line 1, col \d+: syntax error: unexpected/);
  });

  it('reports an unterminated string at its opening quote', () => {
    const e = syntaxError('{a="b"} |= "abc');
    expect(e).toMatchObject({ line: 1, column: 12, offset: 11 });
    expect(e.message).toBe('parse error at line 1, col 12: syntax error: unterminated string');
  });

  it('counts lines and columns in multi-line queries', () => {
    const e = syntaxError('{a="b"}\n  |= `abc');
    expect(e).toMatchObject({ line: 2, column: 6 });
  });

  it('rejects empty input and garbage', () => {
    expect(syntaxError('').message).toMatch(/unexpected end of input/);
    expect(syntaxError('hello').message).toMatch(/syntax error/);
  });

  it('survives deeply nested parentheses', () => {
    const depth = 200;
    const q = '('.repeat(depth) + '1' + ')'.repeat(depth);
    expect(parseLogQL(q)).toEqual({ kind: 'literal', value: 1 });
    const unbalanced = '('.repeat(depth) + '1';
    expect(() => parseLogQL(unbalanced)).toThrow(LogQLSyntaxError);
    expect(syntaxError('('.repeat(20_000) + '1' + ')'.repeat(20_000)).message).toMatch(/nested deeper/);
    expect(log(`{a="b"} | ${'('.repeat(100)}x="1"${')'.repeat(100)}`).stages).toHaveLength(1);
  });

  it('accepts huge label values and rejects oversized queries', () => {
    const big = 'x'.repeat(50_000);
    expect(log(`{a="${big}"}`).matchers[0].value).toHaveLength(50_000);
    expect(() => parseLogQL(`{a="${'x'.repeat(100_000)}"}`)).toThrow(/too long/);
  });
});
