/**
 * The per-record label state of a running pipeline, after Loki's LabelsBuilder: stream labels,
 * structured metadata and labels extracted by stages, with Loki's precedence
 * (extracted > structured metadata > stream) and the `__error__` / `__error_details__` pair.
 *
 * In lazy mode (the fast path) base labels are read one at a time through `record.label(name)`;
 * otherwise `record.stream` and `record.metadata` are materialised once per record.
 */
import type { Labels, LogRecord } from '../../model';

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';

const WIDE_RECORD = 48;

export class LineState {
  record!: LogRecord;
  /** The current line; decoded from the record only when a stage or the caller reads it. */
  private lineText: string | undefined;
  err = '';
  errDetails = '';
  private stream: Labels | undefined;
  private meta: Labels | undefined;
  /**
   * Labels set by stages (parsers, label_format): parallel arrays reused across records, with
   * `parsedCount` live entries. Records have few labels; a linear scan beats a Map's clear/rehash.
   */
  private readonly parsedNames: string[] = [];
  private readonly parsedValues: string[] = [];
  private parsedCount = 0;
  /** Name → index, built only for wide records (many extracted fields) to keep lookups O(1). */
  private parsedIndexMap: Map<string, number> | undefined;
  private readonly deleted = new Set<string>();
  /** Extracted names later deleted: parsers still must not extract them again (Loki's hints). */
  private readonly extractedThenDeleted = new Set<string>();

  constructor(private readonly lazy: boolean) {}

  reset(record: LogRecord): void {
    this.record = record;
    this.lineText = undefined;
    this.err = '';
    this.errDetails = '';
    if (!this.lazy) {
      this.stream = record.stream;
      this.meta = record.metadata;
    }
    this.parsedCount = 0;
    this.parsedIndexMap = undefined;
    if (this.deleted.size) {
      this.deleted.clear();
    }
    if (this.extractedThenDeleted.size) {
      this.extractedThenDeleted.clear();
    }
  }

  get line(): string {
    if (this.lineText === undefined) {
      this.lineText = this.record.line;
    }
    return this.lineText;
  }

  set line(text: string) {
    this.lineText = text;
  }

  private parsedIndex(name: string): number {
    if (this.parsedIndexMap) {
      return this.parsedIndexMap.get(name) ?? -1;
    }
    const names = this.parsedNames;
    for (let i = 0; i < this.parsedCount; i++) {
      if (names[i] === name) {
        return i;
      }
    }
    return -1;
  }

  /** A stream label or structured-metadata value, before any stage changed it. */
  private base(name: string): string | undefined {
    if (this.lazy) {
      return this.record.label(name);
    }
    const m = this.meta![name];
    if (typeof m === 'string') {
      return m;
    }
    const s = this.stream![name];
    return typeof s === 'string' ? s : undefined;
  }

  /** The current value of a label (not the error labels). */
  get(name: string): string | undefined {
    if (this.parsedCount) {
      const i = this.parsedIndex(name);
      if (i >= 0) {
        return this.parsedValues[i];
      }
    }
    return this.deleted.size && this.deleted.has(name) ? undefined : this.base(name);
  }

  /** Loki's label-filter lookup: `__error__`/`__error_details__` read the error state, missing is "". */
  filterValue(name: string): string {
    if (name === ERROR_LABEL) {
      return this.err;
    }
    if (name === ERROR_DETAILS_LABEL) {
      return this.errDetails;
    }
    return this.get(name) ?? '';
  }

  /**
   * What `| __error__=…` and `drop __error__=…` compare: the error set by a stage, else the flag
   * the reader put on a malformed line (the notice tells users to filter on it) until a drop
   * removed it. Only filters see the reader's flag: a metric query does not fail on it.
   */
  errorForFilter(name: typeof ERROR_LABEL | typeof ERROR_DETAILS_LABEL): string {
    const set = name === ERROR_LABEL ? this.err : this.errDetails;
    return set || (this.deleted.size && this.deleted.has(name) ? '' : (this.base(name) ?? ''));
  }

  /** Parsers rename a key to `key_extracted` when a stream label or metadata field has that name. */
  baseHas(name: string): boolean {
    return this.base(name) !== undefined;
  }

  /** Names parsers extracted for this record: later parsers do not overwrite them (Loki's hints). */
  wasExtracted(name: string): boolean {
    return this.parsedIndex(name) >= 0 || (this.extractedThenDeleted.size > 0 && this.extractedThenDeleted.has(name));
  }

  set(name: string, value: string): void {
    const i = this.parsedIndex(name);
    if (i >= 0) {
      this.parsedValues[i] = value;
      return;
    }
    this.parsedNames[this.parsedCount] = name;
    this.parsedValues[this.parsedCount] = value;
    this.parsedIndexMap?.set(name, this.parsedCount);
    this.parsedCount++;
    if (this.parsedCount === WIDE_RECORD && !this.parsedIndexMap) {
      this.parsedIndexMap = new Map(this.parsedNames.slice(0, this.parsedCount).map((n, j) => [n, j]));
    }
  }

  delete(name: string): void {
    const i = this.parsedIndex(name);
    if (i >= 0) {
      const last = --this.parsedCount;
      this.parsedNames[i] = this.parsedNames[last];
      this.parsedValues[i] = this.parsedValues[last];
      this.parsedIndexMap?.delete(name);
      if (i !== last) {
        this.parsedIndexMap?.set(this.parsedNames[i], i);
      }
      this.extractedThenDeleted.add(name);
    }
    this.deleted.add(name);
  }

  setError(err: string, details?: string): void {
    this.err = err;
    if (details) {
      this.errDetails = details;
    }
  }

  /** All current label names (keep needs them). */
  names(): string[] {
    const names = new Set<string>();
    for (const source of [this.stream!, this.meta!]) {
      for (const n of Object.keys(source)) {
        if (!this.deleted.has(n)) {
          names.add(n);
        }
      }
    }
    for (let i = 0; i < this.parsedCount; i++) {
      names.add(this.parsedNames[i]);
    }
    return [...names];
  }

  /** The label set: only `wanted` names when given, else everything (errors included when set). */
  labels(wanted?: readonly string[]): Labels {
    if (wanted) {
      const out: Labels = {};
      for (const name of wanted) {
        const v =
          name === ERROR_LABEL || name === ERROR_DETAILS_LABEL ? this.filterValue(name) || undefined : this.get(name);
        if (v !== undefined) {
          out[name] = v;
        }
      }
      return out;
    }
    // Object.assign copies the (usually small) base maps natively, faster than a key loop.
    const merged: Labels = Object.assign({}, this.stream ?? this.record.stream, this.meta ?? this.record.metadata);
    for (const n of this.deleted) {
      delete merged[n];
    }
    for (let i = 0; i < this.parsedCount; i++) {
      merged[this.parsedNames[i]] = this.parsedValues[i];
    }
    if (this.err) {
      merged[ERROR_LABEL] = this.err;
    }
    if (this.errDetails) {
      merged[ERROR_DETAILS_LABEL] = this.errDetails;
    }
    return merged;
  }
}
