/**
 * Reading listed records: close ones share a read, in scan direction, reads batched into one
 * reused buffer; a shrunk file ends the reads.
 */
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStats } from '../model';
import { ScanBudget } from './budget';
import { listedBatches, type ListedRecords } from './listedReads';

let dir: string;
let file: string;
/** Line k is "line k" padded with dots to 1000 bytes, then a newline. */
const LINE = 1001;
const lineText = (k: number) => `line ${k}`.padEnd(LINE - 1, '.');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-listed-'));
  file = join(dir, 'app.log');
  writeFileSync(file, Array.from({ length: 400 }, (_, k) => lineText(k) + '\n').join(''));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listed(lines: number[]): ListedRecords {
  return {
    offset: Float64Array.from(lines, (k) => k * LINE),
    length: Uint32Array.from(lines, () => LINE - 1),
    time: Float64Array.from(lines, (k) => k),
    cut: new Uint8Array(lines.length),
  };
}

/**
 * Each window's records as [first, last] and the text of every record it holds (read before the
 * next batch, which reuses the buffer), and each batch's windows.
 */
function read(records: ListedRecords, direction: 'forward' | 'backward', batchBytes?: number) {
  const stats = emptyStats();
  const fd = openSync(file, 'r');
  try {
    const windows: Array<{ span: [number, number]; texts: string[] }> = [];
    const batches: number[] = [];
    const buffers = new Set<Buffer>();
    for (const batch of listedBatches(fd, records, direction, new ScanBudget(stats, {}), batchBytes)) {
      buffers.add(batch.buf);
      batches.push(batch.count);
      for (let w = 0; w < batch.count; w++) {
        const texts: string[] = [];
        for (let k = batch.first[w]; k <= batch.last[w]; k++) {
          const s = batch.at[w] + records.offset[k] - records.offset[batch.first[w]];
          texts.push(batch.buf.toString('latin1', s, s + records.length[k]));
        }
        windows.push({ span: [batch.first[w], batch.last[w]], texts });
      }
    }
    return { windows, batches, buffers: buffers.size, bytes: stats.bytesScanned };
  } finally {
    closeSync(fd);
  }
}

it('reads neighbours together and far records alone, each with its own bytes', () => {
  // Lines 10 and 12 are 1 KB apart (one read); 200 is far from both; 201 is next to 200.
  const records = listed([10, 12, 200, 201]);
  const { windows, bytes } = read(records, 'forward');
  expect(windows.map((w) => w.span)).toEqual([
    [0, 1],
    [2, 3],
  ]);
  expect(windows.flatMap((w) => w.texts)).toEqual([10, 12, 200, 201].map(lineText));
  // The gap between 10 and 12 is read, the 187 lines between 12 and 200 are not.
  expect(bytes).toBe(3 * LINE - 1 + 2 * LINE - 1);
});

it('goes from the end backward, and caps a window at 64 KiB', () => {
  const lines = Array.from({ length: 100 }, (_, k) => 100 + k); // 100 adjacent 1 KB lines
  const { windows } = read(listed(lines), 'backward');
  expect(windows[0].span[1]).toBe(99);
  expect(windows.map((w) => w.span[1] - w.span[0] + 1)).toEqual([65, 35]);
  expect(windows.flatMap((w) => w.texts)).toEqual([...lines.slice(35), ...lines.slice(0, 35)].map(lineText));
});

it('hands out windows in batches that reuse one buffer, and more windows than a batch first holds', () => {
  // 66 records 5 KB apart (no two share a read) in one batch: past the window arrays' first length (64).
  const far = Array.from({ length: 66 }, (_, k) => 6 * k);
  const many = read(listed(far), 'forward', 400 * LINE);
  expect(many.batches).toEqual([66]);
  expect(many.windows.flatMap((w) => w.texts)).toEqual(far.map(lineText));

  // Six far-apart records, 1 000 bytes each: a 2 500-byte batch holds two of them.
  const lines = [0, 50, 100, 150, 200, 250];
  const { windows, batches, buffers } = read(listed(lines), 'forward', 2500);
  expect(batches).toEqual([2, 2, 2]);
  expect(buffers).toBe(1);
  expect(windows.flatMap((w) => w.texts)).toEqual(lines.map(lineText));
});

it('reads a window larger than a batch whole, in a batch of its own', () => {
  const lines = [5, 100, 101, 102, 300]; // 100-102 adjacent: one window of 3 KB
  const { windows, batches } = read(listed(lines), 'backward', 2000);
  expect(batches).toEqual([1, 1, 1]);
  expect(windows.map((w) => w.span)).toEqual([
    [4, 4],
    [1, 3],
    [0, 0],
  ]);
  expect(windows.flatMap((w) => w.texts)).toEqual([300, 100, 101, 102, 5].map(lineText));
});

it('stops at a read that comes back short: the file shrank under the index', () => {
  const copy = join(dir, 'shrunk.log');
  writeFileSync(copy, Array.from({ length: 400 }, (_, k) => lineText(k) + '\n').join(''));
  truncateSync(copy, 150 * LINE);
  const fd = openSync(copy, 'r');
  try {
    const records = listed([10, 100, 300]);
    const spans: number[] = [];
    for (const batch of listedBatches(fd, records, 'forward', new ScanBudget(emptyStats(), {}))) {
      spans.push(...batch.first.subarray(0, batch.count));
    }
    expect(spans).toEqual([0, 1]);
  } finally {
    closeSync(fd);
  }
});
