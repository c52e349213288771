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

export class LineState {
  record!: LogRecord;
  line = '';
  err = '';
  errDetails = '';
  private stream: Labels | undefined;
  private meta: Labels | undefined;
  /** Labels set by stages (parsers, label_format), in insertion order. */
  private readonly parsed = new Map<string, string>();
  private readonly deleted = new Set<string>();
  /** Names parsers extracted for this record: later parsers do not overwrite them (Loki's hints). */
  private readonly extracted = new Set<string>();

  constructor(private readonly lazy: boolean) {}

  reset(record: LogRecord): void {
    this.record = record;
    this.line = record.line;
    this.err = '';
    this.errDetails = '';
    if (!this.lazy) {
      this.stream = record.stream;
      this.meta = record.metadata;
    }
    if (this.parsed.size) {
      this.parsed.clear();
    }
    if (this.deleted.size) {
      this.deleted.clear();
    }
    if (this.extracted.size) {
      this.extracted.clear();
    }
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
    const p = this.parsed.get(name);
    if (p !== undefined) {
      return p;
    }
    return this.deleted.has(name) ? undefined : this.base(name);
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

  /** Parsers rename a key to `key_extracted` when a stream label or metadata field has that name. */
  baseHas(name: string): boolean {
    return this.base(name) !== undefined;
  }

  wasExtracted(name: string): boolean {
    return this.extracted.has(name);
  }

  set(name: string, value: string): void {
    this.parsed.set(name, value);
    this.extracted.add(name);
  }

  delete(name: string): void {
    this.parsed.delete(name);
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
    for (const n of this.parsed.keys()) {
      names.add(n);
    }
    return [...names];
  }

  /** The label set: only `wanted` names when given, else everything (errors included when set). */
  labels(wanted?: readonly string[]): Labels {
    const out: Labels = {};
    if (wanted) {
      for (const name of wanted) {
        const v =
          name === ERROR_LABEL || name === ERROR_DETAILS_LABEL ? this.filterValue(name) || undefined : this.get(name);
        if (v !== undefined) {
          out[name] = v;
        }
      }
      return out;
    }
    const stream = this.stream ?? this.record.stream;
    const meta = this.meta ?? this.record.metadata;
    for (const source of [stream, meta]) {
      for (const n of Object.keys(source)) {
        if (!this.deleted.has(n)) {
          out[n] = source[n];
        }
      }
    }
    for (const [n, v] of this.parsed) {
      out[n] = v;
    }
    if (this.err) {
      out[ERROR_LABEL] = this.err;
    }
    if (this.errDetails) {
      out[ERROR_DETAILS_LABEL] = this.errDetails;
    }
    return out;
  }
}
