/**
 * Reading records that an index lists (`ListedRecords`: offset and length each, in file order)
 * instead of every line: records close to one another are read together, each other one alone.
 */
import { readSync } from 'node:fs';
import type { Direction } from '../model';
import type { ScanBudget } from './budget';

/** Records of a file, in file order, by offset and byte length; as a scan would emit them. */
export interface ListedRecords {
  offset: Float64Array;
  length: Uint32Array;
  /** The time the scan gave each record (its own, or the one an untimed line inherits). */
  time: Float64Array;
  /** 1 where the record was cut at MAX_LINE_BYTES. */
  cut: Uint8Array;
}

/**
 * Records whose gap is at most this many bytes share a read, up to WINDOW_BYTES: the bytes between
 * them cost less to copy than another read call (one record alone is a few hundred bytes).
 */
const GAP_BYTES = 4 << 10;
const WINDOW_BYTES = 64 << 10;

/** Records `[first, last]` (indexes into the list), their bytes at `buf[offset[k] - base]`. */
export interface ListedWindow {
  buf: Buffer;
  base: number;
  first: number;
  last: number;
}

/**
 * The windows of `records`, in scan direction; one buffer is reused for every window (records
 * must copy what they keep). Ends early when the budget runs out, and at a read that comes back
 * short: the file shrank, and the records after that point are no longer what the index saw.
 */
export function* listedWindows(
  fd: number,
  records: ListedRecords,
  direction: Direction,
  budget: ScanBudget
): Generator<ListedWindow> {
  const { offset, length } = records;
  const endOf = (k: number) => offset[k] + length[k];
  const joins = (k: number, from: number, to: number) =>
    offset[k] - endOf(k - 1) <= GAP_BYTES && endOf(to) - offset[from] <= WINDOW_BYTES;
  let buf = Buffer.allocUnsafe(WINDOW_BYTES);
  const n = offset.length;
  for (let k = direction === 'forward' ? 0 : n - 1; k >= 0 && k < n && budget.ok();) {
    let first = k;
    let last = k;
    if (direction === 'forward') {
      while (last + 1 < n && joins(last + 1, first, last + 1)) {
        last++;
      }
      k = last + 1;
    } else {
      while (first > 0 && joins(first, first - 1, last)) {
        first--;
      }
      k = first - 1;
    }
    const base = offset[first];
    const want = endOf(last) - base;
    if (want > buf.length) {
      buf = Buffer.allocUnsafe(want); // a record longer than a window (up to MAX_LINE_BYTES)
    }
    const bytesRead = readSync(fd, buf, 0, want, base);
    budget.add(bytesRead);
    if (bytesRead < want) {
      return;
    }
    yield { buf, base, first, last };
  }
}
