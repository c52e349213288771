import { clfDate, isoDay, isoMicros, isoSeconds, pythonMillis } from './timefmt';

describe('timestamp rendering', () => {
  const us = Date.parse('2026-11-20T09:05:03.123Z') * 1000 + 456;

  it('renders every format of docs/log-formats.md', () => {
    expect(isoMicros(us)).toBe('2026-11-20T09:05:03.123456Z');
    expect(isoSeconds(us)).toBe('2026-11-20T09:05:03Z');
    expect(pythonMillis(us)).toBe('2026-11-20 09:05:03,123');
    expect(clfDate(us)).toBe('20/Nov/2026:09:05:03 +0000');
    expect(isoDay(us)).toBe('2026-11-20');
  });

  it('agrees with Date across a range of instants', () => {
    for (let ms = Date.parse('2024-02-28T23:59:58Z'); ms < Date.parse('2024-03-01T00:00:02Z'); ms += 3_599_999) {
      expect(isoMicros(ms * 1000)).toBe(new Date(ms).toISOString().replace('Z', '000Z'));
    }
    expect(isoMicros(Date.parse('2026-12-31T23:59:59.999Z') * 1000 + 999)).toBe('2026-12-31T23:59:59.999999Z');
  });
});
