import { goParseFloat, parseBytes, parseDuration, parseGoDuration, tryParseBytes } from './units';
import { unquoteGoString } from './strings';

describe('parseDuration (Prometheus first, then Go)', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1y', 31_536_000_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['100us', 0.1],
    ['0', 0],
    ['5m1h', 3_900_000], // Prometheus rejects the order, Go's parser accepts it
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', '5', 'm', '1x', '-'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });
});

describe('parseGoDuration (time.ParseDuration)', () => {
  it('accepts Go forms and rejects Prometheus-only units', () => {
    expect(parseGoDuration('1m30.5s')).toBe(90_500);
    expect(parseGoDuration('-2s')).toBe(-2000);
    expect(parseGoDuration('1µs')).toBeCloseTo(0.001);
    expect(parseGoDuration('1d')).toBeUndefined();
    expect(parseGoDuration('12')).toBeUndefined();
  });
});

describe('bytes (go-humanize ParseBytes)', () => {
  it.each([
    ['10KB', 10_000],
    ['10kb', 10_000],
    ['1MiB', 1_048_576],
    ['1.5 KiB', 1536],
    ['42', 42],
    ['1,024 B', 1024],
    ['2GB', 2e9],
  ])('%s = %d', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it('rejects unknown units', () => {
    expect(tryParseBytes('10XB')).toBeUndefined();
    expect(tryParseBytes('abc')).toBeUndefined();
  });
});

describe('goParseFloat (strconv.ParseFloat)', () => {
  it('accepts what Go accepts', () => {
    expect(goParseFloat('1.5e3')).toBe(1500);
    expect(goParseFloat('-.5')).toBe(-0.5);
    expect(goParseFloat('+Inf')).toBe(Infinity);
    expect(goParseFloat('NaN')).toBeNaN();
  });

  it.each(['', ' 1', '1 ', '12ms', '0x1F', '1_000', 'abc'])('rejects %j', (text) => {
    expect(goParseFloat(text)).toBeUndefined();
  });
});

describe('Go string literals', () => {
  it('decodes escapes in interpreted strings; raw strings stay raw', () => {
    expect(unquoteGoString('"a\\tb\\x41\\u00e9\\U0001F600\\101"')).toBe('a\tbAé😀A');
    expect(unquoteGoString('`a\\tb`')).toBe('a\\tb');
    expect(() => unquoteGoString('"\\q"')).toThrow(/invalid escape/);
  });
});
