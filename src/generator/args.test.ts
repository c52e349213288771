import { FILES, UsageError, parseGeneratorArgs, parseSize } from './args';

const NOW = Date.parse('2026-11-20T10:37:12.345Z');
const run = (argv: string[]) => {
  const c = parseGeneratorArgs(argv, NOW);
  if (c.kind !== 'run') {
    throw new Error('expected run');
  }
  return c.options;
};

describe('parseSize', () => {
  it('reads binary units', () => {
    expect(parseSize('200MB')).toBe(200 * 1024 * 1024);
    expect(parseSize('1GB')).toBe(1024 ** 3);
    expect(parseSize('1.5gb')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('512KiB')).toBe(512 * 1024);
    expect(parseSize('1000')).toBe(1000);
  });

  it('rejects nonsense', () => {
    expect(() => parseSize('big')).toThrow(UsageError);
    expect(() => parseSize('0MB')).toThrow(UsageError);
    expect(() => parseSize('-5MB')).toThrow(UsageError);
  });
});

describe('parseGeneratorArgs', () => {
  it('parses the documented command', () => {
    const o = run([
      '--out',
      'd',
      '--size',
      '200MB',
      '--days',
      '7',
      '--seed',
      '9',
      '--end',
      '2026-11-20T00:00:00Z',
      '--follow',
      '--only',
      'application.jsonl,access.log',
      '--no-rotate',
      '--access-format',
      'json',
    ]);
    expect(o).toMatchObject({
      out: 'd',
      sizeBytes: 200 * 1024 * 1024,
      days: 7,
      seed: 9,
      endUs: Date.parse('2026-11-20T00:00:00Z') * 1000,
      endDefaulted: false,
      follow: true,
      files: ['application.jsonl', 'kamiwaza/traefik/access.log'],
      rotate: false,
      accessFormat: 'json',
    });
  });

  it('defaults --end to the current hour, or to now when following', () => {
    expect(run([]).endUs).toBe(Date.parse('2026-11-20T10:00:00Z') * 1000);
    expect(run([]).endDefaulted).toBe(true);
    expect(run(['--follow']).endUs).toBe(NOW * 1000);
  });

  it('treats an --end without a zone as UTC', () => {
    expect(run(['--end', '2026-11-20T05:00:00']).endUs).toBe(Date.parse('2026-11-20T05:00:00Z') * 1000);
    expect(run(['--end', '2026-11-20T05:00:00+02:00']).endUs).toBe(Date.parse('2026-11-20T03:00:00Z') * 1000);
  });

  it('has defaults for everything', () => {
    const o = run([]);
    expect(o.files).toEqual([...FILES]);
    expect(o.rotate).toBe(true);
    expect(o.accessFormat).toBe('clf');
    expect(o.damageRate).toBeCloseTo(1 / 50000);
    expect(o.partialLastLine).toBe(false);
  });

  it('reads damage rates as fractions or ratios', () => {
    expect(run(['--damage-rate', '1/1000']).damageRate).toBeCloseTo(0.001);
    expect(run(['--damage-rate', '0']).damageRate).toBe(0);
    expect(() => run(['--damage-rate', 'lots'])).toThrow(UsageError);
  });

  it('reports bad input as usage errors', () => {
    expect(() => run(['--only', 'nope.log'])).toThrow(UsageError);
    expect(() => run(['--access-format', 'xml'])).toThrow(UsageError);
    expect(() => run(['--days', '-1'])).toThrow(UsageError);
    expect(() => run(['--seed', 'abc'])).toThrow(UsageError);
    expect(() => run(['--end', 'yesterday'])).toThrow(UsageError);
    expect(() => run(['--bogus'])).toThrow(UsageError);
    expect(parseGeneratorArgs(['--help'], NOW)).toEqual({ kind: 'help' });
  });
});
