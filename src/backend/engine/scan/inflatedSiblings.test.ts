import { mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { emptyStats } from '../model';
import { ScanBudget } from './budget';
import { gzipChunks, type LineChunk } from './chunks';
import { InflatedSiblings } from './inflatedSiblings';

const KIB = 1024;

function sibling(bytes: number, fill = 'x') {
  return { inflated: Buffer.alloc(bytes, fill) };
}

describe('InflatedSiblings', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands out a kept sibling by identity, and nothing for another identity', () => {
    const kept = new InflatedSiblings(64 * KIB, 1000);
    const a = sibling(10 * KIB);
    kept.put('1:2:100:5', a);
    expect(kept.get('1:2:100:5')).toBe(a);
    expect(kept.get('1:2:101:5')).toBeUndefined(); // grown
    expect(kept.get('1:3:100:5')).toBeUndefined(); // another file rotated into the name
  });

  it('drops the least recently used to stay within its bytes, and keeps nothing larger than them', () => {
    const kept = new InflatedSiblings(30 * KIB, 1000);
    kept.put('a', sibling(10 * KIB));
    kept.put('b', sibling(10 * KIB));
    kept.put('c', sibling(10 * KIB));
    kept.get('a'); // now the most recently used
    kept.put('d', sibling(10 * KIB));
    expect(kept.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => kept.get(id) !== undefined)).toEqual([true, true, true]);
    expect(kept.keptBytes()).toBe(30 * KIB);

    kept.put('huge', sibling(31 * KIB));
    expect(kept.get('huge')).toBeUndefined();
    expect(kept.keptBytes()).toBe(30 * KIB);
  });

  it('lets a sibling go once unused for its keeping time; each use keeps it longer', () => {
    const kept = new InflatedSiblings(64 * KIB, 1000);
    kept.put('a', sibling(KIB));
    kept.put('b', sibling(KIB));
    jest.advanceTimersByTime(600);
    expect(kept.get('a')).toBeDefined();
    jest.advanceTimersByTime(400);
    expect(kept.get('b')).toBeUndefined();
    expect(kept.get('a')).toBeDefined();
    jest.advanceTimersByTime(2000);
    expect(kept.get('a')).toBeUndefined();
    expect(kept.keptBytes()).toBe(0);
  });
});

describe('gzip siblings read by scans that run together', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kw-inflated-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function read(path: string): Promise<{ chunks: LineChunk[]; text: string; bytes: number; error?: Error }> {
    const budget = new ScanBudget(emptyStats());
    const chunks: LineChunk[] = [];
    let error: Error | undefined;
    try {
      for await (const chunk of gzipChunks(path, budget)) {
        chunks.push(chunk);
      }
    } catch (e) {
      error = e as Error;
    }
    const text = Buffer.concat(chunks.map((c) => c.buf)).toString();
    return { chunks, text, bytes: budget.stats.bytesScanned, error };
  }

  const lines = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `2026-11-1${i % 9}T00:00:00Z INFO ${prefix} line ${i}\n`).join('');

  it('share one inflated copy, each counting the compressed bytes it would have read', async () => {
    const path = join(dir, 'kamiwazad.log.2026-11-13.gz');
    const compressed = gzipSync(lines('first', 500));
    writeFileSync(path, compressed);
    const first = await read(path);
    const second = await read(path);
    expect(second.text).toBe(lines('first', 500));
    expect(second.chunks[0].buf.buffer).toBe(first.chunks[0].buf.buffer);
    expect([first.bytes, second.bytes]).toEqual([compressed.length, compressed.length]);
  });

  it('read a file rotated into the same name afresh', async () => {
    const path = join(dir, 'kamiwazad.log.1.gz');
    writeFileSync(path, gzipSync(lines('old', 300)));
    expect((await read(path)).text).toBe(lines('old', 300));
    writeFileSync(join(dir, 'next.gz'), gzipSync(lines('new', 300)));
    renameSync(join(dir, 'next.gz'), path);
    expect((await read(path)).text).toBe(lines('new', 300));
  });

  it('read a file rewritten in place afresh, even at the same size within one clock tick', async () => {
    const path = join(dir, 'kamiwazad.log.3.gz');
    // Stored blocks (level 0): both versions compress to the same size.
    const before = gzipSync(lines('aaa', 300), { level: 0 });
    const after = gzipSync(lines('bbb', 300), { level: 0 });
    expect(after.length).toBe(before.length);
    // The same modification time for both, as within one tick of the file system's clock.
    const tick = 1_800_000_000;
    writeFileSync(path, before);
    utimesSync(path, tick, tick);
    expect((await read(path)).text).toBe(lines('aaa', 300));
    writeFileSync(path, after);
    utimesSync(path, tick, tick);
    expect(statSync(path).mtimeMs).toBe(tick * 1000);
    expect((await read(path)).text).toBe(lines('bbb', 300));
  });

  it('each get a cut sibling’s readable lines and then its error', async () => {
    const path = join(dir, 'kamiwazad.log.2.gz');
    const whole = gzipSync(lines('cut', 2000));
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const first = await read(path);
    const second = await read(path);
    expect(first.error).toBeDefined();
    expect(second.error).toBe(first.error);
    expect(second.text).toBe(first.text);
    expect(first.text.length).toBeGreaterThan(0);
    expect(lines('cut', 2000).startsWith(first.text)).toBe(true);
  });
});
