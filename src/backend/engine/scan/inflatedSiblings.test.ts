import { mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { emptyStats } from '../model';
import { ScanBudget } from './budget';
import { gzipChunks, type LineChunk } from './chunks';
import { InflatedSiblings } from './inflatedSiblings';

/** A full collection: jest runs in Node, where V8 offers one behind a flag. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('InflatedSiblings', () => {
  it('hands out a copy still in memory by identity, and nothing for another identity', () => {
    const kept = new InflatedSiblings();
    const inflated = Buffer.from('2026-11-13T00:00:00Z INFO a\n');
    kept.put('1:2:100:5:trailer', { inflated });
    const again = kept.get('1:2:100:5:trailer')!;
    expect(again.inflated.equals(inflated)).toBe(true);
    expect(again.inflated.buffer).toBe(inflated.buffer); // the same memory, not a copy
    expect(kept.get('1:2:101:5:trailer')).toBeUndefined(); // grown
    expect(kept.get('1:3:100:5:trailer')).toBeUndefined(); // another file rotated into the name
  });

  it('keeps nothing alive: once no scan holds a copy, it is collected and forgotten', async () => {
    const kept = new InflatedSiblings();
    kept.put('a', { inflated: Buffer.alloc(1 << 20, 'x') });
    await new Promise((r) => setImmediate(r)); // a weak reference holds until the current job ends
    for (let attempt = 0; attempt < 20 && kept.size() > 0; attempt++) {
      collectGarbage();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(kept.get('a')).toBeUndefined();
    expect(kept.size()).toBe(0);
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

  it('keep one buffer of the inflated size, and read every member of a file of several', async () => {
    const path = join(dir, 'kamiwazad.log.4.gz');
    const text = lines('one', 2000);
    writeFileSync(path, gzipSync(text));
    const one = await read(path);
    expect(one.text).toBe(text);
    expect(one.chunks[0].buf.buffer.byteLength).toBeLessThan(text.length + 4096);
    // The trailer gives the last member's size only: the first one's lines need more room.
    const several = join(dir, 'kamiwazad.log.5.gz');
    writeFileSync(several, Buffer.concat([gzipSync(lines('a', 3000)), gzipSync(lines('b', 10))]));
    expect((await read(several)).text).toBe(lines('a', 3000) + lines('b', 10));
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
    // Its last bytes are no trailer, whatever size they read as: memory stays near the data's.
    expect(first.chunks[0].buf.buffer.byteLength).toBeLessThan(1 << 20);
  });
});
