/**
 * Scanning one file (or one byte range of it) into records, forward or backward.
 *
 * Hot path: with `literals`, each chunk is searched with Buffer.indexOf for one literal and only
 * the lines around hits are looked at (like ripgrep); nothing runs per non-matching line. On
 * multi-line formats that is the hit's record: from its header line (the timed line at or before
 * the hit) to the next header. Without literals, each line's timestamp is read from its bytes.
 *
 * Time of lines without a timestamp (malformed lines, junk): the time of the nearest earlier
 * timed line of the file, or the file's first timed line when there is none before it. This rule
 * does not depend on direction or on where the scan started, so seeks and both directions agree.
 */
import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { DISORDER_TOLERANCE_MS, type Direction, type FileSpan, type LogRecord } from '../model';
import { FLAG_CUT, FLAG_INVALID_UTF8, type FileContext } from '../readers/context';
import { isMalformed, type LineFormat } from '../readers/formats';
import type { ScanBudget } from './budget';
import { openLogFile } from '../sources/safeOpen';
import {
  backwardChunks,
  CHUNK_BYTES,
  countLines,
  forwardChunks,
  gzipChunks,
  MAX_LINE_BYTES,
  SEARCH_CHUNK_BYTES,
  type LineChunk,
} from './chunks';
import { listedBatches, type ListedRecords } from './listedReads';
import { LiteralGroups } from './literalGroups';
import { NeedleSearch } from './needleSearch';

export interface FileScanPlan {
  path: string;
  gzip: boolean;
  format: LineFormat;
  ctx: FileContext;
  /** Byte range to read (plain files; gzip files are always read whole). */
  start: number;
  end: number;
  /** Live file: an unterminated last line is not complete yet and is not returned. */
  holdTail: boolean;
  direction: Direction;
  fromMs: number;
  toMs: number;
  /** Byte strings every returned line must contain (checked on raw bytes before decoding). */
  literals: Buffer[];
  /** Groups of byte strings: every returned line contains one of each group (checked likewise). */
  literalGroups?: Buffer[][];
  /** Per-record stream-label check (matchers that depend on record content). */
  accept: (record: LogRecord) => boolean;
  /** Time given to untimed lines before the first timed line. */
  firstTs: number;
  /** An already open handle (the caller closes it); otherwise the path is opened and closed here. */
  fh?: FileHandle;
  /**
   * Called after a complete forward read of a whole file with its time span and line count (the
   * gzip index keeps them).
   */
  onComplete?: (span: FileSpan) => void;
  /**
   * The consumer is done with a yielded batch (its records and their bytes) when it asks for the
   * next one: chunk memory is then reused (forward).
   */
  transient?: boolean;
  /**
   * Receives the bytes of each record the scan would return, instead of the scan returning it
   * (a worker thread sends them to the thread that builds the records).
   */
  onRecordBytes?: (bytes: Buffer, start: number, end: number, offset: number, time: number, flags: number) => void;
  /**
   * Read only these records of `[start, end)` (an index lists every one the query can return),
   * each checked as a scanned one is.
   */
  listed?: ListedRecords;
}

/**
 * Reads are synchronous and the chunk loop only awaits promises, which never lets timers or I/O
 * run: without a macrotask turn now and then, one long scan would hold every other call of the
 * process (a light query, a health check, a cancellation) until it ends.
 */
const YIELD_EVERY_MS = 2;
/** Copied listed records per batch. */
const LISTED_BATCH = 1024;
let lastYield = performance.now();

export async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastYield >= YIELD_EVERY_MS) {
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  }
}

/** How many preceding lines to look back through for the time of an untimed candidate line. */
const UNTIMED_LOOKBACK_LINES = 1000;

/** Open group of lines forming one multi-line record. */
interface Group {
  /** Bytes already copied out of other chunks (forward: before the span; backward: after it). */
  extra?: Buffer;
  buf: Buffer;
  s: number;
  e: number;
  offset: number;
  ts: number;
  flags: number;
  /** Started by a timed line; an untimed group is lines before any timed line: one record each. */
  timed: boolean;
  /** Backward: file offset where the group's last line ends, and whether bytes were dropped. */
  end?: number;
  overflow?: boolean;
}

interface PendingLine {
  buf: Buffer;
  s: number;
  e: number;
  offset: number;
  flags: number;
}

export class FileScanner {
  private lastTs = NaN;
  private stopped = false;
  private out: LogRecord[] = [];
  private group?: Group;
  /** Backward: a headerless run of lines too long to have been kept, to be read forward. */
  private rescan?: { start: number; end: number };
  /** Backward: untimed lines waiting for the time of an earlier timed line. */
  private pending: PendingLine[] = [];

  /** The literal chunks are searched for, when the scan searches (see `searchNeedle`). */
  private readonly needle: NeedleSearch | undefined;
  private readonly otherLiterals: LiteralGroups | undefined;
  /** Chunk memory is reused: records and open groups must not keep views into it. */
  private copyRecords = false;

  constructor(
    private readonly plan: FileScanPlan,
    private readonly budget: ScanBudget
  ) {
    const needle = searchNeedle(plan);
    this.needle = needle === undefined ? undefined : new NeedleSearch(needle);
    // The first literal is the one searched for (candidate lines contain it): the others, as
    // groups of one, and the line filters' groups are checked per line.
    const others = [...plan.literals.slice(1).map((literal) => [literal]), ...(plan.literalGroups ?? [])];
    this.otherLiterals = others.length > 0 ? new LiteralGroups(others) : undefined;
  }

  async *records(): AsyncGenerator<LogRecord[]> {
    const { plan } = this;
    if (plan.gzip && plan.direction === 'backward') {
      // Gzip cannot be read from the end: read it forward, then hand the result out reversed.
      const all: LogRecord[] = [];
      for await (const batch of new FileScanner({ ...plan, direction: 'forward' }, this.budget).records()) {
        all.push(...batch);
      }
      if (all.length > 0) {
        yield all.reverse();
      }
      return;
    }
    this.budget.stats.filesRead++;
    if (plan.gzip) {
      try {
        const chunks = gzipChunks(plan.path, this.budget);
        yield* plan.listed === undefined ? this.run(chunks) : this.listedGzipRun(chunks, plan.listed);
      } catch (e) {
        this.budget.stats.notices.push({
          severity: 'warning',
          text: `${plan.path} is not a readable gzip file (${(e as Error).message}); the rest of it was skipped`,
        });
        return;
      }
      if (plan.onComplete && !this.budget.stopped && !this.stopped && this.span.lines > 0) {
        plan.onComplete(this.span);
      }
      return;
    }
    const fh = plan.fh ?? (await openLogFile(plan.path));
    try {
      if (plan.listed !== undefined) {
        yield* this.listedRun(fh.fd, plan.listed);
        return;
      }
      const chunks =
        plan.direction === 'forward'
          ? forwardChunks(
              fh,
              plan.start,
              plan.end,
              plan.holdTail,
              this.budget,
              this.needle !== undefined || this.recycles(),
              this.needle !== undefined ? SEARCH_CHUNK_BYTES : CHUNK_BYTES
            )
          : backwardChunks(fh, plan.start, plan.end, plan.holdTail, this.budget, this.needle !== undefined);
      yield* this.run(chunks);
    } finally {
      if (plan.fh === undefined) {
        await fh.close();
      }
    }
  }

  /** Whether the scan ended at a line past the range (not at the end of its bytes). */
  get stoppedEarly(): boolean {
    return this.stopped;
  }

  /** Forward plain scans: end offset of the last complete line read (where a tail resumes). */
  consumedEnd = 0;
  /** Start offset of the last record looked at (returned or filtered out), and its id if returned. */
  lastRecordOffset?: number;
  /** The record at `lastRecordOffset` when it was returned (its id is built only when asked). */
  private lastRecord?: LogRecord;
  get lastRecordId(): string | undefined {
    return this.lastRecord?.id;
  }
  /** Time span and line count seen (tracked when `onComplete` is set). */
  private readonly span = { minTs: Infinity, maxTs: -Infinity, lines: 0 };

  /**
   * The span of a searched chunk without reading every line's time: its first and last timed
   * lines. Lines are in time order up to DISORDER_TOLERANCE_MS, which every use of a span allows
   * for (measured: reading each line's time was most of a cold search's gzip work).
   */
  private searchedSpan(buf: Buffer): void {
    const { format } = this.plan;
    const { span } = this;
    span.lines += countLines(buf);
    const first = timeOfLaterLine(format, buf, 0);
    const last = timeOfEarlierLine(format, buf, buf.length);
    if (first !== undefined && first < span.minTs) {
      span.minTs = first;
    }
    if (last !== undefined && last > span.maxTs) {
      span.maxTs = last;
    }
  }

  private async *run(chunks: AsyncGenerator<LineChunk>): AsyncGenerator<LogRecord[]> {
    const forward = this.plan.direction === 'forward';
    for await (const read of chunks) {
      // A byte order mark is not part of the first line (its timestamp must be found after it).
      const chunk = read.base === 0 && startsWithBom(read.buf) ? { ...read, buf: read.buf.subarray(3), base: 3 } : read;
      this.consumedEnd = chunk.base + chunk.buf.length;
      if (forward) {
        this.forwardChunk(chunk);
      } else {
        this.backwardChunk(chunk);
      }
      if (this.out.length > 0) {
        yield this.takeOut();
      }
      if (this.recycles() && this.needle === undefined) {
        chunk.recycle?.();
      }
      if (this.stopped) {
        await chunks.return(undefined);
        break;
      }
      await yieldToEventLoop();
    }
    this.finish();
    if (this.out.length > 0) {
      yield this.takeOut();
    }
    if (this.rescan !== undefined) {
      yield* this.forwardReversed(this.rescan.start, this.rescan.end);
    }
  }

  /** The listed records, read by windows in batches (`listedReads.ts`), in scan direction. */
  private async *listedRun(fd: number, listed: ListedRecords): AsyncGenerator<LogRecord[]> {
    const forward = this.plan.direction === 'forward';
    // A batch's buffer is reused: records copy their bytes, unless the consumer is done with them
    // before it asks for the next batch. Copied records go out in larger batches (each one handed
    // out cost a tenth of a listed read's time, measured).
    const copy = this.plan.transient !== true;
    for (const batch of listedBatches(fd, listed, this.plan.direction, this.budget)) {
      // A view per batch: the batch's buffer is reused, and checks that remember a buffer's
      // contents (LiteralGroups) must not take the next batch for it.
      const buf = batch.buf.subarray(0, batch.bytes);
      // Windows start and end at line ends: when all of a batch is UTF-8, so is each record.
      const invalid = !isUtf8(buf);
      for (let w = 0; w < batch.count; w++) {
        const first = batch.first[w];
        const last = batch.last[w];
        const at = batch.at[w] - listed.offset[first];
        for (let k = forward ? first : last; k >= first && k <= last; k += forward ? 1 : -1) {
          this.emitListed(buf, at + listed.offset[k], listed, k, invalid, copy);
        }
      }
      if (this.out.length >= (copy ? LISTED_BATCH : 1)) {
        yield this.takeOut();
      }
      await yieldToEventLoop();
    }
    if (this.out.length > 0) {
      yield this.takeOut();
    }
  }

  /**
   * A gzip file's listed records (their offsets decompressed ones), picked out of its chunks as it
   * inflates, forward: the lines between them are not parsed, and inflating stops after the last.
   * A record that runs on past a chunk (continuation lines) is completed from the next one. Its
   * bytes are always contiguous: the chunks skip only the rest of a line cut at MAX_LINE_BYTES,
   * after the end of the record that holds it.
   */
  private async *listedGzipRun(chunks: AsyncGenerator<LineChunk>, listed: ListedRecords): AsyncGenerator<LogRecord[]> {
    const n = listed.offset.length;
    let k = 0;
    /** The bytes of the last chunk from record k's start, when the record runs on past it. */
    let carry: { buf: Buffer; base: number } | undefined;
    for await (const read of chunks) {
      const { buf, base } =
        carry !== undefined && carry.base + carry.buf.length === read.base
          ? { buf: Buffer.concat([carry.buf, read.buf]), base: carry.base }
          : read;
      carry = undefined;
      const end = base + buf.length;
      for (; k < n && listed.offset[k] + listed.length[k] <= end; k++) {
        if (listed.offset[k] >= base) {
          this.emitListed(buf, listed.offset[k] - base, listed, k, true, true);
        }
      }
      if (k < n && listed.offset[k] < end) {
        carry = { buf: Buffer.from(buf.subarray(listed.offset[k] - base)), base: listed.offset[k] };
      }
      if (this.out.length > 0) {
        yield this.takeOut();
      }
      if (k === n) {
        await chunks.return(undefined);
        return;
      }
      await yieldToEventLoop();
    }
  }

  /**
   * Listed record k, at `buf[s]`: counted and checked as the scan that listed it saw it. Its time
   * is listed; its line's own time only tells `emit` whether the line is damaged or untimed, which
   * a JSON line's never does (reading it was a tenth of a listed read's time, measured).
   * `invalid`: its UTF-8 is to be checked (its buffer may hold invalid bytes).
   */
  private emitListed(buf: Buffer, s: number, listed: ListedRecords, k: number, invalid: boolean, copy: boolean): void {
    const { format } = this.plan;
    const e = s + listed.length[k];
    let lineTime = NaN;
    if (format.name !== 'json') {
      const nl = buf.indexOf(10, s);
      lineTime = format.lineTs(buf, s, lineEnd(buf, s, nl < 0 || nl > e ? e : nl));
    }
    this.budget.stats.linesScanned++;
    this.emit(buf, s, e, listed.offset[k], listed.time[k], lineTime, listed.cut[k] === 1, invalid, true, false, copy);
  }

  /** Backward: the records of `[start, end)` read forward, handed out newest first. */
  private async *forwardReversed(start: number, end: number): AsyncGenerator<LogRecord[]> {
    const all: LogRecord[] = [];
    const forward = new FileScanner({ ...this.plan, direction: 'forward', start, end, holdTail: false }, this.budget);
    for await (const batch of forward.records()) {
      all.push(...batch);
    }
    if (all.length > 0) {
      yield all.reverse();
    }
  }

  private takeOut(): LogRecord[] {
    const batch = this.out;
    this.out = [];
    return batch;
  }

  // ---- forward -------------------------------------------------------------------------------

  private forwardChunk(chunk: LineChunk): void {
    const { buf } = chunk;
    const { format } = this.plan;
    if (this.needle !== undefined) {
      if (this.plan.onComplete !== undefined) {
        this.searchedSpan(buf);
      }
      // Candidate lines are few: their UTF-8 is checked line by line, not the whole chunk's.
      if (format.multiline) {
        this.forwardRecordCandidates(chunk, this.needle);
      } else {
        this.forwardCandidates(chunk, this.needle);
      }
      return;
    }
    const invalid = !isUtf8(buf);
    const span = this.span;
    let s = 0;
    while (s < buf.length && !this.stopped) {
      const nl = buf.indexOf(10, s);
      const e = lineEnd(buf, s, nl);
      const ts = format.lineTs(buf, s, e);
      this.budget.stats.linesScanned++;
      span.lines++;
      if (ts < span.minTs) {
        span.minTs = ts;
      }
      if (ts > span.maxTs) {
        span.maxTs = ts;
      }
      if (format.multiline) {
        this.forwardTextLine(chunk, s, e, ts, invalid);
      } else {
        if (!Number.isNaN(ts)) {
          this.lastTs = ts;
          if (ts >= this.plan.toMs + DISORDER_TOLERANCE_MS) {
            this.stopped = true;
            break;
          }
        }
        this.emit(
          buf,
          s,
          e,
          chunk.base + s,
          Number.isNaN(ts) ? this.untimedForward() : ts,
          ts,
          chunk.cut,
          invalid,
          true
        );
      }
      s = nl + 1;
    }
    if (format.multiline && this.recycles()) {
      this.detachGroup(buf);
    }
  }

  /** Whether every-line forward scans reuse chunk memory once their batch is consumed. */
  private recycles(): boolean {
    const { transient, direction } = this.plan;
    return transient === true && direction === 'forward';
  }

  /**
   * The record still open at a chunk's end is completed (or emitted) while the next chunk is read,
   * into the same memory when chunks are recycled: it keeps a copy of its last line. Recycling
   * spares a text-log build a fresh buffer per chunk, whose first touches (page faults in `pread`)
   * cost this machine a fifth of the build's time (measured: 1 s of 5.5 s for 563 MB).
   */
  private detachGroup(buf: Buffer): void {
    const g = this.group;
    if (g !== undefined && g.buf === buf) {
      g.buf = Buffer.from(buf.subarray(g.s, g.e));
      g.e -= g.s;
      g.s = 0;
    }
  }

  private forwardCandidates(chunk: LineChunk, needle: NeedleSearch): void {
    const invalid = true; // each candidate line's UTF-8 is checked on its own
    const { buf } = chunk;
    let pos = 0;
    while (pos < buf.length) {
      const hit = needle.indexIn(buf, pos);
      if (hit < 0) {
        break;
      }
      const s = hit === 0 ? 0 : buf.lastIndexOf(10, hit - 1) + 1;
      const nl = buf.indexOf(10, hit);
      const e = lineEnd(buf, s, nl);
      this.budget.stats.linesScanned++;
      const ts = this.plan.format.lineTs(buf, s, e);
      const time = Number.isNaN(ts) ? (timeOfEarlierLine(this.plan.format, buf, s) ?? this.untimedForward()) : ts;
      // A reused chunk's records copy their bytes, unless the consumer is done with them before the
      // next read (a literal that is on every line made this copy a quarter of the scan's time).
      const copy = chunk.recycle !== undefined && this.plan.transient !== true;
      this.emit(buf, s, e, chunk.base + s, time, ts, chunk.cut, invalid, false, false, copy);
      pos = nl + 1;
    }
    this.lastTs = timeOfEarlierLine(this.plan.format, buf, buf.length) ?? this.lastTs;
    chunk.recycle?.();
  }

  private untimedForward(): number {
    return Number.isNaN(this.lastTs) ? this.plan.firstTs : this.lastTs;
  }

  private forwardTextLine(chunk: LineChunk, s: number, e: number, ts: number, invalid: boolean): void {
    const { buf } = chunk;
    const flags = (chunk.cut ? FLAG_CUT : 0) | (invalid && !isUtf8(buf.subarray(s, e)) ? FLAG_INVALID_UTF8 : 0);
    const g = this.group;
    if (!Number.isNaN(ts) || g === undefined || !g.timed) {
      this.flushGroup();
      if (!Number.isNaN(ts) && ts >= this.plan.toMs + DISORDER_TOLERANCE_MS) {
        this.stopped = true;
        return;
      }
      const timed = !Number.isNaN(ts);
      this.group = { buf, s, e, offset: chunk.base + s, ts: timed ? ts : this.plan.firstTs, flags, timed };
      return;
    }
    g.flags |= flags;
    if (groupLength(g) + (e - s) > MAX_LINE_BYTES) {
      g.flags |= FLAG_CUT;
      return;
    }
    if (g.buf === buf) {
      g.e = e;
      return;
    }
    g.extra = Buffer.concat([...(g.extra ? [g.extra] : []), g.buf.subarray(g.s, g.e), NEWLINE]);
    g.buf = buf;
    g.s = s;
    g.e = e;
  }

  /**
   * Multi-line search, forward. Lines are read from the header line of each hit's record to the
   * next header; lines between such records belong to records without the needle and are skipped.
   * At the chunk's end the record still open (from the chunk's last header) is read, so the next
   * chunk continues it as a full scan would.
   */
  private forwardRecordCandidates(chunk: LineChunk, needle: NeedleSearch): void {
    const { buf } = chunk;
    this.copyRecords = chunk.recycle !== undefined;
    let pos = this.group === undefined ? 0 : this.readToNextHeader(chunk, 0);
    while (pos < buf.length && !this.stopped) {
      const hit = needle.indexIn(buf, pos);
      if (hit < 0) {
        break;
      }
      const header = this.headerAtOrBefore(buf, lineStartAt(buf, hit), pos);
      const hitLineEnd = buf.indexOf(10, hit) + 1;
      this.readLinesForward(chunk, header < 0 ? pos : header, hitLineEnd);
      pos = this.readToNextHeader(chunk, hitLineEnd);
    }
    if (pos < buf.length && !this.stopped) {
      const header = this.headerAtOrBefore(buf, lineStartAt(buf, buf.length - 1), pos);
      this.readLinesForward(chunk, header < 0 ? pos : header, buf.length);
    }
    this.releaseChunk(chunk);
  }

  /** Reads the lines in `[from, to)` (line starts) as a full scan does. */
  private readLinesForward(chunk: LineChunk, from: number, to: number): void {
    const { buf } = chunk;
    for (let s = from; s < to && !this.stopped;) {
      const nl = buf.indexOf(10, s);
      const e = lineEnd(buf, s, nl);
      this.budget.stats.linesScanned++;
      this.forwardTextLine(chunk, s, e, this.plan.format.lineTs(buf, s, e), true);
      s = nl + 1;
    }
  }

  /** Reads the open record's remaining lines; returns the start of the next header (or the chunk's end). */
  private readToNextHeader(chunk: LineChunk, from: number): number {
    const header = this.headerIn(chunk.buf, from, chunk.buf.length);
    const end = header < 0 ? chunk.buf.length : header;
    this.readLinesForward(chunk, from, end);
    if (header >= 0) {
      this.flushGroup(); // the header starts the next record
    }
    return end;
  }

  /** Start of the nearest header line starting in `[floor, lineStart]`, or -1. */
  private headerAtOrBefore(buf: Buffer, lineStart: number, floor: number): number {
    for (let s = lineStart; s >= floor; s = lineStartAt(buf, s - 1)) {
      if (!Number.isNaN(this.plan.format.lineTs(buf, s, lineEnd(buf, s, buf.indexOf(10, s))))) {
        return s;
      }
      if (s === 0) {
        break;
      }
    }
    return -1;
  }

  // ---- backward ------------------------------------------------------------------------------

  private backwardChunk(chunk: LineChunk): void {
    const { buf } = chunk;
    const { format } = this.plan;
    if (this.pending.length > 0 && !format.multiline) {
      const ts = timeOfEarlierLine(format, buf, buf.length);
      if (ts !== undefined) {
        this.flushPending(ts);
      }
    }
    if (this.needle !== undefined) {
      // Candidate lines are few: their UTF-8 is checked line by line, not the whole chunk's.
      if (format.multiline) {
        this.backwardRecordCandidates(chunk, this.needle);
      } else {
        this.backwardCandidates(chunk, this.needle);
      }
      return;
    }
    const invalid = !isUtf8(buf);
    let e = buf.length - 1;
    while (e >= 0 && !this.stopped) {
      const s = e === 0 ? 0 : buf.lastIndexOf(10, e - 1) + 1;
      const le = lineEnd(buf, s, e);
      const ts = format.lineTs(buf, s, le);
      this.budget.stats.linesScanned++;
      if (format.multiline) {
        this.backwardTextLine(chunk, s, le, ts, invalid);
      } else {
        this.backwardLine(buf, s, le, chunk.base + s, ts, chunk.cut, invalid);
      }
      e = s - 1;
    }
  }

  private backwardLine(
    buf: Buffer,
    s: number,
    e: number,
    offset: number,
    ts: number,
    cut: boolean,
    invalid: boolean
  ): void {
    if (Number.isNaN(ts)) {
      this.pending.push({ buf, s, e, offset, flags: (cut ? FLAG_CUT : 0) | (invalid ? FLAG_INVALID_UTF8 : 0) });
      return;
    }
    this.flushPending(ts);
    if (ts < this.plan.fromMs - DISORDER_TOLERANCE_MS) {
      this.stopped = true;
      return;
    }
    this.emit(buf, s, e, offset, ts, ts, cut, invalid, true);
  }

  private backwardCandidates(chunk: LineChunk, needle: NeedleSearch): void {
    const invalid = true; // each candidate line's UTF-8 is checked on its own
    const { buf } = chunk;
    const copy = chunk.recycle !== undefined;
    const starts = hitLineStarts(buf, needle);
    for (let i = starts.length - 1; i >= 0; i--) {
      const s = starts[i];
      const e = lineEnd(buf, s, buf.indexOf(10, s));
      this.budget.stats.linesScanned++;
      const ts = this.plan.format.lineTs(buf, s, e);
      const time = Number.isNaN(ts) ? timeOfEarlierLine(this.plan.format, buf, s) : ts;
      if (time === undefined) {
        // Its time is in the next (earlier) chunk; keep its own bytes until then.
        const own = copy ? Buffer.from(buf.subarray(s, e)) : buf;
        const flags = (chunk.cut ? FLAG_CUT : 0) | (invalid ? FLAG_INVALID_UTF8 : 0);
        this.pending.push({ buf: own, s: copy ? 0 : s, e: copy ? e - s : e, offset: chunk.base + s, flags });
        continue;
      }
      this.emit(buf, s, e, chunk.base + s, time, ts, chunk.cut, invalid, false, false, copy);
    }
    chunk.recycle?.();
  }

  private flushPending(ts: number): void {
    for (const p of this.pending) {
      this.emit(
        p.buf,
        p.s,
        p.e,
        p.offset,
        ts,
        NaN,
        (p.flags & FLAG_CUT) !== 0,
        (p.flags & FLAG_INVALID_UTF8) !== 0,
        true
      );
    }
    this.pending = [];
  }

  private backwardTextLine(chunk: LineChunk, s: number, e: number, ts: number, invalid: boolean): void {
    const { buf } = chunk;
    const flags = (chunk.cut ? FLAG_CUT : 0) | (invalid && !isUtf8(buf.subarray(s, e)) ? FLAG_INVALID_UTF8 : 0);
    const g = this.group;
    if (g === undefined) {
      this.group = { buf, s, e, offset: chunk.base + s, ts, flags, timed: false, end: chunk.base + e };
    } else if (g.buf === buf) {
      g.s = s;
      g.offset = chunk.base + s;
      g.flags |= flags;
    } else {
      const tail = Buffer.concat([NEWLINE, g.buf.subarray(g.s, g.e), ...(g.extra ? [g.extra] : [])]);
      g.overflow ||= tail.length > MAX_LINE_BYTES + 1;
      g.extra = tail.length > MAX_LINE_BYTES + 1 ? Buffer.from(tail.subarray(0, MAX_LINE_BYTES + 1)) : tail;
      g.buf = buf;
      g.s = s;
      g.e = e;
      g.offset = chunk.base + s;
      g.flags |= flags;
    }
    if (!Number.isNaN(ts)) {
      this.group!.ts = ts;
      this.group!.timed = true;
      if (ts < this.plan.fromMs - DISORDER_TOLERANCE_MS) {
        this.group = undefined;
        this.stopped = true;
        return;
      }
      this.flushGroup();
    }
  }

  /**
   * Multi-line search, backward: as `forwardRecordCandidates`, newest first. Each hit's record is
   * read from the next header (or the part already read) down to its own header; at the chunk's
   * start, the lines above its first header are read, as they end a record begun in the next
   * (earlier) chunk.
   */
  private backwardRecordCandidates(chunk: LineChunk, needle: NeedleSearch): void {
    const { buf } = chunk;
    this.copyRecords = chunk.recycle !== undefined;
    let pos = this.group === undefined ? buf.length : this.readToOwnHeader(chunk, buf.length);
    // Found forward (Buffer.indexOf is faster than lastIndexOf), taken newest first.
    const starts = hitLineStarts(buf, needle);
    for (let i = starts.length - 1; i >= 0 && !this.stopped; i--) {
      const lineStart = starts[i];
      if (lineStart >= pos) {
        continue; // in a record already read
      }
      const next = this.headerIn(buf, buf.indexOf(10, lineStart) + 1, pos);
      this.readLinesBackward(chunk, lineStart, next < 0 ? pos : next);
      pos = this.group === undefined ? lineStart : this.readToOwnHeader(chunk, lineStart);
    }
    if (pos > 0 && !this.stopped) {
      const first = this.headerIn(buf, 0, pos);
      this.readLinesBackward(chunk, 0, first < 0 ? pos : first);
    }
    this.releaseChunk(chunk);
  }

  /** Reads the lines starting in `[from, to)`, newest first, as a full scan does. */
  private readLinesBackward(chunk: LineChunk, from: number, to: number): void {
    const { buf } = chunk;
    for (let e = to - 1; e >= from && !this.stopped;) {
      const s = e === 0 ? 0 : buf.lastIndexOf(10, e - 1) + 1;
      const le = lineEnd(buf, s, e);
      this.budget.stats.linesScanned++;
      this.backwardTextLine(chunk, s, le, this.plan.format.lineTs(buf, s, le), true);
      e = s - 1;
    }
  }

  /** Reads the open record's earlier lines down to its header; returns where that line starts (or 0). */
  private readToOwnHeader(chunk: LineChunk, to: number): number {
    const header = to === 0 ? -1 : this.headerAtOrBefore(chunk.buf, lineStartAt(chunk.buf, to - 1), 0);
    const start = header < 0 ? 0 : header;
    this.readLinesBackward(chunk, start, to);
    return start;
  }

  /** Start of the first header line starting in `[from, to)`, or -1. */
  private headerIn(buf: Buffer, from: number, to: number): number {
    for (let s = from; s < to; s = buf.indexOf(10, s) + 1) {
      if (!Number.isNaN(this.plan.format.lineTs(buf, s, lineEnd(buf, s, buf.indexOf(10, s))))) {
        return s;
      }
    }
    return -1;
  }

  // ---- shared --------------------------------------------------------------------------------

  /** Done with a searched chunk: its memory may be reused, so the open group keeps its own copy of its bytes. */
  private releaseChunk(chunk: LineChunk): void {
    if (chunk.recycle === undefined) {
      return;
    }
    const g = this.group;
    if (g !== undefined && g.buf === chunk.buf) {
      g.buf = Buffer.from(g.buf.subarray(g.s, g.e));
      g.e -= g.s;
      g.s = 0;
    }
    chunk.recycle();
  }

  private finish(): void {
    if (this.plan.direction === 'backward') {
      // A group or untimed lines still open here precede the file's first timestamp, unless the
      // scan ended early (range or limits), in which case they are outside what was asked for.
      if (this.stopped || this.budget.stopped) {
        this.group = undefined;
        this.pending = [];
      } else {
        this.flushUntimedLines();
        this.flushPending(this.plan.firstTs);
      }
    }
    this.flushGroup();
  }

  /**
   * Backward: the lines gathered above which no timed line came (the file's start) are headerless,
   * one record each at the file's first time, newest first.
   */
  private flushUntimedLines(): void {
    const g = this.group;
    if (g === undefined) {
      return;
    }
    this.group = undefined;
    if (g.overflow && g.end !== undefined) {
      // Too many bytes to have kept: read them again forward, line by line (see `run`).
      this.rescan = { start: g.offset, end: g.end };
      return;
    }
    const buf = g.extra === undefined ? g.buf.subarray(g.s, g.e) : Buffer.concat([g.buf.subarray(g.s, g.e), g.extra]);
    let e = buf.length;
    while (e >= 0) {
      const s = e === 0 ? 0 : buf.lastIndexOf(10, e - 1) + 1;
      const flags = g.flags & ~FLAG_CUT;
      this.emit(
        buf,
        s,
        lineEnd(buf, s, e),
        g.offset + s,
        this.plan.firstTs,
        NaN,
        false,
        (flags & FLAG_INVALID_UTF8) !== 0,
        true
      );
      if (s === 0) {
        break;
      }
      e = s - 1;
    }
  }

  private flushGroup(): void {
    const g = this.group;
    this.group = undefined;
    if (g === undefined || Number.isNaN(g.ts)) {
      return;
    }
    let buf = g.buf;
    let s = g.s;
    let e = g.e;
    if (g.extra !== undefined) {
      buf =
        this.plan.direction === 'forward'
          ? Buffer.concat([g.extra, g.buf.subarray(g.s, g.e)])
          : Buffer.concat([g.buf.subarray(g.s, g.e), g.extra]);
      s = 0;
      e = buf.length;
    }
    if (e - s > MAX_LINE_BYTES) {
      e = s + MAX_LINE_BYTES;
      g.flags |= FLAG_CUT;
    }
    this.emit(
      buf,
      s,
      e,
      g.offset,
      g.ts,
      g.timed ? g.ts : NaN,
      (g.flags & FLAG_CUT) !== 0,
      (g.flags & FLAG_INVALID_UTF8) !== 0,
      true,
      true,
      this.copyRecords && g.extra === undefined
    );
  }

  /**
   * Range, literal and stream checks, counting, then the record. `lineTime` is the line's own
   * timestamp (NaN when it had none), `time` the one it gets.
   */
  private emit(
    buf: Buffer,
    s: number,
    e: number,
    offset: number,
    time: number,
    lineTime: number,
    cut: boolean,
    invalid: boolean,
    checkLiterals: boolean,
    utf8Checked = false,
    copy = false
  ): void {
    const { plan } = this;
    this.lastRecordOffset = offset;
    this.lastRecord = undefined;
    if (!(time >= plan.fromMs && time < plan.toMs)) {
      return;
    }
    let end = e;
    let flags = cut ? FLAG_CUT : 0;
    if (end - s > MAX_LINE_BYTES) {
      end = s + MAX_LINE_BYTES;
      flags |= FLAG_CUT;
    }
    if (checkLiterals && plan.literals.length > 0 && !contains(buf, plan.literals[0], s, end)) {
      return;
    }
    // The other literals, and one of each group, before the record is made.
    if (this.otherLiterals?.passes(buf, s, end) === false) {
      return;
    }
    const stats = this.budget.stats;
    if (invalid && (utf8Checked || !isUtf8(buf.subarray(s, end)))) {
      flags |= FLAG_INVALID_UTF8;
    }
    // A copy when the chunk's memory will be reused (candidate lines are few).
    const bytes = copy ? Buffer.from(buf.subarray(s, end)) : buf;
    const start = copy ? 0 : s;
    const stop = copy ? end - s : end;
    const record = plan.format.record(plan.ctx, time, bytes, start, stop, offset, flags);
    if (!plan.accept(record)) {
      return;
    }
    if (flags & FLAG_INVALID_UTF8) {
      stats.invalidUtf8Lines++;
    }
    if (flags & FLAG_CUT) {
      stats.cutLines = (stats.cutLines ?? 0) + 1;
    }
    if (isMalformed(plan.format, buf, s, end, lineTime)) {
      stats.malformedLines++;
    } else if (Number.isNaN(lineTime) && (plan.format.multiline || plan.format.name === 'lines')) {
      // Text and plain-line records only (JSON lines without a time are common and expected).
      stats.untimedLines = (stats.untimedLines ?? 0) + 1;
    }
    if (plan.onRecordBytes) {
      plan.onRecordBytes(bytes, start, stop, offset, time, flags);
    } else {
      this.out.push(record);
      this.lastRecord = record;
    }
  }
}

const NEWLINE = Buffer.from('\n');

function startsWithBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

function groupLength(g: Group): number {
  return (g.extra?.length ?? 0) + (g.e - g.s);
}

/** End of the line starting at `s` whose newline is at `nl`, without a trailing "\r". */
function lineEnd(buf: Buffer, s: number, nl: number): number {
  const e = nl < 0 ? buf.length : nl;
  return e > s && buf[e - 1] === 13 ? e - 1 : e;
}

/** The start of each line of `buf` that holds `needle`, in order. */
function hitLineStarts(buf: Buffer, needle: NeedleSearch): number[] {
  const starts: number[] = [];
  for (let from = 0; from < buf.length;) {
    const hit = needle.indexIn(buf, from);
    if (hit < 0) {
      break;
    }
    starts.push(lineStartAt(buf, hit));
    const nl = buf.indexOf(10, hit);
    from = nl < 0 ? buf.length : nl + 1;
  }
  return starts;
}

/** Start of the line holding byte `pos`. */
function lineStartAt(buf: Buffer, pos: number): number {
  return pos <= 0 ? 0 : buf.lastIndexOf(10, pos - 1) + 1;
}

/**
 * The literal a scan searches chunks for: the longest, on multi-line formats the longest without
 * a newline (a hit must lie within one line).
 */
function searchNeedle(plan: FileScanPlan): Buffer | undefined {
  const { literals, format } = plan;
  return format.multiline ? literals.find((l) => !l.includes(10)) : literals[0];
}

function contains(buf: Buffer, needle: Buffer, s: number, e: number): boolean {
  if (needle.length === 0) {
    return true;
  }
  return buf.subarray(s, e).indexOf(needle) >= 0;
}

/** The time of the first timed line that starts at or after `pos` in this chunk (bounded look-ahead). */
function timeOfLaterLine(format: LineFormat, buf: Buffer, pos: number): number | undefined {
  let s = pos;
  for (let n = 0; s < buf.length && n < UNTIMED_LOOKBACK_LINES; n++) {
    const nl = buf.indexOf(10, s);
    const ts = format.lineTs(buf, s, lineEnd(buf, s, nl));
    if (!Number.isNaN(ts)) {
      return ts;
    }
    if (nl < 0) {
      break;
    }
    s = nl + 1;
  }
  return undefined;
}

/** The time of the nearest timed line that ends before `pos` in this chunk (bounded look-back). */
function timeOfEarlierLine(format: LineFormat, buf: Buffer, pos: number): number | undefined {
  let e = pos - 1;
  for (let n = 0; e >= 0 && n < UNTIMED_LOOKBACK_LINES; n++) {
    const s = e === 0 ? 0 : buf.lastIndexOf(10, e - 1) + 1;
    const ts = format.lineTs(buf, s, lineEnd(buf, s, e));
    if (!Number.isNaN(ts)) {
      return ts;
    }
    e = s - 1;
  }
  return undefined;
}
