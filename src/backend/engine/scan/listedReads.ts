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

/**
 * Windows are read back to back into one buffer of this size, handed out together: a batch of
 * windows costs the consumer one step instead of one per window (most windows hold one or two
 * records), and a consumer that is done with a batch when it asks for the next needs no copies.
 * Small enough that a batch of single records (a few hundred reads) leaves the event loop free
 * again within a couple of milliseconds.
 */
const BATCH_BYTES = 256 << 10;

/** Records `[first, last]` (indexes into the list), their bytes at `buf[at + offset[k] - base]`. */
export interface ListedWindow {
  at: number;
  base: number;
  first: number;
  last: number;
}

/** Windows read into one buffer, which the next batch reuses (records must copy what they keep). */
export interface ListedBatch {
  buf: Buffer;
  /** The windows' bytes are `buf[0, bytes)`, back to back. */
  bytes: number;
  windows: ListedWindow[];
}

/** A window's records and bytes, before it is read. */
interface WindowSpan {
  first: number;
  last: number;
  base: number;
  bytes: number;
}

/** The windows of `records`, in scan direction. */
function* windowSpans(records: ListedRecords, direction: Direction): Generator<WindowSpan> {
  const { offset, length } = records;
  const endOf = (k: number) => offset[k] + length[k];
  const joins = (k: number, from: number, to: number) =>
    offset[k] - endOf(k - 1) <= GAP_BYTES && endOf(to) - offset[from] <= WINDOW_BYTES;
  const n = offset.length;
  for (let k = direction === 'forward' ? 0 : n - 1; k >= 0 && k < n;) {
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
    yield { first, last, base: offset[first], bytes: endOf(last) - offset[first] };
  }
}

/**
 * The windows of `records` in batches, in scan direction; one buffer is reused for every batch.
 * Ends early when the budget runs out, and at a read that comes back short: the file shrank, and
 * the records after that point are no longer what the index saw.
 */
export function* listedBatches(
  fd: number,
  records: ListedRecords,
  direction: Direction,
  budget: ScanBudget,
  batchBytes = BATCH_BYTES
): Generator<ListedBatch> {
  let buf = Buffer.allocUnsafe(batchBytes);
  let windows: ListedWindow[] = [];
  let used = 0;
  for (const span of windowSpans(records, direction)) {
    if (!budget.ok()) {
      break;
    }
    if (used + span.bytes > buf.length && windows.length > 0) {
      yield { buf, bytes: used, windows };
      windows = [];
      used = 0;
    }
    if (span.bytes > buf.length) {
      buf = Buffer.allocUnsafe(span.bytes); // a record longer than a batch (up to MAX_LINE_BYTES)
    }
    const bytesRead = readSync(fd, buf, used, span.bytes, span.base);
    budget.add(bytesRead);
    if (bytesRead < span.bytes) {
      break;
    }
    windows.push({ at: used, base: span.base, first: span.first, last: span.last });
    used += span.bytes;
  }
  if (windows.length > 0) {
    yield { buf, bytes: used, windows };
  }
}
