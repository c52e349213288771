import { detectedLevel, knownLevelBytes } from './level';

const quoted = (value: string) => Buffer.from(JSON.stringify(value));

describe('knownLevelBytes', () => {
  it.each(['INFO', 'info', 'Info', 'WARNING', 'warn', 'Err', 'error', 'CRITICAL', 'fatal', 'dbg', 'TRC', 'debug'])(
    'reads %s as detectedLevel does',
    (value) => {
      const b = quoted(value);
      expect(knownLevelBytes(b, 0, b.length)).toBe(detectedLevel(value, () => ''));
    }
  );

  it.each(['verbose', 'in fo', 'INF0', 'i\u0130nfo', 'errors', 'er', '', 'notice'])(
    'leaves %j to the decoded path',
    (value) => {
      const b = quoted(value);
      expect(knownLevelBytes(b, 0, b.length)).toBeUndefined();
    }
  );

  it('leaves escaped strings and non-strings to the decoded path', () => {
    for (const raw of ['"\\u0049NFO"', '42', 'true', '{"a":1}']) {
      const b = Buffer.from(raw);
      expect(knownLevelBytes(b, 0, b.length)).toBeUndefined();
    }
  });

  it('reads the value where it lies in a line', () => {
    const line = Buffer.from('{"level":"Error","x":1}');
    expect(knownLevelBytes(line, 9, 16)).toBe('error');
  });
});

describe('detectedLevel', () => {
  it.each([
    ['INFO', 'info'],
    ['Warning', 'warn'],
    ['wArN', 'warn'],
    ['ERR', 'error'],
    ['Fatal', 'fatal'],
  ])('reads the field value %s in any case as %s', (value, level) => {
    expect(detectedLevel(value, () => 'no level word here')).toBe(level);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'takes the field value %s for an unknown spelling, not an object property',
    (value) => {
      expect(detectedLevel(value, () => 'the request failed with an ERROR')).toBe('error');
      expect(detectedLevel(value, () => 'nothing to go by')).toBe('unknown');
    }
  );
});
