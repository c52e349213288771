import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DatedFile, NumberedFile, siblingsOf } from './files';
import { streamParts, removeTempDirs, tempDir } from './testing';

afterAll(removeTempDirs);

const DAY_US = 86_400_000_000;
const T0 = Date.parse('2026-11-18T12:00:00Z') * 1000;

describe('NumberedFile', () => {
  it('rotates at the threshold: .1 plain, older ones gzipped and shifted, none beyond `keep`', async () => {
    const dir = tempDir('numbered');
    const live = path.join(dir, 'application.jsonl');
    const file = new NumberedFile(live, 100, 4);
    for (let i = 0; i < 6; i++) {
      file.write(`${'x'.repeat(60)} part ${i}\n`);
      file.write(`${'y'.repeat(60)} part ${i}\n`);
      await file.maintain();
    }
    file.write('last\n');
    await file.close();
    expect(
      siblingsOf(live)
        .map((p) => path.basename(p))
        .sort()
    ).toEqual([
      'application.jsonl',
      'application.jsonl.1',
      'application.jsonl.2.gz',
      'application.jsonl.3.gz',
      'application.jsonl.4.gz',
    ]);
    expect(fs.readFileSync(live, 'utf8')).toBe('last\n');
    expect(fs.readFileSync(`${live}.1`, 'utf8')).toContain('part 5');
    expect(zlib.gunzipSync(fs.readFileSync(`${live}.2.gz`)).toString()).toContain('part 4');
    expect(zlib.gunzipSync(fs.readFileSync(`${live}.3.gz`)).toString()).toContain('part 3');
    expect(zlib.gunzipSync(fs.readFileSync(`${live}.4.gz`)).toString()).toContain('part 2');
    expect(streamParts(live).map((p) => path.basename(p))).toEqual([
      'application.jsonl.4.gz',
      'application.jsonl.3.gz',
      'application.jsonl.2.gz',
      'application.jsonl.1',
      'application.jsonl',
    ]);
  });
});

describe('DatedFile', () => {
  it('moves each finished UTC day to a dated gzip sibling', async () => {
    const dir = tempDir('dated');
    const live = path.join(dir, 'kamiwazad.log');
    const file = new DatedFile(live);
    for (let d = 0; d < 3; d++) {
      file.write(`day ${d} first\n`, T0 + d * DAY_US);
      file.write(`day ${d} second\n`, T0 + d * DAY_US + 1000);
    }
    await file.close();
    expect(
      siblingsOf(live)
        .map((p) => path.basename(p))
        .sort()
    ).toEqual(['kamiwazad.log', 'kamiwazad.log.2026-11-18.gz', 'kamiwazad.log.2026-11-19.gz']);
    expect(zlib.gunzipSync(fs.readFileSync(`${live}.2026-11-18.gz`)).toString()).toBe('day 0 first\nday 0 second\n');
    expect(fs.readFileSync(live, 'utf8')).toBe('day 2 first\nday 2 second\n');
    expect(streamParts(live).map((p) => path.basename(p))).toEqual([
      'kamiwazad.log.2026-11-18.gz',
      'kamiwazad.log.2026-11-19.gz',
      'kamiwazad.log',
    ]);
  });
});
