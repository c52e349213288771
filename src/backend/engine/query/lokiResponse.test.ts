import { formatSampleValue } from './lokiResponse';

describe('sample values as Prometheus prints them (FormatFloat(v, f, -1, 64))', () => {
  it('never uses exponents', () => {
    expect(formatSampleValue(0.1)).toBe('0.1');
    expect(formatSampleValue(4)).toBe('4');
    expect(formatSampleValue(1e21)).toBe('1000000000000000000000');
    expect(formatSampleValue(-2.5e25)).toBe('-25000000000000000000000000');
    expect(formatSampleValue(1e-7)).toBe('0.0000001');
    expect(formatSampleValue(1.5e-7)).toBe('0.00000015');
    expect(formatSampleValue(1.2345e22)).toBe('12345000000000000000000');
  });

  it('spells NaN and infinities as Go does', () => {
    expect(formatSampleValue(NaN)).toBe('NaN');
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
  });
});
