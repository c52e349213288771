/**
 * Reading a file's covered range from its index's record columns (`readers/columns.ts`) instead
 * of its bytes: each row in the query's time range is checked by the selector and counted as a
 * scan counts the line it stands for. A row's answer depends only on the values of the labels its
 * query reads, so the selector's check and the query's judgement run once per segment and
 * combination of those values, not once per row: an access log's 600 000 rows then cost array
 * reads, not records.
 */
import type { LogRecord, ScanStats } from '../model';
import { codeKey, ColumnRecord, type ColumnTable } from '../readers/columns';
import { countFlaggedLines } from './budget';
import { yieldToEventLoop } from './fileScan';

/** Rows [first, end) of one segment's columns (those of the scan's byte range), and the selector's check. */
export interface ColumnPart {
  table: ColumnTable;
  first: number;
  end: number;
  accept: (record: LogRecord) => boolean;
}

/** Rows of record columns, and the records of everything else (to scan). */
export interface ColumnScan {
  parts: ColumnPart[];
  rest: AsyncGenerator<LogRecord[]>;
  /** Releases the files (always called, after reading `rest` or not). */
  close(): Promise<void>;
}

export interface ColumnRowsRequest<T> {
  fromMs: number;
  toMs: number;
  /** Every label the selector and `judge` read. */
  labels: readonly string[];
  /** The window cell of a time, -1 outside every window: rows there are counted, not judged (a
   * combination is judged at its first row in a cell, as a scan's pipeline first sees it). */
  cellOf: (ts: number) => number;
  /** What a record gives (e.g. its sample and series), null for nothing; asked once per combination of values. */
  judge: (record: ColumnRecord) => T | null;
  add: (judged: T, cell: number, ts: number) => void;
  /** Throws when the query was cancelled. */
  checkAborted: () => void;
}

/** What is known of a combination of values: not accepted by the selector, or not judged yet. */
const REJECTED = Symbol('rejected');
const UNJUDGED = Symbol('unjudged');
type Verdict<T> = T | null | typeof REJECTED | typeof UNJUDGED;

/** Rows between two turns of the event loop (and checks for cancellation). */
const ROWS_PER_TURN = 1 << 16;
/**
 * Combinations remembered per segment; beyond this (nearly a combination per row, such as a path
 * and a duration) the memory restarts: a verdict is only a cache, and one per row would hold
 * more than it saves.
 */
const MAX_KNOWN = 1 << 16;

export async function readColumnRows<T>(
  parts: ColumnPart[],
  request: ColumnRowsRequest<T>,
  stats: ScanStats
): Promise<void> {
  const { fromMs, toMs, cellOf, judge, add } = request;
  for (const { table, first, end, accept } of parts) {
    const { time, flags } = table.columns;
    const key = codeKey(table, request.labels);
    let known = new Map<number, Verdict<T>>();
    let read = 0;
    for (let row = first; row < end; row++) {
      if ((row - first) % ROWS_PER_TURN === 0) {
        request.checkAborted();
        await yieldToEventLoop();
      }
      const ts = time[row];
      if (!(ts >= fromMs && ts < toMs)) {
        continue;
      }
      const k = key?.(row);
      let verdict = k === undefined ? undefined : known.get(k);
      if (verdict === undefined) {
        verdict = accept(new ColumnRecord(ts, table, row)) ? UNJUDGED : REJECTED;
        if (k !== undefined) {
          if (known.size === MAX_KNOWN) {
            known = new Map();
          }
          known.set(k, verdict);
        }
      }
      if (verdict === REJECTED) {
        continue;
      }
      if (flags[row] !== 0) {
        countFlaggedLines(stats, flags[row], 1);
      }
      read++;
      const cell = cellOf(ts);
      if (cell < 0) {
        continue;
      }
      if (verdict === UNJUDGED) {
        verdict = judge(new ColumnRecord(ts, table, row));
        if (k !== undefined) {
          known.set(k, verdict);
        }
      }
      if (verdict !== null) {
        add(verdict, cell, ts);
      }
    }
    stats.indexColumnLines = (stats.indexColumnLines ?? 0) + read;
  }
}
