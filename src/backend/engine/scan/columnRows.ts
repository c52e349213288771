/**
 * Reading a file's covered range from its index's record columns (`readers/columns.ts`) instead
 * of its bytes: each row in the query's time range is checked by the selector and counted as a
 * scan counts the line it stands for. What a query makes of a row depends on few of its labels,
 * apart: the selector's check on the selector's, its sample (kept or not, and its value) on those
 * its pipeline reads, its series on its grouping labels. Each is judged once per segment and
 * combination of its own labels' values, not once per row: an access log's 600 000 rows then cost
 * array reads, not records, even where the combinations of all the labels read (a path and a
 * duration) are nearly as many as the rows.
 */
import type { LogRecord, ScanStats } from '../model';
import { codeKey, ColumnRecord, type CodeKey, type ColumnTable } from '../readers/columns';
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

export interface ColumnRowsRequest<S> {
  fromMs: number;
  toMs: number;
  /** The labels the selector reads. */
  selectorLabels: readonly string[];
  /** The labels a row's sample depends on (`planner.columnSampleLabels`). */
  sampleLabels: readonly string[];
  /** The labels a row's series depends on: its grouping. */
  seriesLabels: readonly string[];
  /**
   * The window cell of a time, -1 outside every window: rows there are counted, not judged (a
   * sample is judged at its first row in a cell, as a scan's pipeline first sees it).
   */
  cellOf: (ts: number) => number;
  /** A row's sample, null for none (it throws for a pipeline error, as the scan would there). */
  sample: (record: ColumnRecord) => number | null;
  /** The series of a row that has a sample (created then, as a scan creates it). */
  series: (record: ColumnRecord) => S;
  add: (series: S, cell: number, ts: number, value: number) => void;
  /** Throws when the query was cancelled. */
  checkAborted: () => void;
}

/** Rows between two turns of the event loop (and checks for cancellation). */
const ROWS_PER_TURN = 1 << 16;
/**
 * Combinations remembered per segment and judge; beyond this (nearly a combination per row) the
 * memory restarts: a verdict is only a cache, and one per row would hold more than it saves.
 */
const MAX_KNOWN = 1 << 16;

/** Keys up to this many are looked up in an array (a label's dictionary, or two small ones). */
const DENSE_KEYS = 1 << 17;

/**
 * What a judge said of each combination of some labels' values in one segment (the key of
 * `codeKey`); without a key (more than three coded labels) every row is judged.
 */
class Verdicts<V> {
  private readonly key: CodeKey | undefined;
  /** Few keys: the index + 1 of each one's verdict in `verdicts`, 0 while not judged. */
  private readonly slots: Int32Array | undefined;
  private readonly verdicts: V[] = [];
  /** Many keys: the verdicts by key. */
  private known = new Map<number, V>();

  constructor(
    private readonly table: ColumnTable,
    names: readonly string[],
    private readonly judge: (record: ColumnRecord) => V
  ) {
    this.key = codeKey(table, names);
    this.slots = this.key !== undefined && this.key.size <= DENSE_KEYS ? new Int32Array(this.key.size) : undefined;
  }

  of(row: number, ts: number): V {
    const { key, slots } = this;
    if (key === undefined) {
      return this.judge(new ColumnRecord(ts, this.table, row));
    }
    const k = key.of(row);
    if (slots !== undefined) {
      if (slots[k] === 0) {
        slots[k] = this.verdicts.push(this.judge(new ColumnRecord(ts, this.table, row)));
      }
      return this.verdicts[slots[k] - 1];
    }
    const known = this.known.get(k);
    if (known !== undefined) {
      return known;
    }
    const verdict = this.judge(new ColumnRecord(ts, this.table, row));
    if (this.known.size === MAX_KNOWN) {
      this.known = new Map();
    }
    this.known.set(k, verdict);
    return verdict;
  }
}

export async function readColumnRows<S>(
  parts: ColumnPart[],
  request: ColumnRowsRequest<S>,
  stats: ScanStats
): Promise<void> {
  const { fromMs, toMs, cellOf, add } = request;
  for (const { table, first, end, accept } of parts) {
    const { time, flags } = table.columns;
    const selected = new Verdicts(table, request.selectorLabels, accept);
    const samples = new Verdicts(table, request.sampleLabels, request.sample);
    const series = new Verdicts(table, request.seriesLabels, request.series);
    let read = 0;
    for (let row = first; row < end; row++) {
      if ((row - first) % ROWS_PER_TURN === 0) {
        request.checkAborted();
        await yieldToEventLoop();
      }
      const ts = time[row];
      if (!(ts >= fromMs && ts < toMs) || !selected.of(row, ts)) {
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
      const value = samples.of(row, ts);
      if (value !== null) {
        add(series.of(row, ts), cell, ts, value);
      }
    }
    stats.indexColumnLines = (stats.indexColumnLines ?? 0) + read;
  }
}
