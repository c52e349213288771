import { alignToStep, defaultStepMs, instantSteps, rangeSteps } from './steps';
import { WindowLayout } from './windows';

describe('evaluation steps', () => {
  it("uses Loki's default step: max(floor(seconds/250), 1) seconds", () => {
    expect(defaultStepMs(0, 3_600_000)).toBe(14_000); // 3600/250 = 14.4 → 14s
    expect(defaultStepMs(0, 60_000)).toBe(1_000); // 0.24 → at least 1s
    expect(defaultStepMs(0, 86_400_000)).toBe(345_000); // 86400/250 = 345.6
  });

  it('floors start and end to multiples of the step (StepAlignMiddleware)', () => {
    expect(alignToStep(61_500, 179_999, 60_000)).toEqual({ startMs: 60_000, endMs: 120_000 });
  });

  it('evaluates at start, start+step, ... up to and including end', () => {
    expect(rangeSteps(61_500, 180_000, 60_000).times).toEqual([60_000, 120_000, 180_000]);
    expect(rangeSteps(0, 30_000, undefined).times.length).toBe(31); // default 1s step, end inclusive
  });

  it('evaluates an instant query once, at its end', () => {
    expect(instantSteps(123_456).times).toEqual([123_456]);
  });

  it('rejects a non-positive step and too many points', () => {
    expect(() => rangeSteps(0, 1000, 0)).toThrow(/step/);
    expect(() => rangeSteps(0, 11_001_000, 1000)).toThrow(/11000 points/);
  });
});

describe('range windows', () => {
  it('are (t-range, t]: start exclusive, end inclusive', () => {
    const layout = new WindowLayout([10, 20, 30], 10, 0);
    const windowOf = (ts: number) => {
      const cell = layout.cellOf(ts);
      for (let w = 0; w < layout.windowCount; w++) {
        if (cell >= layout.firstCell[w] && cell < layout.endCell[w]) {
          return w;
        }
      }
      return -1;
    };
    expect(windowOf(0)).toBe(-1);
    expect(windowOf(0.001)).toBe(0);
    expect(windowOf(10)).toBe(0);
    expect(windowOf(10.001)).toBe(1);
    expect(windowOf(30)).toBe(2);
    expect(windowOf(30.001)).toBe(-1);
  });

  it('shift back by the offset', () => {
    const layout = new WindowLayout([100], 10, 50);
    expect(layout.cellOf(50)).toBeGreaterThanOrEqual(0);
    expect(layout.cellOf(40)).toBe(-1);
    expect(layout.cellOf(51)).toBe(-1);
  });

  it.each([
    ['range over step', 25, 0],
    ['range a multiple of the step', 20, 0],
    ['range under step, with an offset', 4, 3],
  ])('hold exactly the times in (t-range, t] of each step when they overlap or not: %s', (_, range, offset) => {
    const steps = [10, 20, 30, 40, 50];
    const layout = new WindowLayout(steps, range, offset);
    for (let ts = -20; ts <= 60; ts += 0.5) {
      const cell = layout.cellOf(ts);
      const holding = steps.map((_, w) => cell >= layout.firstCell[w] && cell < layout.endCell[w]);
      const expected = steps.map((t) => ts > t - offset - range && ts <= t - offset);
      expect({ ts, windows: holding }).toEqual({ ts, windows: expected });
    }
  });

  it('hold the times around each bound exactly at epoch times, to the microsecond (evenly spaced bounds)', () => {
    // 7 days at a 1-minute step, as a dashboard asks: a time's cell is computed from the spacing.
    const start = Date.parse('2026-11-13T00:00:00Z');
    const steps = Array.from({ length: 10_080 }, (_, i) => start + i * 60_000);
    const layout = new WindowLayout(steps, 120_000, 0);
    for (const w of [0, 1, 4_999, 10_079]) {
      for (const ts of [steps[w] - 0.001, steps[w], steps[w] + 0.001]) {
        const cell = layout.cellOf(ts);
        const holding = [w - 1, w, w + 1].filter((v) => v >= 0 && v < steps.length);
        for (const v of holding) {
          const inside = cell >= layout.firstCell[v] && cell < layout.endCell[v];
          expect({ ts, window: v, inside }).toEqual({
            ts,
            window: v,
            inside: ts > steps[v] - 120_000 && ts <= steps[v],
          });
        }
      }
    }
  });

  it('leave gaps when the step exceeds the range', () => {
    const layout = new WindowLayout([10, 30], 5, 0);
    expect(layout.cellOf(20)).toBe(-1);
    expect(layout.cellOf(28)).toBeGreaterThanOrEqual(0);
  });
});
