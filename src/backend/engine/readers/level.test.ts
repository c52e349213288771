import { detectedLevel, detectLevelFromLine, knownLevelBytes } from './level';

const quoted = (value: string) => Buffer.from(JSON.stringify(value));

describe('knownLevelBytes', () => {
  it.each(['INFO', 'info', 'Info', 'WARNING', 'warn', 'Err', 'error', 'CRITICAL', 'fatal', 'dbg', 'TRC', 'debug'])(
    'reads %s as detectedLevel does',
    (value) => {
      const b = quoted(value);
      expect(knownLevelBytes(b, 0, b.length)).toBe(detectedLevel(value, { line: '' }));
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
    expect(detectedLevel(value, { line: 'no level word here' })).toBe(level);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'takes the field value %s for an unknown spelling, not an object property',
    (value) => {
      expect(detectedLevel(value, { line: 'the request failed with an ERROR' })).toBe('error');
      expect(detectedLevel(value, { line: 'nothing to go by' })).toBe('unknown');
    }
  );
});

describe('detectLevelFromLine (Loki: the first of info, error, warn, critical, debug words found)', () => {
  it.each([
    [
      '10.0.0.1 - - [19/Nov/2026:10:00:00 +0000] "GET /api/models HTTP/1.1" 200 512 "-" "curl/8" 1 "r" "s" 3ms',
      'unknown',
    ],
    ['user info updated', 'info'],
    ['INFO starting', 'info'],
    ['the ERROR and the info', 'info'],
    ['ERROR: failed', 'error'],
    ['err: failed', 'error'],
    ['a terror', 'error'],
    ['warning: disk', 'warn'],
    ['WARN: disk', 'warn'],
    ['Warn: disk', 'unknown'],
    ['critical: down', 'critical'],
    ['CRITICAL: down and a warning', 'warn'],
    ['critical down', 'unknown'],
    ['DEBUG: x', 'debug'],
    ['debug x', 'unknown'],
    ['', 'unknown'],
  ])('reads %j as %s', (line, level) => {
    expect(detectLevelFromLine(line)).toBe(level);
  });
});
