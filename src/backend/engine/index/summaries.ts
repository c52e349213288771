/**
 * Answering a range aggregation from per-minute summaries (see `planner.ts` for when): each
 * summary key becomes a stand-in record carrying just the key's labels, which the query's own
 * pipeline (selector matchers, label filters, grouping) judges exactly as it would judge each of
 * the lines the key stands for; the key's rows then add their counts or bytes to the window cells.
 */
import type { Labels, LogRecord, ScanStats } from '../model';
import { FLAG_CUT } from '../readers/context';
import { countFlaggedLines } from '../scan/budget';
import { LINE_TRUNCATED_LABEL } from '../readers/labels';
import { BUCKET_MS, type Segment, type SummaryKey } from './segment';

/** The indexed prefix of one selected file. */
export interface SummaryFile {
  stream: { source: string; filename: string };
  segments: Segment[];
  /** The selector's per-record check (service_name), as the scan applies it. */
  accept: (record: LogRecord) => boolean;
}

/** Summaries of the indexed prefixes, and the records of everything else (to scan). */
export interface SummaryScan {
  files: SummaryFile[];
  /** Records of what is not indexed (new bytes, gzip files). */
  rest: AsyncGenerator<LogRecord[]>;
  /** Records of the indexed part in and around the edge minutes: only those of edge minutes count. */
  edges: AsyncGenerator<LogRecord[]>;
  /** Releases the files (always called, after reading `rest` and `edges` or not). */
  close(): Promise<void>;
}

/**
 * Time ranges to scan for the edge minutes inside [fromMs, toMs): each minute
 * ((b-1)·60 s, b·60 s] widened to [(b-1)·60 s, b·60 s + 1 µs) (the scan's range is half-open;
 * its records outside the minute are dropped by `bucketOf`), adjacent minutes merged.
 */
export function edgeRanges(
  buckets: Set<number>,
  fromMs: number,
  toMs: number
): Array<{ fromMs: number; toMs: number }> {
  const ranges: Array<{ fromMs: number; toMs: number }> = [];
  for (const b of [...buckets].sort((x, y) => x - y)) {
    const from = Math.max((b - 1) * BUCKET_MS, fromMs);
    const to = Math.min(b * BUCKET_MS + 0.001, toMs);
    if (from >= to) {
      continue;
    }
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.toMs >= from) {
      last.toMs = Math.max(last.toMs, to);
    } else {
      ranges.push({ fromMs: from, toMs: to });
    }
  }
  return ranges;
}

/** A record with only the labels of a summary key (no line: the planner allows no stage to read it). */
class KeyRecord implements LogRecord {
  readonly ts = NaN;
  readonly line = '';
  readonly id = '';
  readonly stream: Labels;
  readonly metadata: Labels;

  constructor(stream: SummaryFile['stream'], key: SummaryKey) {
    this.stream = { source: stream.source, service_name: key.service_name, filename: stream.filename };
    this.metadata = { detected_level: key.detected_level };
    if (key.level !== undefined) {
      this.metadata.level = key.level;
    }
    Object.assign(this.metadata, key.formatLabels);
    if (key.flags & FLAG_CUT) {
      this.metadata[LINE_TRUNCATED_LABEL] = 'true';
    }
  }

  label(name: string): string | undefined {
    return name in this.stream ? this.stream[name] : this.metadata[name];
  }
}

export interface SummarySink<Target> {
  /** Where the key's lines go (e.g. its series), or null when they give no sample (filtered out). */
  judge(record: LogRecord): Target | null;
  /** The window cell of a time, -1 outside every window. */
  cellOf(ts: number): number;
  /**
   * The target's numbers per window cell, added to in place (asked when its first row lands in a
   * window): half a million summary rows cost typed-array additions, not calls.
   */
  cells(target: Target): DenseCells;
}

/** Per window cell: the lines' count or bytes (`of`), and rows added when `rows` is kept. */
export interface DenseCells {
  of: 'lines' | 'bytes';
  values: Float64Array;
  rows?: Float64Array;
}

/**
 * Adds every summary row in a window, except edge minutes, to `sink`. (No stage the planner allows sets `__error__`,
 * and a line's own `__error__` metadata does not fail a sample, so no key can fail the query.)
 */
export function addSummaries<Target>(
  files: SummaryFile[],
  edgeBuckets: Set<number>,
  sink: SummarySink<Target>,
  stats: ScanStats
): void {
  const judged = files.map((file) =>
    file.segments.map((segment) =>
      segment.summary!.keys.map((key) => {
        const record = new KeyRecord(file.stream, key);
        return file.accept(record) ? sink.judge(record) : null;
      })
    )
  );
  let rows = 0;
  let lines = 0;
  files.forEach((file, f) =>
    file.segments.forEach((segment, s) => {
      const { key, bucket, count, bytes } = segment.summary!;
      const targets = judged[f][s];
      // Per key: the sink's cells (undefined until its first row in a window).
      const cellsOf: Array<DenseCells | undefined> = new Array(targets.length);
      // Rows come in time order, many per minute: the cell changes only with the minute.
      let lastBucket = NaN;
      let lastCell = -1;
      for (let r = 0; r < key.length; r++) {
        if (bucket[r] !== lastBucket) {
          lastBucket = bucket[r];
          lastCell = edgeBuckets.has(lastBucket) ? -1 : sink.cellOf(lastBucket * BUCKET_MS);
        }
        const k = key[r];
        const target = targets[k];
        if (lastCell < 0 || target === null) {
          continue;
        }
        rows++;
        lines += count[r];
        const cells = (cellsOf[k] ??= sink.cells(target));
        cells.values[lastCell] += cells.of === 'lines' ? count[r] : bytes[r];
        if (cells.rows !== undefined) {
          cells.rows[lastCell]++;
        }
      }
    })
  );
  stats.summaryRows = (stats.summaryRows ?? 0) + rows;
  stats.summaryLines = (stats.summaryLines ?? 0) + lines;
}

/**
 * Counts the flagged lines (malformed, invalid UTF-8, cut) of a file's summaries in [fromMs, toMs)
 * that the selector accepts, as a scan of that range counts them for its notices. Rows are
 * minutes: a line stamped exactly on a range edge's minute may be counted on the other side.
 */
export function countFlagged(
  file: SummaryFile,
  fromMs: number,
  toMs: number,
  edgeBuckets: Set<number>,
  stats: ScanStats
): void {
  // Minutes wholly inside the range (its edges are whole minutes, up to the scan's 1 µs).
  const first = Math.floor(fromMs / BUCKET_MS) + 1;
  const last = Math.ceil(toMs / BUCKET_MS) - 1;
  for (const segment of file.segments) {
    const { keys, key, bucket, count } = segment.summary!;
    const flagged = keys.map((k) => (k.flags !== 0 && file.accept(new KeyRecord(file.stream, k)) ? k.flags : 0));
    if (flagged.every((f) => f === 0)) {
      continue;
    }
    for (let r = 0; r < key.length; r++) {
      const flags = flagged[key[r]];
      if (flags === 0 || bucket[r] < first || bucket[r] > last || edgeBuckets.has(bucket[r])) {
        continue;
      }
      countFlaggedLines(stats, flags, count[r]);
    }
  }
}
