import { escapeLogQLRegexValue, formatLogQLVariable } from './templating';

describe('escapeLogQLRegexValue', () => {
  it('escapes regex metacharacters twice, for the regex and for the LogQL string', () => {
    expect(escapeLogQLRegexValue('kamiwaza.serving')).toBe('kamiwaza\\\\.serving');
    expect(escapeLogQLRegexValue('a+b(c)|[d]{2}?^$*')).toBe(
      'a\\\\+b\\\\(c\\\\)\\\\|\\\\[d\\\\]\\\\{2\\\\}\\\\?\\\\^\\\\$\\\\*'
    );
  });

  it('turns one backslash into four and keeps a double quote from closing the string', () => {
    expect(escapeLogQLRegexValue('C:\\logs')).toBe('C:\\\\\\\\logs');
    expect(escapeLogQLRegexValue('say "hi"')).toBe('say \\"hi\\"');
  });

  it('leaves plain values alone', () => {
    expect(escapeLogQLRegexValue('serving_api-01')).toBe('serving_api-01');
  });
});

describe('formatLogQLVariable', () => {
  it('inserts a single-value variable as typed', () => {
    expect(formatLogQLVariable('kamiwaza.*', { multi: false, includeAll: false })).toBe('kamiwaza.*');
  });

  it('escapes and joins the values of a multi-value variable', () => {
    expect(formatLogQLVariable(['kamiwaza.api', 'serving'], { multi: true })).toBe('kamiwaza\\\\.api|serving');
  });

  it('escapes a lone value of an include-all variable', () => {
    expect(formatLogQLVariable('a.b', { includeAll: true })).toBe('a\\\\.b');
  });
});
