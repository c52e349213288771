/**
 * Reading files as chunks of complete lines, forward or backward, in large blocks (the scan then
 * searches whole chunks with Buffer.indexOf). Memory stays bounded: a line longer than
 * MAX_LINE_BYTES is cut to its first MAX_LINE_BYTES bytes (yielded alone with `cut` set) and the
 * rest of it is skipped, in both directions.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import type { ScanBudget } from './budget';
import { openLogFile, openLogFileSync } from '../sources/safeOpen';
import { InflatedSiblings, type InflatedSibling } from './inflatedSiblings';

/** Whole lines, each ending with "\n"; `base` is the file offset (decompressed for gzip) of buf[0]. */
export interface LineChunk {
  buf: Buffer;
  base: number;
  /** The chunk is one line cut at MAX_LINE_BYTES. */
  cut: boolean;
  /**
   * Present when the reader can reuse the chunk's memory: call it when nothing refers to `buf`
   * any more (saves allocating and faulting in a fresh buffer per chunk).
   */
  recycle?: () => void;
}

export const MAX_LINE_BYTES = 1 << 20;
/**
 * Block sizes. Literal-search scans keep almost nothing of a chunk, so they read into one recycled
 * buffer, in blocks small enough to be searched while still in the core's cache: with both cores
 * copying from the page cache, 4 MiB blocks went out to memory and back (measured on 1.8 GB
 * through the plugin: first search 412–463 ms with 512 KiB blocks, 507–543 ms with 4 MiB).
 * Scans returning every line keep views into their chunks, so smaller blocks bound what
 * unconsumed records pin in memory (and, measured, the heap their records grow).
 */
export const SEARCH_CHUNK_BYTES = 512 << 10;
export const CHUNK_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** The newlines in `buf`. */
export function countLines(buf: Buffer): number {
  let n = 0;
  for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, nl + 1)) {
    n++;
  }
  return n;
}

/**
 * Reads the next block and returns it behind `carry` (the unfinished line of the previous block),
 * in one buffer; undefined or just the carry at the end.
 */
type BlockReader = (carry: Buffer | undefined) => Promise<Buffer | undefined>;

/** Splits a forward byte stream into line chunks. `holdTail`: drop an unterminated last line (live file). */
async function* splitForward(
  read: BlockReader,
  startOffset: number,
  holdTail: boolean,
  recycle?: (data: Buffer) => void
): AsyncGenerator<LineChunk> {
  let carry: Buffer | undefined;
  let dataBase = startOffset;
  let skippingCutLine = false;
  for (;;) {
    const prefixLength = carry?.length ?? 0;
    const data = await read(carry);
    if (data === undefined || data.length === prefixLength) {
      break;
    }
    const base = dataBase;
    let from = 0;
    if (skippingCutLine) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        dataBase = base + data.length;
        continue;
      }
      from = nl + 1;
      skippingCutLine = false;
    }
    const lastNl = data.lastIndexOf(10);
    if (lastNl < from) {
      const rest = data.subarray(from);
      if (rest.length > MAX_LINE_BYTES) {
        yield { buf: Buffer.concat([rest.subarray(0, MAX_LINE_BYTES), NEWLINE]), base: base + from, cut: true };
        skippingCutLine = true;
        carry = undefined;
        dataBase = base + data.length;
      } else {
        carry = rest;
        dataBase = base + from;
      }
      continue;
    }
    yield {
      buf: data.subarray(from, lastNl + 1),
      base: base + from,
      cut: false,
      recycle: recycle && (() => recycle(data)),
    };
    carry = lastNl + 1 < data.length ? data.subarray(lastNl + 1) : undefined;
    dataBase = base + lastNl + 1;
  }
  if (carry !== undefined && !holdTail) {
    yield { buf: Buffer.concat([carry, NEWLINE]), base: dataBase, cut: false };
  }
}

/** Chunks of `[start, end)` of a plain file, oldest first. */
export function forwardChunks(
  fh: FileHandle,
  start: number,
  end: number,
  holdTail: boolean,
  budget: ScanBudget,
  recycling = false,
  blockBytes = recycling ? SEARCH_CHUNK_BYTES : CHUNK_BYTES
): AsyncGenerator<LineChunk> {
  let pos = start;
  // One recycled buffer big enough for a carried partial line plus a block.
  let spare: Buffer | undefined;
  const read: BlockReader = async (carry) => {
    if (pos >= end || !budget.ok()) {
      return undefined;
    }
    const carryLength = carry?.length ?? 0;
    const want = Math.min(blockBytes, end - pos);
    let buf: Buffer;
    if (spare !== undefined && spare.length >= carryLength + want) {
      buf = spare;
      spare = undefined;
    } else {
      // A buffer for reuse only when more blocks follow (an indexed block is read in one).
      const more = end - pos > want;
      buf = Buffer.allocUnsafe(recycling && more ? blockBytes + MAX_LINE_BYTES + 1 : carryLength + want);
    }
    // The carry may be the tail of the recycled buffer itself: copy() handles the overlap.
    carry?.copy(buf, 0);
    // A synchronous read of one block: from the page cache it is several times faster than the
    // promise API's round trip through the thread pool, and blocks the event loop for well under
    // a millisecond per block (the scan of the block's lines takes far longer anyway).
    const bytesRead = readSync(fh.fd, buf, carryLength, want, pos);
    budget.add(bytesRead);
    pos += bytesRead;
    return buf.subarray(0, carryLength + bytesRead);
  };
  const recycle = (data: Buffer) => {
    spare = Buffer.from(data.buffer, data.byteOffset, data.buffer.byteLength - data.byteOffset);
  };
  return splitForward(read, start, holdTail, recycling ? recycle : undefined);
}

/**
 * A rotated sibling up to this size is inflated in one synchronous call while its output stays
 * under INFLATE_AT_ONCE_OUTPUT: a day's sibling is far smaller, and the stream pipeline costs
 * milliseconds per file (measured: kamiwazad's 21 files, 18 of them siblings with 8 MB inflated,
 * searched in 67–70 ms piped, 28–55 ms inflated at once).
 */
const INFLATE_AT_ONCE_BYTES = 8 << 20;
const INFLATE_AT_ONCE_OUTPUT = 64 << 20;
/** zlib ends a stream only with room left in its output: the chunk has a little more than the data. */
const MIN_CHUNK_SLACK = 64;
const MIN_INFLATE_CHUNK = 4 << 10;
/** Log text inflates about tenfold: beyond this, the trailer's size is not believed for the chunk. */
const MAX_EXPECTED_RATIO = 32;

/** Siblings this thread inflated, while still in memory (scans that run together share them). */
const inflatedSiblings = new InflatedSiblings();

/**
 * The whole file inflated; or, of a file cut short, its readable start and the error to report
 * after it (a rotation's copy interrupted: its lines up to the cut are still lines). Undefined
 * when it is too large or damaged before its end (the stream reads its readable prefix). Opened
 * synchronously, as it is read: the promise API's open, stat and close took 0.1–0.3 ms a file,
 * against 0.02–0.03 ms (measured), and a search reads every sibling.
 */
function inflateAtOnce(path: string, budget: ScanBudget): InflatedSibling | undefined {
  const fd = openLogFileSync(path);
  try {
    const { dev, ino, size, mtimeMs } = fstatSync(fd);
    if (size > INFLATE_AT_ONCE_BYTES) {
      return undefined;
    }
    const trailer = gzipTrailer(fd, size);
    const identity = `${dev}:${ino}:${size}:${mtimeMs}:${trailer.toString('hex')}`;
    const kept = inflatedSiblings.get(identity);
    if (kept !== undefined) {
      budget.add(size); // what reading it would have counted: a query's stats do not depend on others
      return kept;
    }
    const compressed = Buffer.allocUnsafe(size);
    const bytesRead = readSync(fd, compressed, 0, size, 0);
    // Inflated into one chunk of the size the trailer gives (the last member's, exact for the
    // usual single member): a fixed 1 MiB chunk is what every small sibling kept (18.9 MB for
    // the bench corpus's 8.2 MB of siblings). A wrong size only costs more chunks; a file cut
    // short has no trailer, and what its last bytes read as is bounded by its compressed size.
    const inflatedSize = trailer.length === 8 ? trailer.readUInt32LE(4) : 0;
    const chunkSize = Math.max(
      Math.min(inflatedSize + MIN_CHUNK_SLACK, bytesRead * MAX_EXPECTED_RATIO, INFLATE_AT_ONCE_OUTPUT),
      MIN_INFLATE_CHUNK
    );
    const options = { maxOutputLength: INFLATE_AT_ONCE_OUTPUT, chunkSize };
    const data = compressed.subarray(0, bytesRead);
    let whole: InflatedSibling;
    try {
      whole = { inflated: gunzipSync(data, options) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') {
        throw error; // not cut short: too large or damaged, for the stream
      }
      // A sync flush at the end hands out what was inflated instead of failing on the missing rest.
      whole = {
        inflated: gunzipSync(data, { ...options, finishFlush: zlibConstants.Z_SYNC_FLUSH }),
        cut: error as Error,
      };
    }
    budget.add(bytesRead);
    if (bytesRead === size) {
      inflatedSiblings.put(identity, whole);
    }
    return whole;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A gzip file's last 8 bytes: its last member's CRC-32 and length of the inflated data. With the
 * file's inode, size and time they tell a file rewritten in place apart, even within the clock
 * tick that file times have.
 */
function gzipTrailer(fd: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  return trailer.subarray(0, readSync(fd, trailer, 0, 8, Math.max(0, size - 8)));
}

async function* gunzipBlocks(path: string, budget: ScanBudget): AsyncGenerator<Buffer> {
  const whole = inflateAtOnce(path, budget);
  if (whole !== undefined) {
    const { inflated, cut } = whole;
    // Views in blocks, so that a cancelled or limited scan stops between them.
    let at = 0;
    for (; at < inflated.length && (at === 0 || budget.ok()); at += CHUNK_BYTES) {
      yield inflated.subarray(at, at + CHUNK_BYTES);
    }
    if (cut !== undefined && at >= inflated.length) {
      throw cut; // after the readable start: the scan keeps its lines and reports the rest skipped
    }
    return;
  }
  const raw = (await openLogFile(path)).createReadStream({ highWaterMark: 1 << 20 });
  raw.on('data', (chunk) => budget.add(chunk.length));
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.pipe(gunzip);
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const take = () => {
      const block = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      return block;
    };
    for await (const part of gunzip as AsyncIterable<Buffer>) {
      pending.push(part);
      pendingBytes += part.length;
      if (pendingBytes >= CHUNK_BYTES) {
        yield take();
        if (!budget.ok()) {
          return;
        }
      }
    }
    if (pendingBytes > 0) {
      yield take();
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}

/** Chunks of a whole gzip file, oldest first (offsets are decompressed offsets). Throws on corrupt data. */
export async function* gzipChunks(path: string, budget: ScanBudget): AsyncGenerator<LineChunk> {
  const blocks = gunzipBlocks(path, budget);
  const read: BlockReader = async (carry) => {
    const next = await blocks.next();
    if (next.done) {
      return undefined;
    }
    return carry === undefined ? next.value : Buffer.concat([carry, next.value]);
  };
  try {
    yield* splitForward(read, 0, false);
  } finally {
    await blocks.return(undefined);
  }
}

/**
 * Chunks of `[start, end)` of a plain file, newest first; lines inside a chunk are still in file
 * order (the scan walks them from the end). `end` must be a line start or the file size.
 */
export async function* backwardChunks(
  fh: FileHandle,
  start: number,
  end: number,
  holdTail: boolean,
  budget: ScanBudget,
  recycling = false
): AsyncGenerator<LineChunk> {
  const blockBytes = recycling ? SEARCH_CHUNK_BYTES : CHUNK_BYTES;
  let pos = end;
  // The bytes from a line's beginning-not-yet-seen to the end of what has been seen (capped to a
  // prefix when the line is huge: its first MAX_LINE_BYTES bytes are all that is ever kept).
  // Always a copy, never a view of a block buffer (those are reused).
  let carry: Buffer | undefined;
  let carryCut = false;
  let dropTail = holdTail;
  let first = true;
  let spare: Buffer | undefined;
  const recycle = (buf: Buffer) => () => {
    spare = buf;
  };
  while (pos > start && budget.ok()) {
    const want = Math.min(blockBytes, pos - start);
    const carryLength = carry?.length ?? 0;
    // Block, then room for a synthetic final newline and the carry behind it.
    const need = want + 1 + carryLength;
    let buf: Buffer;
    if (spare !== undefined && spare.length >= need) {
      buf = spare;
    } else {
      const more = pos - start > want;
      buf = Buffer.allocUnsafe(recycling && more ? Math.max(need, blockBytes + MAX_LINE_BYTES + 2) : need);
    }
    spare = undefined;
    // Synchronous, as forward reads are (see `forwardChunks`).
    const bytesRead = readSync(fh.fd, buf, 0, want, pos - want);
    budget.add(bytesRead);
    if (bytesRead < want) {
      return; // the file shrank under us: stop rather than yield stale bytes
    }
    pos -= want;
    let length = want;
    if (first && buf[want - 1] !== 10 && !dropTail) {
      buf[length++] = 10;
    }
    first = false;
    if (dropTail) {
      const lastNl = buf.subarray(0, length).lastIndexOf(10);
      if (lastNl < 0) {
        spare = buf;
        continue;
      }
      length = lastNl + 1;
      dropTail = false;
    }
    const carryAt = length;
    if (carry !== undefined) {
      carry.copy(buf, length);
      length += carry.length;
    }
    const data = buf.subarray(0, length);
    const firstNl = pos === start ? -1 : data.indexOf(10);
    if (firstNl < 0 || (carry !== undefined && firstNl >= carryAt)) {
      // No line starts inside this block (or it is the file start): all of it belongs to the carry line.
      if (pos === start) {
        yield* emitBackward(data, pos, 0, carryAt, carry !== undefined, carryCut, recycle(buf));
        return;
      }
      carryCut ||= data.length > MAX_LINE_BYTES + 1;
      carry = Buffer.from(data.subarray(0, Math.min(data.length, MAX_LINE_BYTES + 1)));
      spare = buf;
      continue;
    }
    const nextCarry = Buffer.from(data.subarray(0, firstNl + 1));
    yield* emitBackward(data, pos, firstNl + 1, carryAt, carry !== undefined, carryCut, recycle(buf));
    carry = nextCarry;
    carryCut = false;
  }
}

/**
 * Yields `data[from, ...)` newest first: the carried line (when it was cut, it goes alone as a cut
 * chunk), then the complete lines before it.
 */
function* emitBackward(
  data: Buffer,
  base: number,
  from: number,
  carryAt: number,
  hasCarry: boolean,
  carryCut: boolean,
  recycle: () => void
): Generator<LineChunk> {
  if (hasCarry && carryCut) {
    const lineStart = carryAt > from ? data.lastIndexOf(10, carryAt - 1) + 1 : from;
    const start = Math.max(lineStart, from);
    yield {
      buf: Buffer.concat([data.subarray(start, start + MAX_LINE_BYTES), NEWLINE]),
      base: base + start,
      cut: true,
    };
    if (start > from) {
      yield { buf: data.subarray(from, start), base: base + from, cut: false, recycle };
    }
    return;
  }
  if (data.length > from) {
    yield { buf: data.subarray(from), base: base + from, cut: false, recycle };
  }
}
