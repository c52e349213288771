/**
 * One indexed byte range of a plain log file (a "segment"): its records cut into blocks of about
 * BLOCK_BYTES with a trace-id fingerprint set each (of the records' bytes; for access logs also of
 * their trace_id label), per-minute summaries (line count and line bytes per summary key:
 * service_name, detected_level, level, and the format's own summary labels), and the list of its records
 * at the listed levels (warn, error, critical, fatal: a query for those reads them alone instead of
 * every line), and for formats with column labels every record's labels as columns (a query that
 * reads only those labels reads no line: `readers/columns.ts`).
 *
 * A segment is built by scanning its range exactly as a query would (same scanner, same records,
 * same times), so what it says about the range is what a scan of the range would see. It starts
 * and ends at record starts: the last record of a range that ends at the file's end is left to
 * the next segment (a live file may still append continuation lines to it), so segments tile the
 * file without a record spanning two of them.
 */
import { emptyStats, type Labels, type LogRecord, type ScanPart } from '../model';
import { FLAG_CUT, FLAG_INVALID_UTF8, FLAG_MALFORMED } from '../readers/context';
import { FORMATS, isMalformed } from '../readers/formats';
import { ScanBudget } from '../scan/budget';
import { GivingWayBudget } from './giveWay';
import { partScanner } from '../scan/parts';
import { FileScanner, type FileScanPlan } from '../scan/fileScan';
import type { ListedRecords } from '../scan/listedReads';
import { columnArrays, ColumnsBuilder, type RecordColumns } from '../readers/columns';
import { collectFingerprints, fingerprintSet } from './traceIds';

/** Bytes per block of the trace-id index: what a trace-id hit costs to read. */
export const BLOCK_BYTES = 256 << 10;
/** Summary resolution: minute buckets ((b-1)·60 s, b·60 s], as Loki windows are left-open. */
export const BUCKET_MS = 60_000;
/**
 * Access-log labels are rewritten from the line (no raw-byte literal stands for them): their
 * trace_id values are fingerprinted too, for `| trace_id="..."`.
 */
export const TRACE_ID_LABEL = 'trace_id';
/** Rows of the summary still looked up by (minute, key) while a segment is built. */
const RECENT_ROWS = 1 << 12;
/** Summary keys per segment: beyond this (labels nearly unique per line) it keeps no summaries. */
const MAX_KEYS = 1 << 16;
/**
 * The `detected_level` values whose records a segment lists (`LevelList`): those a dashboard
 * looks for among many more lines (errors by service, the latest warnings).
 */
export const LISTED_LEVELS: readonly string[] = ['warn', 'error', 'critical', 'fatal'];
/**
 * A segment lists its records at those levels only while they are at most this share of its
 * records: beyond it, reading them one by one saves little over a scan, and the list's 22 bytes
 * per record would outgrow the rest of the index. A build gives its list up as soon as it holds
 * more than MIN_LISTED_CHECK records over that share (a log of errors only must not grow one).
 */
const MAX_LISTED_SHARE = 1 / 8;
const MIN_LISTED_CHECK = 4096;

export function bucketOf(ts: number): number {
  return Math.ceil(ts / BUCKET_MS);
}

/** What one summary key holds: the labels a summary-served query may read. */
export interface SummaryKey {
  service_name: string;
  detected_level: string;
  /** The `level` label, when the line has one. */
  level?: string;
  /** The format's own summary labels (`LineFormat.summaryLabels`) that the line has. */
  formatLabels?: Labels;
  /** What a scan counts and reports in notices: FLAG_MALFORMED | FLAG_INVALID_UTF8 | FLAG_CUT. */
  flags: number;
}

export interface Segment {
  /** Byte range [start, end): both record starts (end may be the file size). */
  start: number;
  end: number;
  /** Time given to untimed lines at `start` (the time of the record before it). */
  firstTs: number;
  /** Time of the record at `end` (the first one after the segment), NaN at none. */
  nextTs: number;
  /** Block b covers [blockStart[b], blockStart[b + 1] or end); its first record's time. */
  blockStart: Float64Array;
  blockFirstTs: Float64Array;
  fingerprints: Uint32Array[];
  /** Summary rows (undefined when the segment has too many keys). */
  summary?: {
    keys: SummaryKey[];
    key: Uint32Array;
    bucket: Int32Array;
    count: Float64Array;
    bytes: Float64Array;
  };
  lines: number;
  /** Its records at LISTED_LEVELS (undefined: too many); a gzip file's by decompressed offsets. */
  levels?: LevelList;
  /**
   * Every record's time and the format's column labels (undefined: the format has none, a
   * record has an error label, or a gzip file's).
   */
  columns?: RecordColumns;
}

/** A segment's records at LISTED_LEVELS, with each one's level (an index into LISTED_LEVELS). */
export interface LevelList extends ListedRecords {
  level: Uint8Array;
}

export interface SegmentJob {
  part: ScanPart;
  /** Leave the range's last record to the next segment (the range ends at the file's end). */
  holdLast: boolean;
  /** Block size (default BLOCK_BYTES; tests use small blocks). */
  blockBytes?: number;
  /** The part is a whole gzip file (offsets are then those of the decompressed bytes). */
  gzip?: boolean;
  /** Running queries (`giveWay.ts`): a build in a worker thread waits while there are any. */
  queries?: Int32Array;
}

/** Keys of one service compared one by one; beyond this many, looked up by their text. */
const FEW_KEYS = 16;

function keyText(key: SummaryKey): string {
  const { service_name, detected_level, level, formatLabels, flags } = key;
  const own = formatLabels === undefined ? '' : JSON.stringify(formatLabels);
  return `${service_name}\u0000${detected_level}\u0000${level ?? '\u0001'}\u0000${own}\u0000${flags}`;
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b;
  }
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

/** The labels of `names` that `record` has; undefined when it has none of them. */
function labelsOf(record: LogRecord, names: readonly string[]): Labels | undefined {
  let labels: Labels | undefined;
  for (const name of names) {
    const value = record.label(name);
    if (value !== undefined) {
      (labels ??= {})[name] = value;
    }
  }
  return labels;
}

class SummaryBuilder {
  readonly keys: SummaryKey[] = [];
  private readonly keyIndex = new Map<string, number>();
  /** Key numbers by service: most services have a few (levels × flags), compared without a string. */
  private readonly keysOfService = new Map<string, number[]>();
  private readonly rowOf = new Map<number, number>();
  readonly key: number[] = [];
  readonly bucket: number[] = [];
  readonly count: number[] = [];
  readonly bytes: number[] = [];
  overflow = false;

  private keyNumber(key: SummaryKey): number | undefined {
    const ofService = this.keysOfService.get(key.service_name);
    if (ofService === undefined) {
      return undefined;
    }
    if (ofService.length > FEW_KEYS) {
      return this.keyIndex.get(keyText(key));
    }
    for (const k of ofService) {
      const known = this.keys[k];
      if (
        known.detected_level === key.detected_level &&
        known.level === key.level &&
        sameLabels(known.formatLabels, key.formatLabels) &&
        known.flags === key.flags
      ) {
        return k;
      }
    }
    return undefined;
  }

  add(key: SummaryKey, ts: number, bytes: number): void {
    if (this.overflow) {
      return;
    }
    let k = this.keyNumber(key);
    if (k === undefined) {
      k = this.keys.length;
      if (k >= MAX_KEYS) {
        this.overflow = true;
        return;
      }
      this.keys.push(key);
      this.keyIndex.set(keyText(key), k);
      const ofService = this.keysOfService.get(key.service_name);
      if (ofService === undefined) {
        this.keysOfService.set(key.service_name, [k]);
      } else {
        ofService.push(k);
      }
    }
    const b = bucketOf(ts);
    const id = b * MAX_KEYS + k;
    let row = this.rowOf.get(id);
    if (row === undefined && this.rowOf.size >= RECENT_ROWS) {
      // Records come in time order, so only recent minutes still gain lines: forgetting the
      // older ones bounds this map. A minute seen again later gets a second row, which readers
      // add up like any other.
      this.rowOf.clear();
    }
    if (row === undefined) {
      row = this.key.length;
      this.rowOf.set(id, row);
      this.key.push(k);
      this.bucket.push(b);
      this.count.push(0);
      this.bytes.push(0);
    }
    this.count[row]++;
    this.bytes[row] += bytes;
  }
}

/** Scans a job's range into a segment. */
export async function buildSegment(job: SegmentJob, signal?: AbortSignal): Promise<Segment> {
  const { part } = job;
  const blockBytes = job.blockBytes ?? BLOCK_BYTES;
  const format = FORMATS[part.format];
  const stats = emptyStats();
  const summary = new SummaryBuilder();
  const blockStart: number[] = [];
  const blockFirstTs: number[] = [];
  const fingerprints: Uint32Array[] = [];
  let blockFingerprints: number[] = [];
  let lines = 0;
  const listed = {
    offset: [] as number[],
    length: [] as number[],
    time: [] as number[],
    level: [] as number[],
    cut: [] as number[],
  };
  let listing = true;
  const columns =
    job.gzip || format.columnLabels.length === 0
      ? undefined
      : new ColumnsBuilder(['service_name', ...format.columnLabels], part.start, part.end);
  // The previous record, added once the next one shows it is not the range's last.
  let pending:
    { offset: number; time: number; key: SummaryKey; bytes: number; fps: number[]; length: number } | undefined;
  const commit = () => {
    if (pending === undefined) {
      return;
    }
    const { offset, time } = pending;
    const level = listing ? LISTED_LEVELS.indexOf(pending.key.detected_level) : -1;
    if (level >= 0) {
      listed.offset.push(offset);
      listed.length.push(pending.length);
      listed.time.push(time);
      listed.level.push(level);
      listed.cut.push(pending.key.flags & FLAG_CUT ? 1 : 0);
      if (listed.offset.length > MIN_LISTED_CHECK && listed.offset.length > lines * MAX_LISTED_SHARE) {
        listing = false;
        Object.values(listed).forEach((values) => (values.length = 0));
      }
    }
    if (blockStart.length === 0 || offset - blockStart[blockStart.length - 1] >= blockBytes) {
      if (blockStart.length > 0) {
        fingerprints.push(fingerprintSet(blockFingerprints));
        blockFingerprints = [];
      }
      blockStart.push(offset);
      blockFirstTs.push(time);
    }
    for (const fp of pending.fps) {
      blockFingerprints.push(fp);
    }
    summary.add(pending.key, time, pending.bytes);
    columns?.commit();
    lines++;
  };
  const onRecordBytes: FileScanPlan['onRecordBytes'] = (bytes, start, end, offset, time, flags) => {
    commit();
    const record = format.record(part.ctx, time, bytes, start, end, offset, flags);
    const fps: number[] = [];
    collectFingerprints(bytes, start, end, fps);
    const labelled = format.name === 'access' ? record.label(TRACE_ID_LABEL) : undefined;
    if (labelled !== undefined) {
      const value = Buffer.from(labelled, 'utf8');
      collectFingerprints(value, 0, value.length, fps);
    }
    const key: SummaryKey = {
      service_name: record.label('service_name') ?? '',
      detected_level: record.label('detected_level') ?? '',
      level: record.label('level'),
      formatLabels: labelsOf(record, format.summaryLabels),
      flags:
        (flags & (FLAG_CUT | FLAG_INVALID_UTF8)) |
        (isMalformed(format, bytes, start, end, format.name === 'access' ? format.lineTs(bytes, start, end) : 0)
          ? FLAG_MALFORMED
          : 0),
    };
    columns?.stage(record, offset, time, key.flags);
    pending = {
      offset,
      time,
      key,
      bytes: flags & FLAG_INVALID_UTF8 ? Buffer.byteLength(record.line, 'utf8') : end - start,
      fps,
      length: end - start,
    };
  };
  const budget = job.queries ? new GivingWayBudget(stats, signal, job.queries) : new ScanBudget(stats, {}, signal);
  const scanner = job.gzip
    ? new FileScanner(
        {
          path: part.path,
          gzip: true,
          format,
          ctx: part.ctx,
          start: 0,
          end: part.end,
          holdTail: false,
          direction: 'forward',
          fromMs: -Infinity,
          toMs: Infinity,
          literals: [],
          accept: () => true,
          firstTs: part.firstTs,
          onRecordBytes,
          // Nothing of a record's bytes is kept: chunk memory is reused.
          transient: true,
        },
        budget
      )
    : partScanner(part, budget, { onRecordBytes, transient: true });
  for await (const batch of scanner.records()) {
    void batch; // records go to onRecordBytes
  }
  if (stats.truncated !== undefined) {
    throw new Error(`index build of ${part.path} stopped: ${stats.truncated}`);
  }
  let end = part.end;
  let nextTs = NaN;
  if (job.holdLast && pending !== undefined) {
    end = pending.offset;
    nextTs = pending.time;
  } else {
    commit();
  }
  if (blockStart.length > fingerprints.length) {
    fingerprints.push(fingerprintSet(blockFingerprints));
  }
  return {
    start: part.start,
    end,
    firstTs: part.firstTs,
    nextTs,
    blockStart: Float64Array.from(blockStart),
    blockFirstTs: Float64Array.from(blockFirstTs),
    fingerprints,
    summary: summary.overflow
      ? undefined
      : {
          keys: summary.keys,
          key: Uint32Array.from(summary.key),
          bucket: Int32Array.from(summary.bucket),
          count: Float64Array.from(summary.count),
          bytes: Float64Array.from(summary.bytes),
        },
    lines,
    levels:
      !listing || listed.offset.length > lines * MAX_LISTED_SHARE
        ? undefined
        : {
            offset: Float64Array.from(listed.offset),
            length: Uint32Array.from(listed.length),
            time: Float64Array.from(listed.time),
            level: Uint8Array.from(listed.level),
            cut: Uint8Array.from(listed.cut),
          },
    columns: columns?.build(),
  };
}

/** A level list's arrays, in the order they are saved. */
export function levelListArrays(list: LevelList): ArrayBufferView[] {
  return [list.offset, list.length, list.time, list.level, list.cut];
}

/** The buffers a segment can hand to another thread without a copy. */
export function segmentBuffers(segment: Segment): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [segment.blockStart, segment.blockFirstTs, ...segment.fingerprints];
  const s = segment.summary;
  if (s) {
    arrays.push(s.key, s.bucket, s.count, s.bytes);
  }
  if (segment.levels) {
    arrays.push(...levelListArrays(segment.levels));
  }
  if (segment.columns) {
    arrays.push(...columnArrays(segment.columns));
  }
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
