/**
 * Sparse time index per file identity, so a time-range query reads only the part of a file it
 * needs. Files are nearly time-ordered: any entry after a given one is at most
 * DISORDER_TOLERANCE_MS older. So a line with time t at offset p proves that everything before p
 * is older than t + tolerance, and everything after p is newer than t - tolerance; binary search
 * over such probes finds safe byte bounds for [from, to).
 *
 * The index remembers probes (offset → first timed line after it), the first and last times and,
 * for gzip files (which cannot be probed), min/max time and line count after one full read.
 * Identity = device, inode and a hash of the first line: a change (rotation, rewrite) or a smaller
 * size (truncation) drops the entry; growth keeps the probes that did not touch the old end.
 */
import { closeSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DISORDER_TOLERANCE_MS } from '../model';
import type { LineFormat } from '../readers/formats';
import { msToIso } from '../time';
import { openLogFileSync } from '../sources/safeOpen';

export interface Probe {
  /** Start offset of the first line at or after the probe offset that carries a timestamp. */
  lineStart: number;
  ts: number;
}

/** Bytes read for the head and tail of a file. */
const HEAD_BYTES = 64 << 10;
/**
 * Compressed bytes inflated for a gzip file's first time, in turn until a timed line is found:
 * logs compress about tenfold, so the first few lines come from 1 KiB, and a head of untimed lines
 * (a stack trace) needs more. A search plans with every rotated sibling's first time: inflating
 * 4 KiB of each of the bench's 18 siblings took 8–12 ms of a fresh plugin's first query, 1 KiB
 * 3–5 ms (measured).
 */
const GZIP_HEAD_BYTES = [1 << 10, 16 << 10];
/**
 * Bytes read per probe: a few lines are enough to find one timed line; a second, larger read when
 * no timed line starts in the first.
 */
const PROBE_BYTES = 16 << 10;
const PROBE_RETRY_BYTES = 1 << 20;
/** A seek stops probing when the window is this small (reading it is cheaper than probing). */
const SEEK_GRANULE = 256 << 10;
/** Interpolated probes in a row that may fail to halve the seek window before one bisection. */
const INTERPOLATED_PROBES = 2;
/** Head bytes hashed into the identity (the first line, up to this many bytes). */
const HEAD_HASH_BYTES = 256;

export interface FileTimes {
  /** Time of the first timed line (NaN when none was found in the head). */
  firstTs: number;
  /** Time of the last timed line (plain files; NaN when unknown). */
  lastTs: number;
  /** Gzip files after a complete read: exact span and line count. */
  gzipSpan?: { minTs: number; maxTs: number; lines: number };
}

export class FileTimeIndex implements FileTimes {
  firstTs = NaN;
  lastTs = NaN;
  gzipSpan?: { minTs: number; maxTs: number; lines: number };
  /** offset → probe result and the end of the bytes it read. */
  readonly probes = new Map<number, { probe: Probe | undefined; readEnd: number }>();

  constructor(
    readonly identity: string,
    public size: number
  ) {}
}

function fnv1a(b: Uint8Array, start: number, end: number): string {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

/** Head hash of a buffer holding the file's first bytes. */
function headHash(head: Buffer): string {
  const nl = head.indexOf(10);
  return fnv1a(head, 0, Math.min(nl < 0 ? head.length : nl, HEAD_HASH_BYTES));
}

/** The first timed line in `buf` at or after `from` (from = a line start). */
function firstTimedLine(format: LineFormat, buf: Buffer, from: number): Probe | undefined {
  let s = from;
  while (s < buf.length) {
    const nl = buf.indexOf(10, s);
    const ts = format.lineTs(buf, s, nl < 0 ? buf.length : nl);
    if (!Number.isNaN(ts)) {
      return { lineStart: s, ts };
    }
    if (nl < 0) {
      return undefined;
    }
    s = nl + 1;
  }
  return undefined;
}

/** The last timed line in `buf` (lines scanned from the end). */
function lastTimedLine(format: LineFormat, buf: Buffer): number {
  let e = buf.length;
  while (e > 0) {
    const s = buf.lastIndexOf(10, e - 1) + 1;
    if (s < e) {
      const ts = format.lineTs(buf, s, e);
      if (!Number.isNaN(ts) && s > 0) {
        return ts;
      }
    }
    if (s === 0) {
      return NaN;
    }
    e = s - 1;
  }
  return NaN;
}

/**
 * A synchronous read, as the scans' (see `forwardChunks`): heads, tails and probes are small and
 * come from the page cache, where the promise API's round trip through the thread pool took
 * longer than the read (measured, 1–4 KiB: 0.03–0.05 ms a read against 0.01–0.03 ms); a query
 * reads a head per file.
 */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  return buf.subarray(0, readSync(fd, buf, 0, length, offset));
}

/** A plain file's identity: device, inode and the hash of its first line (as `FileTimeIndex.identity`). */
export function fileIdentity(fh: FileHandle, dev: number, ino: number): string {
  return `${dev}:${ino}:${headHash(readAt(fh.fd, 0, HEAD_HASH_BYTES * 4))}`;
}

/** Index entries per path, dropped when the identity changes. */
export class IndexCache {
  private readonly entries = new Map<string, FileTimeIndex>();

  /**
   * The index of an open plain file, created or revalidated. Every query revalidates, from the
   * head's first bytes only (a fresh 64 KiB buffer per file and query cost 0.3 ms, measured); the
   * whole head and the tail are read when a time is not known yet.
   */
  async plain(
    path: string,
    fh: FileHandle,
    dev: number,
    ino: number,
    size: number,
    format: LineFormat
  ): Promise<FileTimeIndex> {
    const identity = fileIdentity(fh, dev, ino);
    let index = this.entries.get(path);
    if (index === undefined || index.identity !== identity || size < index.size) {
      index = new FileTimeIndex(identity, size);
      this.entries.set(path, index);
    } else if (size > index.size) {
      for (const [offset, entry] of index.probes) {
        if (entry.readEnd >= index.size) {
          index.probes.delete(offset);
        }
      }
      index.lastTs = NaN;
      index.size = size;
    }
    if (Number.isNaN(index.firstTs)) {
      index.firstTs = firstTimedLine(format, readAt(fh.fd, 0, Math.min(size, HEAD_BYTES)), 0)?.ts ?? NaN;
    }
    if (Number.isNaN(index.lastTs) && size > 0) {
      const from = Math.max(0, size - HEAD_BYTES);
      const tail = readAt(fh.fd, from, size - from);
      index.lastTs = from === 0 ? lastTimedLineFromStart(format, tail) : lastTimedLine(format, tail);
    }
    return index;
  }

  /** The index of a gzip file (reads and decompresses its head when new). */
  async gzip(path: string, dev: number, ino: number, size: number, format: LineFormat): Promise<FileTimeIndex> {
    const key = `${dev}:${ino}:${size}`;
    let index = this.entries.get(path);
    if (index !== undefined && index.identity === key) {
      return index;
    }
    index = new FileTimeIndex(key, size);
    index.firstTs = gzipFirstTs(path, format);
    this.entries.set(path, index);
    return index;
  }

  /** What is known of a gzip file's times without reading it (for diagnostics). */
  gzipTimes(path: string): { first?: string; last?: string } | undefined {
    const index = this.entries.get(path);
    if (index === undefined) {
      return undefined;
    }
    const first = index.gzipSpan?.minTs ?? index.firstTs;
    const last = index.gzipSpan?.maxTs;
    return {
      first: Number.isNaN(first) ? undefined : msToIso(first),
      last: last === undefined ? undefined : msToIso(last),
    };
  }

  /** Forgets paths that no longer exist, so the cache does not grow with rotated-away files. */
  retain(paths: Set<string>): void {
    for (const path of this.entries.keys()) {
      if (!paths.has(path)) {
        this.entries.delete(path);
      }
    }
  }
}

function lastTimedLineFromStart(format: LineFormat, buf: Buffer): number {
  let last = NaN;
  let s = 0;
  while (s < buf.length) {
    const nl = buf.indexOf(10, s);
    const ts = format.lineTs(buf, s, nl < 0 ? buf.length : nl);
    if (!Number.isNaN(ts)) {
      last = ts;
    }
    if (nl < 0) {
      break;
    }
    s = nl + 1;
  }
  return last;
}

/**
 * The time of a gzip file's first timed line, NaN when its head has none (or is not gzip): heads
 * of GZIP_HEAD_BYTES compressed bytes, inflated as far as they go (a cut stream gives what it
 * holds, a corrupt one nothing). One synchronous open, reads and inflates: a stream pipeline per
 * rotated file cost milliseconds each on a restarted plugin's first query, and the promise API's
 * open and close 0.1–0.3 ms (against 0.02–0.03 ms).
 */
function gzipFirstTs(path: string, format: LineFormat): number {
  const fd = openLogFileSync(path); // a file that cannot be opened is the caller's notice
  try {
    for (const bytes of GZIP_HEAD_BYTES) {
      const head = readAt(fd, 0, bytes);
      const ts = firstTimedLine(format, gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }), 0)?.ts;
      if (ts !== undefined || head.length < bytes) {
        return ts ?? NaN; // found, or the whole file was read
      }
    }
    return NaN;
  } catch {
    return NaN;
  } finally {
    closeSync(fd);
  }
}

async function probeAt(
  index: FileTimeIndex,
  fh: FileHandle,
  offset: number,
  format: LineFormat
): Promise<Probe | undefined> {
  const cached = index.probes.get(offset);
  if (cached !== undefined) {
    return cached.probe;
  }
  let probe: Probe | undefined;
  let readEnd = offset;
  for (const length of [PROBE_BYTES, PROBE_RETRY_BYTES]) {
    const buf = readAt(fh.fd, offset, Math.min(length, index.size - offset));
    readEnd = offset + buf.length;
    const nl = offset === 0 ? -1 : buf.indexOf(10);
    if (offset > 0 && nl < 0) {
      continue;
    }
    const found = firstTimedLine(format, buf, nl + 1);
    if (found !== undefined) {
      probe = { lineStart: offset + found.lineStart, ts: found.ts };
      break;
    }
    if (readEnd >= index.size) {
      break;
    }
  }
  index.probes.set(offset, { probe, readEnd });
  return probe;
}

/** Which side of a time boundary a search is after (see `crossing`). */
type Side = 'start' | 'end';

/**
 * Offset where line times cross `target`, found by probing [lo, hi) (times loTs, hiTs at its ends
 * when known, else NaN). `start`: the last probed line older than target (or lo); `end`: the first
 * probed line at least target (or hi), so the caller's bounds stay safe under the disorder rule.
 *
 * Log times grow about linearly with offset, so each probe is placed by interpolating the target
 * time between the window's end times (a few probes instead of log2(size / granule)). When
 * INTERPOLATED_PROBES interpolated probes in a row fail to halve the window (bursts, gaps), the
 * next one bisects, so the probe count stays within (INTERPOLATED_PROBES + 1) times that of plain
 * bisection.
 */
async function crossing(
  index: FileTimeIndex,
  fh: FileHandle,
  format: LineFormat,
  side: Side,
  target: number,
  window: { lo: number; loTs: number; hi: number; hiTs: number }
): Promise<{ at: number; ts: number }> {
  let { lo, loTs, hi, hiTs } = window;
  // Times the interpolation uses for the window's ends: an end that stays put while the other
  // moves twice has its distance to target halved (regula falsi's Illinois rule), so probes
  // that keep landing on one side of the boundary close in from the other side too.
  let loGuide = loTs;
  let hiGuide = hiTs;
  let lastMoved: 'lo' | 'hi' | undefined;
  // Width when the window last halved, and interpolated probes since then.
  let halvedWidth = hi - lo;
  let sinceHalved = 0;
  while (hi - lo > SEEK_GRANULE) {
    const width = hi - lo;
    const bisect = sinceHalved >= INTERPOLATED_PROBES;
    const mid = bisect ? lo + Math.floor(width / 2) : interpolated(lo, loGuide, hi, hiGuide, target);
    const p = await probeAt(index, fh, mid, format);
    const inside = p !== undefined && p.lineStart < hi;
    let moved: 'lo' | 'hi';
    if (side === 'start') {
      if (inside && p.ts < target) {
        moved = 'lo';
        lo = p.lineStart;
        loTs = p.ts;
      } else {
        moved = 'hi';
        hi = mid;
        hiTs = inside ? p.ts : hiTs;
      }
    } else if (inside && p.ts >= target) {
      moved = 'hi';
      hi = p.lineStart;
      hiTs = p.ts;
    } else {
      moved = 'lo';
      lo = inside ? p.lineStart : mid;
      loTs = inside ? p.ts : loTs;
    }
    if (moved === 'lo') {
      loGuide = loTs;
      hiGuide = lastMoved === 'lo' ? target + (hiGuide - target) / 2 : hiGuide;
    } else {
      hiGuide = hiTs;
      loGuide = lastMoved === 'hi' ? target - (target - loGuide) / 2 : loGuide;
    }
    lastMoved = moved;
    if (hi - lo <= halvedWidth / 2) {
      halvedWidth = hi - lo;
      sinceHalved = 0;
    } else {
      sinceHalved = bisect ? 0 : sinceHalved + 1;
    }
  }
  return side === 'start' ? { at: lo, ts: loTs } : { at: hi, ts: hiTs };
}

/**
 * Where `target` falls between (lo, loTs) and (hi, hiTs) assuming a steady write rate, kept off
 * the window's ends so every probe shrinks it; the middle when the times do not bracket target.
 */
function interpolated(lo: number, loTs: number, hi: number, hiTs: number, target: number): number {
  const width = hi - lo;
  const margin = Math.max(1, Math.floor(width / 64));
  const fraction = (target - loTs) / (hiTs - loTs);
  if (!(fraction > 0 && fraction < 1)) {
    return lo + Math.floor(width / 2);
  }
  return Math.min(hi - margin, Math.max(lo + margin, lo + Math.floor(width * fraction)));
}

/**
 * Byte bounds [start, end) of a plain file that contain every entry with time in [fromMs, toMs):
 * start = a timed line older than from - tolerance (or 0), end = a timed line at least
 * to + tolerance (or the size).
 */
export async function seekRange(
  index: FileTimeIndex,
  fh: FileHandle,
  format: LineFormat,
  fromMs: number,
  toMs: number
): Promise<{ start: number; end: number }> {
  const size = index.size;
  let start = 0;
  let startTs = index.firstTs;
  const lowTarget = fromMs - DISORDER_TOLERANCE_MS;
  if (!(index.firstTs >= lowTarget)) {
    const window = { lo: 0, loTs: index.firstTs, hi: size, hiTs: index.lastTs };
    ({ at: start, ts: startTs } = await crossing(index, fh, format, 'start', lowTarget, window));
  }
  let end = size;
  const highTarget = toMs + DISORDER_TOLERANCE_MS;
  if (!(index.lastTs < highTarget)) {
    const window = { lo: start, loTs: startTs, hi: size, hiTs: index.lastTs };
    ({ at: end } = await crossing(index, fh, format, 'end', highTarget, window));
  }
  return { start, end: Math.max(start, end) };
}
