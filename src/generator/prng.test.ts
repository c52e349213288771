import { Prng, Weighted } from './prng';

describe('Prng', () => {
  it('repeats its sequence for the same seed and stream', () => {
    const a = new Prng(42, 'x');
    const b = new Prng(42, 'x');
    const seqA = Array.from({ length: 100 }, () => a.u32());
    const seqB = Array.from({ length: 100 }, () => b.u32());
    expect(seqA).toEqual(seqB);
  });

  it('differs across seeds and across named streams', () => {
    const first = (p: Prng) => Array.from({ length: 8 }, () => p.u32()).join(',');
    expect(first(new Prng(1))).not.toEqual(first(new Prng(2)));
    expect(first(new Prng(1, 'a'))).not.toEqual(first(new Prng(1, 'b')));
    expect(first(new Prng(1).fork('z'))).toEqual(first(new Prng(1).fork('z')));
  });

  it('draws within bounds with a roughly uniform spread', () => {
    const p = new Prng(3);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const f = p.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      buckets[Math.floor(f * 10)]++;
    }
    buckets.forEach((n) => expect(Math.abs(n - 2000)).toBeLessThan(250));
    for (let i = 0; i < 1000; i++) {
      const r = p.range(5, 7);
      expect(r === 5 || r === 6 || r === 7).toBe(true);
    }
  });

  it('makes lowercase hex ids of the asked length', () => {
    const p = new Prng(4);
    expect(p.hex(32)).toMatch(/^[0-9a-f]{32}$/);
    expect(p.hex(16)).toMatch(/^[0-9a-f]{16}$/);
    expect(p.hex(12)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('has exponential draws with the asked mean', () => {
    const p = new Prng(5);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      sum += p.exp(3);
    }
    expect(sum / 20000).toBeGreaterThan(2.85);
    expect(sum / 20000).toBeLessThan(3.15);
  });
});

describe('Weighted', () => {
  it('picks in proportion to the weights', () => {
    const w = new Weighted([
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ] as const);
    const p = new Prng(6);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 8000; i++) {
      counts[w.pick(p)]++;
    }
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.6);
    expect(counts.b / counts.a).toBeLessThan(3.4);
  });
});
