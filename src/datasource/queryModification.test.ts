import {
  addLabelFilter,
  addLineFilter,
  hasLabelFilter,
  isLogQuery,
  logQueryOfMetricQuery,
  pipelineOf,
  quote,
  removeLabelFilter,
  unquote,
  type LabelFilterSpec,
  type LabelKind,
} from './queryModification';

const eq = (key: string, value: string): LabelFilterSpec => ({ key, operator: '=', value });

// [query, filter, kind, expected] — expected texts worked out by hand from LogQL's grammar.
const ADD_CORPUS: Array<[string, LabelFilterSpec, LabelKind, string]> = [
  ['{source="audit"}', eq('service_name', 'kamiwaza.api'), 'stream', '{source="audit", service_name="kamiwaza.api"}'],
  ['{}', eq('source', 'audit'), 'stream', '{source="audit"}'],
  ['{source="audit"}', eq('level', 'ERROR'), 'field', '{source="audit"} | level="ERROR"'],
  ['{source="audit"} |= "x"', eq('level', 'ERROR'), 'field', '{source="audit"} |= "x" | level="ERROR"'],
  [
    '{source="application"} |= "boom" | json | status="500" | line_format "{{.msg}}"',
    eq('level', 'ERROR'),
    'field',
    '{source="application"} |= "boom" | json | status="500" | level="ERROR" | line_format "{{.msg}}"',
  ],
  [
    '{source="application"} | logfmt | line_format "{{.msg}}"',
    eq('level', 'ERROR'),
    'field',
    '{source="application"} | logfmt | level="ERROR" | line_format "{{.msg}}"',
  ],
  [
    'sum by (level) (count_over_time({source="audit"} | json [5m]))',
    { key: 'outcome', operator: '!=', value: 'success' },
    'field',
    'sum by (level) (count_over_time({source="audit"} | json | outcome!="success" [5m]))',
  ],
  [
    'sum(rate({source="a"}[1m])) / sum(rate({source="b"} | json [1m]))',
    eq('filename', '/var/log/x.jsonl'),
    'stream',
    'sum(rate({source="a", filename="/var/log/x.jsonl"}[1m])) / sum(rate({source="b", filename="/var/log/x.jsonl"} | json [1m]))',
  ],
  [
    '{source="audit"}',
    { key: 'actor', operator: '=~', value: 'adm\\d+' },
    'field',
    '{source="audit"} | actor=~"adm\\\\d+"',
  ],
  ['{source="audit"}', eq('msg', 'say "hi"'), 'field', '{source="audit"} | msg="say \\"hi\\""'],
  // already there: unchanged
  ['{source="audit"} | level="ERROR"', eq('level', 'ERROR'), 'field', '{source="audit"} | level="ERROR"'],
  ['{source="audit"}', eq('source', 'audit'), 'stream', '{source="audit"}'],
];

describe('addLabelFilter', () => {
  it.each(ADD_CORPUS)('%s + %o as %s', (query, filter, kind, expected) => {
    expect(addLabelFilter(query, filter, kind)).toBe(expected);
  });

  it('leaves text without a log expression alone', () => {
    expect(addLabelFilter('vector(1)', eq('a', 'b'), 'stream')).toBe('vector(1)');
  });
});

describe('removeLabelFilter and hasLabelFilter', () => {
  it.each(ADD_CORPUS.filter(([query, , , expected]) => query !== expected))(
    'round trip: removing what was added gives back %s',
    (query, filter, kind) => {
      const added = addLabelFilter(query, filter, kind);
      expect(hasLabelFilter(added, filter)).toBe(true);
      expect(hasLabelFilter(query, filter)).toBe(false);
      expect(removeLabelFilter(added, filter)).toBe(query === '{}' ? '{}' : query);
    }
  );

  it('removes the first, a middle and the last matcher with their commas', () => {
    const query = '{a="1", b="2", c="3"}';
    expect(removeLabelFilter(query, eq('a', '1'))).toBe('{b="2", c="3"}');
    expect(removeLabelFilter(query, eq('b', '2'))).toBe('{a="1", c="3"}');
    expect(removeLabelFilter(query, eq('c', '3'))).toBe('{a="1", b="2"}');
  });

  it('removes a label filter stage between others', () => {
    expect(removeLabelFilter('{a="1"} | json | level="ERROR" | x="y"', eq('level', 'ERROR'))).toBe(
      '{a="1"} | json | x="y"'
    );
  });

  it('does not match another operator, value, or a filter inside an "or"', () => {
    const query = '{a="1"} | level!="ERROR" | level="WARN" or level="INFO"';
    expect(hasLabelFilter(query, eq('level', 'ERROR'))).toBe(false);
    expect(hasLabelFilter(query, eq('level', 'WARN'))).toBe(false);
    expect(hasLabelFilter(query, { key: 'level', operator: '!=', value: 'ERROR' })).toBe(true);
    expect(removeLabelFilter(query, eq('level', 'WARN'))).toBe(query);
  });

  it('compares values, not spellings: raw strings and escapes', () => {
    expect(hasLabelFilter('{a=`x\\y`}', eq('a', 'x\\y'))).toBe(true);
    expect(hasLabelFilter('{a="x\\\\y"}', eq('a', 'x\\y'))).toBe(true);
  });
});

describe('addLineFilter', () => {
  it('goes after the selector and its line filters, before parsers, in every expression', () => {
    expect(addLineFilter('{a="1"}', 'boom')).toBe('{a="1"} |= `boom`');
    expect(addLineFilter('{a="1"} != "x" | json', 'boom', '!=')).toBe('{a="1"} != "x" != `boom` | json');
    expect(addLineFilter('rate({a="1"} | json [1m]) + rate({b="2"}[1m])', 'x')).toBe(
      'rate({a="1"} |= `x` | json [1m]) + rate({b="2"} |= `x`[1m])'
    );
  });

  it('quotes a value that contains a backtick', () => {
    expect(addLineFilter('{a="1"}', 'a`b')).toBe('{a="1"} |= "a`b"');
  });
});

describe('query shape helpers', () => {
  it('tells log queries from metric queries', () => {
    expect(isLogQuery('{a="1"} | json')).toBe(true);
    expect(isLogQuery('count_over_time({a="1"}[1m])')).toBe(false);
  });

  it('finds the log query of a metric query without unwrap and range', () => {
    expect(logQueryOfMetricQuery('sum by (x) (sum_over_time({a="1"} |= "y" | json | unwrap d [5m]))')).toBe(
      '{a="1"} |= "y" | json'
    );
    expect(logQueryOfMetricQuery('rate({a="1"}[5m])')).toBe('{a="1"}');
    expect(logQueryOfMetricQuery('vector(1)')).toBeUndefined();
  });

  it('gives a query pipeline', () => {
    expect(pipelineOf('{a="1"} |= "y" | json | level="ERROR"')).toBe('|= "y" | json | level="ERROR"');
    expect(pipelineOf('{a="1"}')).toBe('');
  });

  it('quotes and unquotes back to the same value', () => {
    for (const value of ['plain', 'a"b', 'back\\slash', 'new\nline', 'tab\t']) {
      expect(unquote(quote(value))).toBe(value);
    }
  });
});
