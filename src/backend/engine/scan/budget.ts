/**
 * The limits every scan honours: cancellation, bytes read, wall-clock time. The first limit hit
 * sets `stats.truncated` and adds one notice; from then on `ok()` stays false.
 */
import type { QueryLimits, ScanStats } from '../model';

export class ScanBudget {
  private readonly deadline: number;

  constructor(
    readonly stats: ScanStats,
    private readonly limits: QueryLimits = {},
    private readonly signal?: AbortSignal
  ) {
    this.deadline = limits.maxDurationMs === undefined ? Infinity : Date.now() + limits.maxDurationMs;
  }

  /** Counts bytes read from disk (compressed bytes for gzip). */
  add(bytes: number): void {
    this.stats.bytesScanned += bytes;
  }

  /** Whether the scan may go on reading. */
  ok(): boolean {
    if (this.stats.truncated !== undefined) {
      return false;
    }
    if (this.signal?.aborted) {
      return this.stop('cancelled', 'The query was cancelled; results are partial.');
    }
    const maxBytes = this.limits.maxBytesScanned;
    if (maxBytes !== undefined && this.stats.bytesScanned >= maxBytes) {
      return this.stop(
        'bytes',
        `Stopped after reading ${this.stats.bytesScanned} bytes (limit ${maxBytes}); results are partial. Narrow the time range or the selector.`
      );
    }
    if (Date.now() > this.deadline) {
      return this.stop(
        'time',
        `Stopped after ${this.limits.maxDurationMs} ms (time limit); results are partial. Narrow the time range or the selector.`
      );
    }
    return true;
  }

  private stop(reason: 'bytes' | 'time' | 'cancelled', text: string): false {
    this.stats.truncated = reason;
    this.stats.notices.push({ severity: 'warning', text });
    return false;
  }
}
