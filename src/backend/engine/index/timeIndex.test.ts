import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DISORDER_TOLERANCE_MS } from '../model';
import { jsonFormat } from '../readers/formats';
import { IndexCache, seekRange } from './timeIndex';
import { Prng } from '../../../generator/prng';

const T0 = Date.UTC(2026, 10, 13);
const HOUR = 3_600_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-index-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Uniform [0, 1) draws from the project's seeded generator, so property tests are reproducible. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.float();
}

interface Written {
  path: string;
  size: number;
  /** Start offset and time of every timed line. */
  lines: Array<{ offset: number; ts: number }>;
}

/** A JSON-lines file with the given times (in file order), some padding and some untimed junk. */
function writeLog(times: number[], rnd: () => number): Written {
  const parts: string[] = [];
  const lines: Written['lines'] = [];
  let offset = 0;
  for (const ts of times) {
    if (rnd() < 0.01) {
      const junk = 'junk without a time\n';
      parts.push(junk);
      offset += junk.length;
    }
    const line = `{"timestamp":"${new Date(ts).toISOString()}","level":"INFO","message":"${'m'.repeat(20 + Math.floor(rnd() * 120))}"}\n`;
    lines.push({ offset, ts });
    parts.push(line);
    offset += line.length;
  }
  const path = join(dir, 'application.jsonl');
  writeFileSync(path, parts.join(''));
  return { path, size: offset, lines };
}

async function seek(file: Written, fromMs: number, toMs: number) {
  const fh = await open(file.path, 'r');
  try {
    const st = statSync(file.path);
    const index = await new IndexCache().plain(file.path, fh, st.dev, st.ino, st.size, jsonFormat);
    const range = await seekRange(index, fh, jsonFormat, fromMs, toMs);
    return { ...range, probes: index.probes.size };
  } finally {
    await fh.close();
  }
}

/** Line times in file order: nearly increasing (disorder within the tolerance) at a changing rate. */
function times(count: number, rnd: () => number, gap: (i: number) => number): number[] {
  const out: number[] = [];
  let t = T0;
  for (let i = 0; i < count; i++) {
    t += gap(i);
    out.push(t - Math.floor(rnd() * DISORDER_TOLERANCE_MS * 0.9));
  }
  return out;
}

describe('seekRange', () => {
  const shapes: Record<string, (rnd: () => number) => (i: number) => number> = {
    steady: (rnd) => () => Math.floor(rnd() * 400),
    // A busy day and quiet nights: the write rate changes tenfold.
    daily: (rnd) => (i) => Math.floor(rnd() * (Math.sin(i / 3000) > 0 ? 80 : 800)),
    // Mostly a burst of lines within milliseconds, then a gap of days, then slow lines.
    bursts: (rnd) => (i) =>
      i === 30_000 ? 3 * 24 * HOUR : i < 30_000 ? Math.floor(rnd() * 2) : Math.floor(rnd() * 5000),
  };

  it.each(Object.keys(shapes))('keeps every line of the range inside the bounds (%s)', async (shape) => {
    const rnd = prng(shape.length * 7919);
    const file = writeLog(times(60_000, rnd, shapes[shape](rnd)), rnd);
    const first = file.lines[0].ts;
    const span = file.lines[file.lines.length - 1].ts - first;
    const starts = new Set([0, file.size, ...file.lines.map((l) => l.offset)]);
    for (let q = 0; q < 12; q++) {
      const fromMs = first + rnd() * span;
      const toMs = fromMs + rnd() * span * (q % 2 ? 0.01 : 0.3);
      const { start, end, probes } = await seek(file, fromMs, toMs);
      const outside = file.lines.filter((l) => l.ts >= fromMs && l.ts < toMs && (l.offset < start || l.offset >= end));
      expect([shape, q, outside]).toEqual([shape, q, []]);
      expect(starts.has(start)).toBe(true);
      expect(starts.has(end)).toBe(true);
      // Interpolation may miss on bursty data, but never costs more than 3x bisection per bound.
      expect(probes).toBeLessThanOrEqual(2 * 3 * Math.ceil(Math.log2(file.size / (256 << 10))));
    }
  });

  it('finds the last hour of a steady file with a few small probes, not a bisection', async () => {
    const rnd = prng(11);
    // About 15 MB over a week: bisection to a 256 KiB window would take 6 probes per bound.
    const file = writeLog(
      times(100_000, rnd, () => 6000 + Math.floor(rnd() * 300)),
      rnd
    );
    const last = file.lines[file.lines.length - 1].ts;
    const { start, end, probes } = await seek(file, last - HOUR, last + 1);
    expect(end).toBe(file.size);
    const hourStart = file.lines.find((l) => l.ts >= last - HOUR - DISORDER_TOLERANCE_MS)!.offset;
    expect(start).toBeLessThanOrEqual(hourStart);
    expect(hourStart - start).toBeLessThan(256 << 10);
    expect(probes).toBeLessThanOrEqual(4);
  });
});

describe('gzip files', () => {
  const firstTsOf = async (bytes: Buffer, name: string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const st = statSync(path);
    return (await new IndexCache().gzip(path, st.dev, st.ino, st.size, jsonFormat)).firstTs;
  };

  it('reads the first time from the head, whole, cut short or not a gzip stream at all', async () => {
    const rnd = prng(11);
    const file = writeLog(
      times(20_000, rnd, () => Math.floor(rnd() * 400)),
      rnd
    );
    const whole = gzipSync(readFileSync(file.path));
    expect(whole.length).toBeGreaterThan(64 << 10);
    expect(await firstTsOf(whole, 'whole.jsonl.1.gz')).toBe(file.lines[0].ts);
    expect(await firstTsOf(whole.subarray(0, 3000), 'cut.jsonl.2.gz')).toBe(file.lines[0].ts);
    expect(await firstTsOf(Buffer.from('not gzip at all\n'), 'junk.jsonl.3.gz')).toBeNaN();
  });

  it('reads further when the first lines of the head have no time (a stack trace)', async () => {
    const rnd = prng(12);
    const file = writeLog(
      times(50, rnd, () => 1000),
      rnd
    );
    // Random hex compresses about twofold: the first compressed KiB holds untimed lines only.
    const hex = () => Math.floor(rnd() * 2 ** 32).toString(16);
    const untimed = Array.from({ length: 300 }, () => hex() + hex() + hex() + hex()).join('\n');
    const gz = gzipSync(Buffer.concat([Buffer.from(`${untimed}\n`), readFileSync(file.path)]));
    expect(gz.length).toBeGreaterThan(2 << 10);
    expect(await firstTsOf(gz, 'traced.jsonl.4.gz')).toBe(file.lines[0].ts);
  });
});
