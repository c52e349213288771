/**
 * An in-memory LogStore for unit tests: records come from arrays, and the store honours the
 * LogStore contract — selector matching (anchored RE2 regexes), the [fromMs, toMs) range,
 * direction, `mustContain`, cancellation, the byte limit, stats — without any file I/O.
 *
 * Records are kept in the order given (a test may give them slightly out of time order, within
 * DISORDER_TOLERANCE_MS, to play a real file); `forward` yields that order, `backward` the reverse.
 */
import { matcherTest } from '../logql/regex';
import type { LabelMatcher, Labels, LogRecord, LogStore, ScanRequest, ScanStats } from '../model';

export interface MemoryRecordInput {
  ts: number;
  line: string;
  stream?: Labels;
  metadata?: Labels;
  id?: string;
}

export interface MemoryStoreOptions {
  /** Records per yielded batch (small by default so tests cross batch boundaries). */
  batchSize?: number;
}

export interface MemoryTailRequest {
  matchers: LabelMatcher[];
  mustContain?: string[];
  signal: AbortSignal;
}

function toRecord(input: MemoryRecordInput, index: number): LogRecord {
  const stream = input.stream ?? {};
  const metadata = input.metadata ?? {};
  return {
    ts: input.ts,
    line: input.line,
    id: input.id ?? `memory:${index}`,
    stream,
    metadata,
    label: (name) => stream[name] ?? metadata[name],
  };
}

function selects(matchers: LabelMatcher[]): (record: LogRecord) => boolean {
  const tests = matchers.map((m) => ({ name: m.name, test: matcherTest(m) }));
  return (record) => tests.every(({ name, test }) => test(record.label(name) ?? ''));
}

function containsAll(line: string, literals: string[] | undefined): boolean {
  return !literals || literals.every((literal) => line.includes(literal));
}

export class MemoryLogStore implements LogStore {
  private readonly records: LogRecord[];
  private readonly batchSize: number;
  private readonly waiters = new Set<() => void>();

  constructor(records: MemoryRecordInput[], options: MemoryStoreOptions = {}) {
    this.records = records.map(toRecord);
    this.batchSize = options.batchSize ?? 2;
  }

  /** Appends records (as a file being written) and wakes live tails. */
  append(records: MemoryRecordInput[]): void {
    const start = this.records.length;
    records.forEach((r, i) => this.records.push(toRecord(r, start + i)));
    this.waiters.forEach((wake) => wake());
  }

  async *scan(request: ScanRequest, stats: ScanStats): AsyncIterable<LogRecord[]> {
    const matches = selects(request.matchers);
    const ordered = request.direction === 'forward' ? [...this.records] : [...this.records].reverse();
    stats.filesRead++;
    let batch: LogRecord[] = [];
    for (const record of ordered) {
      if (request.signal?.aborted) {
        stats.truncated = 'cancelled';
        return;
      }
      const max = request.limits?.maxBytesScanned;
      if (max !== undefined && stats.bytesScanned >= max) {
        stats.truncated = 'bytes';
        break;
      }
      stats.bytesScanned += Buffer.byteLength(record.line) + 1;
      stats.linesScanned++;
      if (
        record.ts < request.fromMs ||
        record.ts >= request.toMs ||
        !matches(record) ||
        !containsAll(record.line, request.mustContain)
      ) {
        continue;
      }
      batch.push(record);
      if (batch.length >= this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) {
      yield batch;
    }
  }

  /** Records appended after the call, until the signal aborts. */
  async *tail(request: MemoryTailRequest): AsyncIterable<LogRecord[]> {
    const matches = selects(request.matchers);
    let next = this.records.length;
    while (!request.signal.aborted) {
      const fresh = this.records.slice(next).filter((r) => matches(r) && containsAll(r.line, request.mustContain));
      next = this.records.length;
      if (fresh.length > 0) {
        yield fresh;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          request.signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        request.signal.addEventListener('abort', wake);
      });
    }
  }

  async labelNames(fromMs: number, toMs: number): Promise<string[]> {
    const names = new Set<string>();
    for (const r of this.records) {
      if (r.ts >= fromMs && r.ts < toMs) {
        Object.keys(r.stream).forEach((n) => names.add(n));
        Object.keys(r.metadata).forEach((n) => names.add(n));
      }
    }
    return [...names].sort();
  }

  async labelValues(name: string, fromMs: number, toMs: number, matchers: LabelMatcher[] = []): Promise<string[]> {
    const matches = selects(matchers);
    const values = new Set<string>();
    for (const r of this.records) {
      const value = r.label(name);
      if (r.ts >= fromMs && r.ts < toMs && value !== undefined && matches(r)) {
        values.add(value);
      }
    }
    return [...values].sort();
  }
}

export function createMemoryLogStore(records: MemoryRecordInput[], options?: MemoryStoreOptions): MemoryLogStore {
  return new MemoryLogStore(records, options);
}
