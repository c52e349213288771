/**
 * Template semantics, with expectations from Go's text/template, fmt, and the Loki / sprig
 * function documentation (https://grafana.com/docs/loki/latest/query/template_functions/).
 */
import { compileTemplate, parseTemplate, TemplateExecError, TemplateParseError } from './index';

const TS = Date.UTC(2023, 10, 14, 22, 13, 20, 123); // 2023-11-14T22:13:20.123Z

function render(template: string, labels: Record<string, string> = {}, line = 'the line'): string {
  return compileTemplate(template).execute(labels, line, TS);
}

describe('text/template basics', () => {
  it('prints fields, missing fields as empty, literals and pipelines', () => {
    expect(render('{{.a}}-{{ .b }}-{{.missing}}', { a: '1', b: '2' })).toBe('1-2-');
    expect(render('{{ "q" }} {{ 42 }} {{ 1.5 }} {{ true }}')).toBe('q 42 1.5 true');
    expect(render('{{ .a | ToUpper | printf "<%s>" }}', { a: 'x' })).toBe('<X>');
    expect(render('{{ printf "%s=%s" "k" (.a | ToLower) }}', { a: 'V' })).toBe('k=v');
  });

  it('trims whitespace with {{- and -}} and ignores comments', () => {
    expect(render('a  {{- .x -}}  b', { x: 'X' })).toBe('aXb');
    expect(render('a{{/* note */}}b')).toBe('ab');
  });

  it('if / else if / else, with truthiness of empty strings', () => {
    const t = '{{ if eq .l "error" }}E{{ else if .l }}other:{{.l}}{{ else }}none{{ end }}';
    expect(render(t, { l: 'error' })).toBe('E');
    expect(render(t, { l: 'info' })).toBe('other:info');
    expect(render(t, {})).toBe('none');
  });

  it('and / or / not return operands as Go does', () => {
    expect(render('{{ or .a "fallback" }}', {})).toBe('fallback');
    expect(render('{{ and .a .b }}', { a: 'x', b: 'y' })).toBe('y');
    expect(render('{{ if not .a }}empty{{ end }}', {})).toBe('empty');
  });

  it('comparisons: eq with several values, lt on strings, incompatible types are errors', () => {
    expect(render('{{ eq .s "a" "b" }}', { s: 'b' })).toBe('true');
    expect(render('{{ lt .a .b }}', { a: 'abc', b: 'abd' })).toBe('true');
    expect(render('{{ gt (int .n) 400 }}', { n: '404' })).toBe('true');
    expect(() => render('{{ gt .n 400 }}', { n: '404' })).toThrow(TemplateExecError);
  });

  it('variables and with', () => {
    expect(render('{{ $x := .a }}{{ $x }}{{ $x }}', { a: 'z' })).toBe('zz');
    expect(render('{{ with .a }}[{{ . }}]{{ else }}none{{ end }}', { a: 'v' })).toBe('[v]');
  });

  it('__line__ and __timestamp__', () => {
    expect(render('{{ __line__ | ToUpper }}')).toBe('THE LINE');
    expect(render('{{ __timestamp__ }}')).toBe('2023-11-14 22:13:20.123 +0000 UTC');
    expect(render('{{ __timestamp__ | unixEpoch }}')).toBe('1700000000');
  });
});

describe('parse errors', () => {
  it('rejects unknown functions, unclosed actions and blocks', () => {
    expect(() => parseTemplate('{{ nope .a }}')).toThrow(/function "nope" not defined/);
    expect(() => parseTemplate('{{ .a ')).toThrow(TemplateParseError);
    expect(() => parseTemplate('{{ if .a }}x')).toThrow(/missing \{\{end\}\}/);
    expect(() => parseTemplate('{{ range .a }}{{ end }}')).toThrow(/not supported/);
    expect(() => parseTemplate('{{ "unterminated }}')).toThrow(TemplateParseError);
  });
});

describe('Loki functions', () => {
  it('string functions', () => {
    expect(render('{{ Replace .a "o" "0" -1 }}|{{ Replace .a "o" "0" 1 }}', { a: 'foo boo' })).toBe('f00 b00|f0o boo');
    expect(render('{{ Trim .a "x" }}|{{ TrimLeft .a "x" }}|{{ TrimRight .a "x" }}', { a: 'xxaxx' })).toBe('a|axx|xxa');
    expect(render('{{ TrimPrefix .a "pre" }}|{{ TrimSuffix .a "fix" }}|{{ TrimSpace "  s  " }}', { a: 'prefix' })).toBe(
      'fix|pre|s'
    );
  });

  it('regexReplaceAll expands $1 / ${name}; regexReplaceAllLiteral does not', () => {
    expect(render('{{ regexReplaceAll "(\\\\w+)@(\\\\w+)" .a "${2}:$1" }}', { a: 'bob@host x' })).toBe('host:bob x');
    expect(render('{{ regexReplaceAll "(?P<n>\\\\d+)" .a "<${n}>" }}', { a: 'a1b22' })).toBe('a<1>b<22>');
    expect(render('{{ regexReplaceAllLiteral "\\\\d" .a "$1" }}', { a: 'a1' })).toBe('a$1');
  });

  it('count, urlencode/urldecode, b64enc/b64dec', () => {
    expect(render('{{ count "a" .s }}', { s: 'banana' })).toBe('3');
    expect(render('{{ urlencode .s }}', { s: 'a b&c=d/é' })).toBe('a+b%26c%3Dd%2F%C3%A9');
    expect(render('{{ urldecode .s }}', { s: 'a+b%26c' })).toBe('a b&c');
    expect(render('{{ b64enc "hello" }}|{{ b64dec "aGVsbG8" }}')).toBe('aGVsbG8=|hello');
  });

  it('alignLeft / alignRight pad or cut', () => {
    expect(
      render('[{{ alignLeft 5 .s }}][{{ alignRight 5 .s }}][{{ alignLeft 2 .s }}][{{ alignRight 2 .s }}]', { s: 'abc' })
    ).toBe('[abc  ][  abc][ab][bc]');
  });

  it('bytes and duration conversions', () => {
    expect(render('{{ bytes .s }}', { s: '2KiB' })).toBe('2048');
    expect(render('{{ duration .d }}', { d: '1m30s' })).toBe('90');
  });

  it('unixToTime accepts days, seconds, ms, µs, ns; date formats with Go layouts', () => {
    const layout = '"2006-01-02 15:04:05"';
    expect(render(`{{ unixToTime .t | date ${layout} }}`, { t: '1700000000' })).toBe('2023-11-14 22:13:20');
    expect(render(`{{ unixToTime .t | date ${layout} }}`, { t: '1700000000123' })).toBe('2023-11-14 22:13:20');
    expect(render(`{{ unixToTime .t | date ${layout} }}`, { t: '19675' })).toBe('2023-11-14 00:00:00');
    expect(() => render('{{ unixToTime .t }}', { t: 'abc' })).toThrow(TemplateExecError);
    expect(render('{{ __timestamp__ | date "Mon Jan 2 3:04PM 2006 MST" }}')).toBe('Tue Nov 14 10:13PM 2023 UTC');
    expect(render('{{ unixEpochMillis __timestamp__ }}')).toBe('1700000000123');
  });

  it('toDate parses with a layout', () => {
    expect(render('{{ toDate "2006-01-02T15:04:05Z07:00" .t | unixEpoch }}', { t: '2023-11-14T23:13:20+01:00' })).toBe(
      '1700000000'
    );
  });
});

describe('sprig functions', () => {
  it('default, contains, hasPrefix, hasSuffix', () => {
    expect(render('{{ .a | default "none" }}|{{ default "none" .b }}', { b: 'set' })).toBe('none|set');
    expect(render('{{ contains "ell" .s }} {{ hasPrefix "he" .s }} {{ hasSuffix "lo" .s }}', { s: 'hello' })).toBe(
      'true true true'
    );
  });

  it('case, trim, repeat, substr, trunc, replace', () => {
    expect(render('{{ upper "a" }}{{ lower "B" }}{{ title "hello world" }}')).toBe('AbHello World');
    expect(
      render('[{{ trim "  x " }}][{{ trimAll "$" "$5$" }}][{{ trimPrefix "a" "abc" }}][{{ trimSuffix "c" "abc" }}]')
    ).toBe('[x][5][bc][ab]');
    expect(
      render('{{ repeat 3 "ab" }}|{{ substr 1 3 "hello" }}|{{ trunc 2 "hello" }}|{{ replace "l" "L" "hello" }}')
    ).toBe('ababab|el|he|heLLo');
  });

  it('integer and float arithmetic', () => {
    expect(render('{{ add 1 2 3 }} {{ sub 10 4 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 3 }}')).toBe('6 6 6 3 1');
    expect(render('{{ add .a 1 }}', { a: '41' })).toBe('42');
    expect(render('{{ addf 1.5 1 }} {{ divf 1 4 }} {{ mulf 2 1.5 }}')).toBe('2.5 0.25 3');
    expect(render('{{ int "12" }} {{ float64 "1.25" }} {{ max 1 5 3 }} {{ min 4 2 }}')).toBe('12 1.25 5 2');
    expect(render('{{ round 3.14159 2 }} {{ ceil 1.2 }} {{ floor 1.8 }}')).toBe('3.14 2 1');
    expect(() => render('{{ div 1 0 }}')).toThrow(/divide by zero/);
  });

  it('fromJson gives a map whose fields can be read', () => {
    expect(render('{{ (fromJson .j).user }}', { j: '{"user":"ann","n":1}' })).toBe('ann');
    expect(render('{{ index (fromJson .j) "n" }}', { j: '{"n":1}' })).toBe('1');
  });
});

describe('printf', () => {
  it('formats verbs as Go does', () => {
    expect(
      render('{{ printf "%s|%d|%v|%.2f|%5s|%-5s|%05d|%x|%q|%t|%%" "s" 42 1.5 3.14159 "ab" "ab" 42 255 "q" true }}')
    ).toBe('s|42|1.5|3.14|   ab|ab   |00042|ff|"q"|true|%');
    expect(render('{{ printf "%.1f" (float64 .v) }}', { v: '2.26' })).toBe('2.3');
    expect(render('{{ printf "%d" "x" }}')).toBe('%!d(string=x)');
    expect(render('{{ printf "%s %s" "a" }}')).toBe('a %!s(MISSING)');
    expect(render('{{ 1000000.0 }} {{ 123456.0 }} {{ 0.00001 }}')).toBe('1e+06 123456 1e-05');
  });
});
