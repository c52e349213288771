import { engineErrorProblem, syntaxProblems } from './validation';

describe('syntaxProblems', () => {
  it('accepts valid queries, Grafana variables included', () => {
    expect(syntaxProblems('{source="audit"} | json | actor="admin"')).toEqual([]);
    expect(syntaxProblems('sum by ($group) (count_over_time({source=~"$source"}[$__auto]))')).toEqual([]);
    expect(syntaxProblems('rate({source="audit"} | json | unwrap dur [${__interval}])')).toEqual([]);
    // Juxtaposed label filters are valid LogQL although the grammar recovers from them as an error.
    expect(syntaxProblems('{source="audit"} | actor="a" outcome="b"')).toEqual([]);
    expect(syntaxProblems('')).toEqual([]);
  });

  it('underlines the unexpected token', () => {
    // `{source="audit"} | json | ` is 26 characters; the `)` is at offset 26.
    expect(syntaxProblems('{source="audit"} | json | )')).toEqual([
      { from: 26, to: 27, message: 'syntax error: unexpected ")"' },
    ]);
  });

  it('reports an unterminated string at its start', () => {
    expect(syntaxProblems('{source="audit}')).toEqual([
      { from: 8, to: 15, message: 'syntax error: unterminated string' },
    ]);
  });

  it('reports a missing end at the last character', () => {
    expect(syntaxProblems('count_over_time({source="audit"}')).toEqual([
      { from: 31, to: 32, message: 'syntax error: unexpected end of input' },
    ]);
  });
});

describe('engineErrorProblem', () => {
  const text = '{source="audit"}\n| json | actor =~ "("';

  it('reads the engine’s line and column', () => {
    // Line 2, column 19 is the `"(` string: offset 17 + 18.
    expect(engineErrorProblem('parse error at line 2, col 19: invalid regex: missing )', text)).toEqual({
      from: 35,
      to: 38,
      message: 'invalid regex: missing )',
    });
  });

  it('ignores errors without a position, and positions past a variable', () => {
    expect(engineErrorProblem('query timed out', text)).toBeUndefined();
    expect(engineErrorProblem('parse error at line 1, col 30: x', '{source="$s"} | json | a = 1 )')).toBeUndefined();
    expect(engineErrorProblem('parse error at line 9, col 1: x', text)).toBeUndefined();
  });
});
