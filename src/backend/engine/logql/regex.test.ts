import {
  anchoredTest,
  compileRegex,
  matcherTest,
  RegexError,
  regexLiteral,
  regexRequiredLiteral,
  topLevelAlternatives,
  unanchoredTest,
} from './regex';

describe('RE2 semantics', () => {
  it('line filters are unanchored, label matchers anchored', () => {
    expect(unanchoredTest('err')('an error')).toBe(true);
    expect(anchoredTest('err')('an error')).toBe(false);
    expect(anchoredTest('an.*')('an error')).toBe(true);
    expect(anchoredTest('a|an error')('an error')).toBe(true);
  });

  it('supports RE2 syntax: (?i), named groups, \\pL classes', () => {
    expect(unanchoredTest('(?i)TIMEOUT')('upstream timeout')).toBe(true);
    expect(unanchoredTest('(?P<x>\\d+)ms')('took 12ms')).toBe(true);
    expect(anchoredTest('\\pL+')('héllo')).toBe(true);
    expect(anchoredTest('.*')('multi\nline')).toBe(false); // `.` does not match \n without (?s)
    expect(anchoredTest('(?s).*')('multi\nline')).toBe(true);
  });

  it('rejects invalid patterns and Perl-only syntax with RegexError', () => {
    expect(() => compileRegex('(a')).toThrow(RegexError);
    expect(() => compileRegex('a(?=b)')).toThrow(RegexError); // lookahead is not RE2
    expect(() => compileRegex('(a)\\1')).toThrow(RegexError); // backreferences are not RE2
  });

  it('stays linear on catastrophic patterns', () => {
    const line = 'a'.repeat(50_000) + '!';
    expect(unanchoredTest('(a+)+$')(line)).toBe(false);
    expect(anchoredTest('(a|a)*b')(line)).toBe(false);
    expect(unanchoredTest('(x+x+)+y')('x'.repeat(20_000))).toBe(false);
  });
});

describe('literal fast paths', () => {
  it('recognises literals and escaped punctuation only', () => {
    expect(regexLiteral('foo bar')).toBe('foo bar');
    expect(regexLiteral('a\\.b\\-c')).toBe('a.b-c');
    expect(regexLiteral('a.b')).toBeUndefined();
    expect(regexLiteral('a\\d')).toBeUndefined();
  });

  it('finds a literal every match must contain, or none when unsure', () => {
    expect(regexRequiredLiteral('status=4\\d\\d')).toBe('status=4');
    expect(regexRequiredLiteral('ab*cdef')).toBe('cdef');
    expect(regexRequiredLiteral('abc+d')).toBe('abc');
    expect(regexRequiredLiteral('x{2}yz')).toBe('yz');
    expect(regexRequiredLiteral('a|b')).toBeUndefined();
    expect(regexRequiredLiteral('(?i)abc')).toBeUndefined();
    expect(regexRequiredLiteral('[abc]+(def)?gh')).toBe('gh');
  });

  it('splits a pattern at its top-level alternation only', () => {
    expect(topLevelAlternatives('a|b(c|d)|[|]|e\\|f')).toEqual(['a', 'b(c|d)', '[|]', 'e\\|f']);
    expect(topLevelAlternatives('(?i)a|b')).toEqual(['(?i)a|b']);
    expect(topLevelAlternatives('a|')).toEqual(['a', '']);
    expect(topLevelAlternatives('(a|b')).toEqual(['(a|b']);
  });

  it('fast paths agree with the regex engine', () => {
    const values = ['', 'foo', 'xfoox', 'bar', 'FOO', 'status=404', 'status=4xx', 'a\nb', 'foo\nx', 'x\nfoo'];
    values.push('xFOO', 'FOOx', 'foo\r', 'a...', 'a\\x', 'a.', 'Permission denied: key', '\u212a.x', 'k.x');
    const wildcards = ['foo.*', '.*foo', '.*foo.*', '(?i)foo.*', '(?i).*foo', '(?i).*foo.*', '(?i)permission denied.*'];
    wildcards.push('a\\.*', 'a\\\\.*', '.*\\.x', '(?i)k\\..*', '.*.*', '(?i).*', 'fo.*o.*');
    for (const pattern of ['foo', 'foo|bar', '(?i)foo', 'status=4\\d\\d', '.*', '.+', 'a\\.b', ...wildcards]) {
      const re = compileRegex(pattern);
      for (const v of values) {
        expect([pattern, v, unanchoredTest(pattern)(v)]).toEqual([pattern, v, re.test(v)]);
        expect([pattern, v, anchoredTest(pattern)(v)]).toEqual([pattern, v, re.matches(v)]);
      }
    }
  });
});

describe('matcherTest', () => {
  it('treats a missing label as the empty string', () => {
    expect(matcherTest({ name: 'a', op: '=', value: '' })('')).toBe(true);
    expect(matcherTest({ name: 'a', op: '!=', value: 'x' })('')).toBe(true);
    expect(matcherTest({ name: 'a', op: '=~', value: 'x|' })('')).toBe(true);
    expect(matcherTest({ name: 'a', op: '!~', value: 'x.*' })('xyz')).toBe(false);
  });
});
