import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILES, GeneratorOptions } from './args';
import { follow } from './follow';
import { generateHistory } from './generate';
import { linesOf, readPart, streamParts, removeTempDirs, tempDir } from './testing';

afterAll(removeTempDirs);

const END_MS = Date.parse('2026-11-19T23:58:00Z');

describe('follow', () => {
  it('keeps appending in (simulated) real time, rotating application.jsonl and the dated logs', async () => {
    const out = tempDir('follow');
    const opts: GeneratorOptions = {
      out,
      sizeBytes: 512 * 1024,
      days: 1,
      seed: 5,
      endUs: END_MS * 1000,
      endDefaulted: false,
      follow: true,
      files: [...FILES],
      rotate: true,
      rotateBytes: 256 * 1024,
      accessFormat: 'clf',
      damageRate: 0,
      partialLastLine: false,
    };
    const run = await generateHistory(opts, () => {}, true);
    const rotationsBefore = streamParts(path.join(out, 'application.jsonl')).length;
    let now = END_MS + 1000;
    let ticks = 0;
    const sizes: number[] = [];
    await follow(run.sim, run.output, {
      now: () => now,
      sleep: async () => {
        now += 5000;
        ticks++;
      },
      stopped: () => ticks >= 60,
      // Live readers see each tick's records on disk.
      onTick: () => sizes.push(fs.statSync(path.join(out, 'application.log')).size),
    });

    expect(sizes.filter((s, i) => i > 0 && s > sizes[i - 1]).length).toBeGreaterThan(30);
    const parts = streamParts(path.join(out, 'application.jsonl'));
    expect(parts.length).toBeGreaterThan(rotationsBefore);
    expect(parts.map((p) => path.basename(p)).slice(-3)).toEqual([
      'application.jsonl.2.gz',
      'application.jsonl.1',
      'application.jsonl',
    ]);

    // Time-ordered across siblings, and the live part reaches the simulated now.
    let max = 0;
    let disorder = 0;
    let last = 0;
    for (const part of parts) {
      for (const line of linesOf(readPart(part))) {
        const ms = Date.parse(JSON.parse(line).timestamp);
        disorder += ms < max - 2000 ? 1 : 0;
        max = Math.max(max, ms);
        last = ms;
      }
    }
    expect(disorder).toBe(0);
    expect(last).toBeGreaterThan(END_MS + 4 * 60_000);

    // Midnight passed during the follow: the 19th became a dated sibling.
    const kd = streamParts(path.join(out, 'kamiwazad.log')).map((p) => path.basename(p));
    expect(kd).toEqual(['kamiwazad.log.2026-11-18.gz', 'kamiwazad.log.2026-11-19.gz', 'kamiwazad.log']);
    for (const file of FILES) {
      const live = fs.readFileSync(path.join(out, file));
      if (live.length) {
        expect(live[live.length - 1]).toBe(0x0a);
      }
    }
  }, 30_000);
});
