/**
 * The limits every scan honours: cancellation, bytes read, wall-clock time. The first limit hit
 * sets `stats.truncated` and adds one notice; from then on `ok()` stays false.
 */
import type { QueryLimits, ScanStats } from '../model';
import { FLAG_CUT, FLAG_INVALID_UTF8, FLAG_MALFORMED } from '../readers/context';

export class ScanBudget {
  private readonly deadline: number;
  /** The consumer has its answer: scans still reading ahead stop, and nothing is truncated. */
  private ended = false;

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

  /** Scans reading ahead of their consumer stop at their next check, without a notice. */
  end(): void {
    this.ended = true;
  }

  /** Whether a limit or the consumer's end stopped the scans: what they read is not whole. */
  get stopped(): boolean {
    return this.ended || this.stats.truncated !== undefined;
  }

  /** Whether the scan may go on reading. */
  ok(): boolean {
    if (this.stopped) {
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

/**
 * Counts `lines` damaged lines of the index's `flags` (FLAG_INVALID_UTF8 | FLAG_CUT |
 * FLAG_MALFORMED) as a scan counts each one it reads (`FileScanner.emit`), for the notices.
 */
export function countFlaggedLines(stats: ScanStats, flags: number, lines: number): void {
  if (flags & FLAG_INVALID_UTF8) {
    stats.invalidUtf8Lines += lines;
  }
  if (flags & FLAG_CUT) {
    stats.cutLines = (stats.cutLines ?? 0) + lines;
  }
  if (flags & FLAG_MALFORMED) {
    stats.malformedLines += lines;
  }
}

/**
 * Notices summarising damage seen by a scan. They count lines read, not lines returned (a later
 * stage or the limit may drop them); malformed lines are reported by the query, which knows which
 * of them it returned.
 */
export function summarise(stats: ScanStats): void {
  if (stats.invalidUtf8Lines > 0) {
    stats.notices.push({
      severity: 'warning',
      text: `${stats.invalidUtf8Lines} line(s) read had invalid UTF-8, replaced with U+FFFD`,
    });
  }
  if ((stats.cutLines ?? 0) > 0) {
    stats.notices.push({
      severity: 'warning',
      text: `${stats.cutLines} line(s) read were longer than 1 MiB and cut, flagged with line_truncated="true"`,
    });
  }
  if ((stats.untimedLines ?? 0) > 0) {
    stats.notices.push({
      severity: 'info',
      text: `${stats.untimedLines} line(s) had no timestamp and took the time of the nearest earlier line (or of the file)`,
    });
  }
}

/**
 * A part's counters and notices added to the query's (files are counted by the caller). Of
 * truncated parts, only the first one's notices are kept: each says the same thing.
 */
export function addPartStats(into: ScanStats, part: ScanStats): void {
  into.bytesScanned += part.bytesScanned;
  into.linesScanned += part.linesScanned;
  into.malformedLines += part.malformedLines;
  into.invalidUtf8Lines += part.invalidUtf8Lines;
  if (part.cutLines) {
    into.cutLines = (into.cutLines ?? 0) + part.cutLines;
  }
  if (part.untimedLines) {
    into.untimedLines = (into.untimedLines ?? 0) + part.untimedLines;
  }
  if (part.truncated === undefined) {
    into.notices.push(...part.notices); // a part's own findings (an unreadable gzip file)
  } else if (into.truncated === undefined) {
    into.truncated = part.truncated;
    into.notices.push(...part.notices);
  }
}
