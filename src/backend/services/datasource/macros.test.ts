import { expandMacros, formatDuration } from './macros';

const ctx = { intervalMs: 30_000, rangeMs: 6 * 3_600_000, stepMs: 60_000, instant: false };

describe('expandMacros', () => {
  it('expands every interval and range macro, braced or not', () => {
    expect(expandMacros('count_over_time({a="b"}[$__interval])', ctx)).toBe('count_over_time({a="b"}[30s])');
    expect(expandMacros('x[${__interval}] $__interval_ms', ctx)).toBe('x[30s] 30000');
    expect(expandMacros('[$__range] $__range_s $__range_ms', ctx)).toBe('[6h] 21600 21600000');
  });

  it('takes $__auto from the step for range queries and from the range for instant ones', () => {
    expect(expandMacros('rate({a="b"}[$__auto])', ctx)).toBe('rate({a="b"}[1m])');
    expect(expandMacros('rate({a="b"}[$__auto])', { ...ctx, instant: true })).toBe('rate({a="b"}[6h])');
  });

  it('leaves other dollar words alone', () => {
    expect(expandMacros('{a="$__intervalx"} |= "$x"', ctx)).toBe('{a="$__intervalx"} |= "$x"');
  });
});

describe('formatDuration', () => {
  it('uses the largest exact unit', () => {
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(0)).toBe('1ms');
  });
});
