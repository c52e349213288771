/**
 * Reading records that an index lists (`ListedRecords`: offset and length each, in file order)
 * instead of every line: records close to one another are read together, each other one alone.
 */
import { readSync } from 'node:fs';
import type { Direction } from '../model';
import type { ScanBudget } from './budget';
import { grown } from '../typedArrays';

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

/**
 * Windows read into one buffer, handed out in one object that the next batch reuses with its
 * buffer and arrays (records must copy what they keep). Window `w` holds records
 * `[first[w], last[w]]` (indexes into the list); record `k`'s bytes start at
 * `buf[at[w] + offset[k] - offset[first[w]]]`. Arrays, not an object per window: an error-lines
 * query reads 60 000 records, nearly one window each.
 */
export interface ListedBatch {
  buf: Buffer;
  /** The windows' bytes are `buf[0, bytes)`, back to back. */
  bytes: number;
  /** Windows in this batch (the arrays may be longer). */
  count: number;
  at: Int32Array;
  first: Int32Array;
  last: Int32Array;
}

/** Adds a window to `batch`, growing its arrays when full. */
function addWindow(batch: ListedBatch, first: number, last: number): void {
  if (batch.count === batch.at.length) {
    const length = batch.at.length * 2;
    batch.at = grown(batch.at, length);
    batch.first = grown(batch.first, length);
    batch.last = grown(batch.last, length);
  }
  batch.at[batch.count] = batch.bytes;
  batch.first[batch.count] = first;
  batch.last[batch.count] = last;
  batch.count++;
}

/**
 * The windows of `records` in batches, in scan direction: a batch must be done with before the
 * next is asked for. Ends early when the budget runs out, and at a read that comes back short: the
 * file shrank, and the records after that point are no longer what the index saw.
 */
export function* listedBatches(
  fd: number,
  records: ListedRecords,
  direction: Direction,
  budget: ScanBudget,
  batchBytes = BATCH_BYTES
): Generator<ListedBatch> {
  const { offset, length } = records;
  const endOf = (k: number) => offset[k] + length[k];
  const joins = (k: number, from: number, to: number) =>
    offset[k] - endOf(k - 1) <= GAP_BYTES && endOf(to) - offset[from] <= WINDOW_BYTES;
  const n = offset.length;
  const forward = direction === 'forward';
  const batch: ListedBatch = {
    buf: Buffer.allocUnsafe(batchBytes),
    bytes: 0,
    count: 0,
    at: new Int32Array(64),
    first: new Int32Array(64),
    last: new Int32Array(64),
  };
  for (let k = forward ? 0 : n - 1; k >= 0 && k < n && budget.ok();) {
    let first = k;
    let last = k;
    if (forward) {
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
    const bytes = endOf(last) - offset[first];
    if (batch.bytes + bytes > batch.buf.length && batch.count > 0) {
      yield batch;
      batch.bytes = 0;
      batch.count = 0;
    }
    if (bytes > batch.buf.length) {
      batch.buf = Buffer.allocUnsafe(bytes); // a record longer than a batch (up to MAX_LINE_BYTES)
    }
    const bytesRead = readSync(fd, batch.buf, batch.bytes, bytes, offset[first]);
    budget.add(bytesRead);
    if (bytesRead < bytes) {
      break;
    }
    addWindow(batch, first, last);
    batch.bytes += bytes;
  }
  if (batch.count > 0) {
    yield batch;
  }
}
