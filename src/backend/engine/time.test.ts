import { epochToMs, msToIso, msToNanoString, nanoStringToMs, parseClfDate, parseTimestamp } from './time';

describe('parseTimestamp', () => {
  const base = Date.UTC(2026, 10, 20, 10, 0, 0);

  it.each([
    ['2026-11-20T10:00:00Z', base],
    ['2026-11-20T10:00:00', base],
    ['2026-11-20 10:00:00', base],
    ['2026-11-20T10:00:00.123456Z', base + 123.456],
    ['2026-11-20 10:00:00,123', base + 123],
    ['2026-11-20T12:00:00+02:00', base],
    ['2026-11-20T12:00:00+0200', base],
    ['2026-11-20T05:30:00-04:30', base],
    ['2026-11-20T10:00:00.123456789Z', base + 123.457],
    ['2026-11-20T10:00Z', base],
  ])('reads %s', (text, expected) => {
    expect(parseTimestamp(text)).toBeCloseTo(expected, 6);
  });

  it('treats a timestamp without a zone as UTC whatever the process time zone', () => {
    expect(parseTimestamp('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('reads epoch numbers by magnitude', () => {
    expect(parseTimestamp('1763632800')).toBe(1763632800000);
    expect(parseTimestamp('1763632800123')).toBe(1763632800123);
    expect(parseTimestamp('1763632800123456')).toBeCloseTo(1763632800123.456, 3);
    expect(parseTimestamp('1763632800123456789')).toBeCloseTo(1763632800123.457, 2);
    expect(epochToMs(1763632800.5)).toBe(1763632800500);
  });

  it('rejects what is not a timestamp', () => {
    for (const text of ['', 'hello', '2026-13-01T00:00:00Z', '2026-11-20', '2026-11-20T10:00:00Zjunk', 'NaN']) {
      expect(parseTimestamp(text)).toBeNaN();
    }
  });
});

describe('parseClfDate', () => {
  it('reads Traefik dates with their zone', () => {
    const b = Buffer.from('20/Nov/2026:12:00:00 +0200');
    expect(parseClfDate(b, 0, b.length)).toBe(Date.UTC(2026, 10, 20, 10, 0, 0));
  });

  it('knows every month by its English abbreviation, in that case only', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const at = (month: string) => {
      const b = Buffer.from(`05/${month}/2026:07:08:09 +0000`);
      return parseClfDate(b, 0, b.length);
    };
    expect(months.map(at)).toEqual(months.map((_, i) => Date.UTC(2026, i, 5, 7, 8, 9)));
    expect([at('NOV'), at('nov'), at('Noe'), at('Xyz')]).toEqual([NaN, NaN, NaN, NaN]);
  });
});

describe('nanosecond strings', () => {
  it('keeps microseconds exactly', () => {
    const ms = Date.UTC(2026, 10, 20, 10, 0, 0) + 123.456;
    expect(msToNanoString(ms)).toBe('1795168800123456000');
    expect(nanoStringToMs('1795168800123456000')).toBeCloseTo(ms, 6);
    expect(msToIso(ms)).toBe('2026-11-20T10:00:00.123456Z');
  });

  it('carries a fraction that rounds up to the next millisecond', () => {
    expect(msToIso(Date.UTC(2026, 10, 20, 10, 0, 0) + 999.9996)).toBe('2026-11-20T10:00:01.000000Z');
  });
});
