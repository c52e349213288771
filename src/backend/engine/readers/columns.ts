/**
 * Record columns: per record of an indexed range, its time, its flags and the values of a few
 * labels, each label's values coded through a dictionary of its distinct values. A metric query
 * that reads no line and no other label (the planner's `columnLabelsRead`) takes its rows from
 * here (`scan/columnRows.ts`): nothing is read from the file, decoded or parsed, and stand-in
 * records (`ColumnRecord`) answer those labels. The access log's fields are such labels
 * (a dashboard's latency percentiles, top paths, clients and user agents), and parsing every line
 * of it again for each of those panels was most of an HTTP dashboard's time.
 */
import type { Labels, LogRecord } from '../model';
import { FLAG_CUT, type FileContext } from './context';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, LINE_TRUNCATED_LABEL } from './labels';
import { grown } from '../typedArrays';

export interface RecordColumns {
  /** The labels coded, in order: `service_name`, then the format's `columnLabels` (minus dropped ones). */
  labels: string[];
  /** Each record's file offset, from `base` (the segment's start). */
  base: number;
  offset: Uint32Array;
  /** The time the scan gave each record. */
  time: Float64Array;
  /** Per record: its FLAG_CUT | FLAG_INVALID_UTF8 | FLAG_MALFORMED (the summary keys' flags). */
  flags: Uint8Array;
  /** Per label, its distinct values: code c stands for values[c - 1], code 0 for no such label. */
  values: string[][];
  codes: Array<Uint8Array | Uint16Array>;
}

/**
 * Labels a column record never has: a segment gives its columns up when one of its records has
 * them (`ColumnsBuilder`), so that answering "absent" is what the record itself would answer.
 */
const NEVER_SET = [ERROR_LABEL, ERROR_DETAILS_LABEL];
/** Labels every column record answers, whatever its columns: the file's and the flags'. */
const ALWAYS_ANSWERED = new Set(['source', 'filename', LINE_TRUNCATED_LABEL, ...NEVER_SET]);

/** Whether the records read from `columns` answer every label in `names`. */
export function answersLabels(columns: RecordColumns, names: readonly string[]): boolean {
  return names.every((name) => ALWAYS_ANSWERED.has(name) || columns.labels.includes(name));
}

/** Dictionaries up to this size are searched by comparing values, larger ones through a map. */
const FEW_VALUES = 16;
/** A dictionary code fits 16 bits: a label with more distinct values in one segment is dropped. */
const MAX_VALUES = 0xffff;

/**
 * Codes records into columns while a segment is built. A record is staged (`stage`), then kept
 * (`commit`) once the segment knows it is not its held-back last one.
 */
export class ColumnsBuilder {
  private rows = 0;
  private offset = new Uint32Array(1024);
  private time = new Float64Array(1024);
  private flags = new Uint8Array(1024);
  /** A byte per record until the label's 256th value, then two (built memory counts, in workers). */
  private readonly codes: Array<Uint8Array | Uint16Array>;
  private readonly codeOf: Array<Map<string, number>>;
  private readonly values: string[][];
  private readonly dropped: boolean[];
  private readonly lastValue: Array<string | undefined>;
  private readonly lastCode: number[];
  private gaveUp = false;

  /** `end`: where the segment's bytes end, to size the arrays by the rows read so far. */
  constructor(
    readonly labels: readonly string[],
    private readonly base: number,
    private readonly end: number
  ) {
    this.dropped = labels.map(() => false);
    this.lastValue = labels.map(() => undefined);
    this.lastCode = labels.map(() => 0);
    this.codes = labels.map(() => new Uint8Array(1024));
    this.codeOf = labels.map(() => new Map());
    this.values = labels.map(() => []);
  }

  /** Codes `record` as the row after the kept ones (replacing one staged before). */
  stage(record: LogRecord, offset: number, time: number, flags: number): void {
    if (this.gaveUp) {
      return;
    }
    if (
      offset - this.base > 0xffffffff ||
      record.label(ERROR_LABEL) !== undefined ||
      record.label(ERROR_DETAILS_LABEL) !== undefined
    ) {
      this.gaveUp = true;
      return;
    }
    const row = this.rows;
    if (row === this.time.length) {
      this.grow(this.capacityFor(row, offset));
    }
    this.offset[row] = offset - this.base;
    this.time[row] = time;
    this.flags[row] = flags;
    for (let i = 0; i < this.labels.length; i++) {
      if (this.dropped[i]) {
        continue;
      }
      const value = record.label(this.labels[i]);
      // Most labels repeat the record before's value (the service, router, level).
      const code = value === undefined ? 0 : value === this.lastValue[i] ? this.lastCode[i] : this.code(i, value);
      if (code === undefined) {
        // Nearly a value per record: the label is not coded (a query reading it scans).
        this.dropped[i] = true;
        continue;
      }
      this.codes[i][row] = code;
      this.lastValue[i] = value;
      this.lastCode[i] = code;
    }
  }

  /** The code of label i's `value`, added when new; undefined when its dictionary is full. */
  private code(i: number, value: string): number | undefined {
    const values = this.values[i];
    // A label of few values (a method, a user agent) is found by comparing them: hashing each
    // record's new string for a map is the largest part of coding it.
    let code = values.length <= FEW_VALUES ? values.indexOf(value) + 1 : (this.codeOf[i].get(value) ?? 0);
    if (code === 0) {
      if (values.length === MAX_VALUES) {
        return undefined;
      }
      code = values.push(value);
      this.codeOf[i].set(value, code);
      if (code === 0x100) {
        this.codes[i] = Uint16Array.from(this.codes[i]);
      }
    }
    return code;
  }

  /** Keeps the staged row. */
  commit(): void {
    this.rows++;
  }

  /**
   * The columns of the kept rows, without the labels dropped; undefined when a record had an error
   * label (or lay 4 GiB past the segment's start).
   */
  build(): RecordColumns | undefined {
    if (this.gaveUp) {
      return undefined;
    }
    const n = this.rows;
    const kept = this.labels.map((_, i) => i).filter((i) => !this.dropped[i]);
    // Arrays sized close to the rows are handed over as they are: a copy would double the memory
    // of a build (two builds run at once, each in its worker) for a few per cent of slack.
    const fit = <T extends Float64Array | Uint32Array | Uint8Array | Uint16Array>(a: T): T =>
      (a.length - n <= n / 8 ? a.subarray(0, n) : a.slice(0, n)) as T;
    return {
      labels: kept.map((i) => this.labels[i]),
      base: this.base,
      offset: fit(this.offset),
      time: fit(this.time),
      flags: fit(this.flags),
      values: kept.map((i) => this.values[i]),
      codes: kept.map((i) => fit(this.codes[i])),
    };
  }

  /**
   * Rows to make room for once `rows` fill the arrays and the next record starts at `offset`: the
   * segment's rows as the bytes read so far foretell them (records of a log are much alike in
   * size), with a little to spare; a quarter more when the guess was short.
   */
  private capacityFor(rows: number, offset: number): number {
    const read = offset - this.base;
    const foretold = read > 0 ? Math.ceil(((rows * (this.end - this.base)) / read) * 1.02) + 64 : 0;
    return Math.max(foretold, Math.ceil(rows * 1.25));
  }

  private grow(size: number): void {
    this.offset = grown(this.offset, size);
    this.time = grown(this.time, size);
    this.flags = grown(this.flags, size);
    this.codes.forEach((c, i) => (this.codes[i] = grown(c, size)));
  }
}

/** The arrays of columns, in the order they are saved. */
export function columnArrays(columns: RecordColumns): ArrayBufferView[] {
  return [columns.offset, columns.time, columns.flags, ...columns.codes];
}

/** The columns' memory: their arrays, and their dictionaries' strings (with a string's overhead). */
export function columnBytes(columns: RecordColumns): number {
  const arrays = columnArrays(columns).reduce((n, a) => n + a.byteLength, 0);
  return columns.values.reduce((n, values) => values.reduce((m, v) => m + v.length + 32, n), arrays);
}

/** The rows [first, end) of `columns` whose records start in the file's bytes [start, end). */
export function rowsIn(columns: RecordColumns, start: number, end: number): { first: number; end: number } {
  return {
    first: firstAtOrAfter(columns.offset, start - columns.base),
    end: firstAtOrAfter(columns.offset, end - columns.base),
  };
}

/** The first index whose value is at least `value` in an ascending array. */
function firstAtOrAfter(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** One segment's columns with each label's position, for the records read from them. */
export class ColumnTable {
  private readonly position = new Map<string, number>();

  constructor(
    readonly columns: RecordColumns,
    readonly ctx: Pick<FileContext, 'source' | 'filename'>
  ) {
    columns.labels.forEach((name, i) => this.position.set(name, i));
  }

  /**
   * The positions of the coded labels among `names` (in `columns.codes` and `columns.values`);
   * undefined when one is neither coded nor the same on every row.
   */
  positionsOf(names: readonly string[]): number[] | undefined {
    const positions: number[] = [];
    for (const name of names) {
      const i = this.position.get(name);
      if (i !== undefined) {
        positions.push(i);
      } else if (!ALWAYS_ANSWERED.has(name)) {
        return undefined;
      }
    }
    return positions;
  }

  label(row: number, name: string): string | undefined {
    switch (name) {
      case 'source':
        return this.ctx.source;
      case 'filename':
        return this.ctx.filename;
      case LINE_TRUNCATED_LABEL:
        return this.columns.flags[row] & FLAG_CUT ? 'true' : undefined;
    }
    const i = this.position.get(name);
    if (i === undefined) {
      if (NEVER_SET.includes(name)) {
        return undefined;
      }
      throw new Error(`a record read from columns has no ${name} label (the planner allows only column labels)`);
    }
    const code = this.columns.codes[i][row];
    return code === 0 ? undefined : this.columns.values[i][code - 1];
  }
}

/** A key per row, and how many keys there can be (every key is below `size`). */
export interface CodeKey {
  of(row: number): number;
  size: number;
}

/**
 * A key per row of `table` that is the same for two rows exactly when their values of `names` are
 * (the codes of the coded ones, the cut flag for line_truncated; the stream's and the error labels
 * are the same on every row); undefined when more than three labels are coded (a key would pass
 * 2^53).
 */
export function codeKey(table: ColumnTable, names: readonly string[]): CodeKey | undefined {
  const positions = table.positionsOf(names);
  if (positions === undefined || positions.length > 3) {
    return undefined;
  }
  const { flags, codes, values } = table.columns;
  const coded = positions.map((i) => ({ codes: codes[i], count: values[i].length + 1 }));
  const cut = names.includes(LINE_TRUNCATED_LABEL);
  // Mixed radix: each label's code (0 for none, up to its dictionary's size) is a digit.
  return {
    of: (row) => {
      let key = cut ? flags[row] & FLAG_CUT : 0;
      for (const c of coded) {
        key = key * c.count + c.codes[row];
      }
      return key;
    },
    size: coded.reduce((n, c) => n * c.count, cut ? FLAG_CUT + 1 : 1),
  };
}

/**
 * A record read from columns: its time and the labels its table answers. Its line, id and full
 * label maps were not kept; a stage that asks for them is a planner bug, and fails loudly rather
 * than answering wrong.
 */
export class ColumnRecord implements LogRecord {
  constructor(
    readonly ts: number,
    readonly table: ColumnTable,
    readonly row: number
  ) {}

  get line(): string {
    throw new Error('a record read from columns has no line');
  }

  get id(): string {
    throw new Error('a record read from columns has no id');
  }

  get stream(): Labels {
    return {
      source: this.table.ctx.source,
      service_name: this.label('service_name') ?? '',
      filename: this.table.ctx.filename,
    };
  }

  get metadata(): Labels {
    throw new Error('a record read from columns has only the labels of its columns');
  }

  label(name: string): string | undefined {
    return this.table.label(this.row, name);
  }
}
