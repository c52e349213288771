/**
 * What a query would read, from the time indexes and file sizes, without scanning: Loki's
 * `/index/stats` (streams, chunks, bytes, entries) plus the files.
 *
 * - bytes: file bytes in the byte ranges the time index seeks to (compressed bytes for gzip
 *   files, which are read whole) — what the scan reads from disk.
 * - entries: an estimate: each range's bytes divided by the mean line length of ENTRY_SAMPLE
 *   bytes at its start (gzip files: their exact line count once read, else their head's lines
 *   per compressed byte).
 * - chunks: the blocks of CHUNK_BYTES the scan reads the ranges in.
 * - streams: logical sources (a live file and its rotated siblings) with bytes to read;
 *   `service_name` splits within a file are not counted (that takes a scan).
 */
import { open } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { LabelMatcher } from '../model';
import { CHUNK_BYTES, countLines } from '../scan/chunks';
import type { FileLogStore, PlannedRead } from '../store';

export interface ReadStats {
  streams: number;
  chunks: number;
  bytes: number;
  entries: number;
  files: number;
}

const ENTRY_SAMPLE = 64 << 10;

async function head(path: string, at: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, at);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Estimated entries of one planned read (0 when the file cannot be read: the scan will say so). */
async function entriesOf(read: PlannedRead): Promise<number> {
  if (read.lines !== undefined) {
    return read.lines;
  }
  const bytes = read.end - read.start;
  if (bytes <= 0) {
    return 0;
  }
  try {
    const sample = await head(read.path, read.gzip ? 0 : read.start, Math.min(ENTRY_SAMPLE, bytes));
    const lines = countLines(read.gzip ? gunzipSync(sample, { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : sample);
    return lines === 0 ? 1 : Math.round((bytes * lines) / sample.length);
  } catch {
    return 0;
  }
}

export async function readStats(
  store: Pick<FileLogStore, 'plannedReads'>,
  matchers: LabelMatcher[],
  fromMs: number,
  toMs: number
): Promise<ReadStats> {
  const reads = (await store.plannedReads(matchers, fromMs, toMs)).filter((r) => r.end > r.start);
  const entries = await Promise.all(reads.map(entriesOf));
  return {
    streams: new Set(reads.map((r) => r.filename)).size,
    chunks: reads.reduce((n, r) => n + Math.ceil((r.end - r.start) / CHUNK_BYTES), 0),
    bytes: reads.reduce((n, r) => n + (r.end - r.start), 0),
    entries: entries.reduce((a, b) => a + b, 0),
    files: reads.length,
  };
}
