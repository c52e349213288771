import { DamagePlan, LONG_LINE_BYTES, MIN_PER_FILE } from './damage';
import { Prng } from './prng';

const jsonLine = (i: number) =>
  `{"timestamp":"2026-11-20T10:00:00.000000Z","level":"INFO","service":"kamiwaza.api","message":"Request number ${i} completed"}\n`;

function runPlan(plan: DamagePlan, lines: number) {
  const damaged: Array<{ index: number; text?: string; bytes?: Buffer }> = [];
  for (let i = 0; i < lines; i++) {
    const r = plan.apply(jsonLine(i));
    if (r) {
      damaged.push({ index: i, ...r });
    }
  }
  return damaged;
}

describe('DamagePlan', () => {
  it('damages lines at the configured rate', () => {
    const plan = new DamagePlan(new Prng(1), 100_000, 30e6, 1 / 1000, true, false);
    const damaged = runPlan(plan, 100_000);
    expect(damaged.length).toBeGreaterThanOrEqual(98);
    expect(damaged.length).toBeLessThanOrEqual(100);
    expect((plan.counts.truncated ?? 0) + (plan.counts['invalid-utf8'] ?? 0)).toBe(100);
  });

  it('puts at least a few in any file over 1 MB, none when the rate is 0', () => {
    const plan = new DamagePlan(new Prng(2), 10_000, 2e6, 1 / 50_000, true, false);
    expect(runPlan(plan, 10_000).length).toBe(MIN_PER_FILE);
    expect(runPlan(new DamagePlan(new Prng(2), 10_000, 2e6, 0, true, true), 10_000)).toHaveLength(0);
    expect(runPlan(new DamagePlan(new Prng(2), 1_000, 200e3, 1 / 50_000, true, false), 1_000)).toHaveLength(0);
  });

  it('makes truncated JSON that does not parse and invalid UTF-8 that still does after replacement', () => {
    const plan = new DamagePlan(new Prng(3), 10_000, 2e6, 1 / 100, true, false);
    const damaged = runPlan(plan, 10_000);
    const truncated = damaged.filter((d) => d.text !== undefined);
    const invalid = damaged.filter((d) => d.bytes !== undefined);
    expect(truncated.length).toBeGreaterThan(10);
    expect(invalid.length).toBeGreaterThan(10);
    for (const d of truncated) {
      expect(d.text!.endsWith('\n')).toBe(true);
      expect(() => JSON.parse(d.text!)).toThrow();
    }
    for (const d of invalid) {
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(d.bytes!)).toThrow();
      const repaired = new TextDecoder('utf-8').decode(d.bytes!);
      expect(repaired).toContain('\ufffd');
      expect(JSON.parse(repaired).message).toContain('\ufffd');
    }
  });

  it('adds binary junk to text files and one long valid JSON line when asked', () => {
    const text = new DamagePlan(new Prng(4), 3_000, 2e6, 1 / 100, false, false);
    runPlan(text, 3_000);
    expect(text.counts.binary).toBeGreaterThan(0);
    const long = new DamagePlan(new Prng(5), 1_000, 2e6, 1 / 50_000, true, true);
    const damaged = runPlan(long, 1_000);
    const longLine = damaged.find((d) => (d.text?.length ?? 0) > LONG_LINE_BYTES)!;
    expect(long.counts['long-line']).toBe(1);
    expect(JSON.parse(longLine.text!).payload.length).toBeGreaterThanOrEqual(LONG_LINE_BYTES);
  });
});
