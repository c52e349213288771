/**
 * Live tail: follows the live file of each selected source by polling. New complete lines are
 * returned once each; an unterminated last line waits until it is complete. Rotation (the live
 * path now names another inode) finishes the old file through the still-open handle, then reads
 * the new file from its start; truncation (size below the read position) restarts at 0. Both are
 * reported as notices.
 *
 * Multi-line formats: the last record read may still grow (a stack trace's continuation lines
 * can arrive in a later write), so it is held back until a later record starts after it or the
 * file has been quiet for MULTILINE_HOLD_MS; the read position stays at its start so it is read
 * again whole. A held record is kept in memory too: truncation cannot lose it.
 */
import { stat, type FileHandle } from 'node:fs/promises';
import { emptyStats, type LabelMatcher, type LogRecord, type Notice } from '../model';
import type { FileContext } from '../readers/context';
import type { LogicalSource, SourceFile } from '../sources/discovery';
import { ScanBudget } from './budget';
import { FileScanner } from './fileScan';
import { openLogFile } from '../sources/safeOpen';

export interface TailRequest {
  matchers: LabelMatcher[];
  mustContain?: string[];
  signal: AbortSignal;
  /** Rotation, truncation and unreadable files are reported here. */
  onNotice?: (notice: Notice) => void;
  /** Clock for the multi-line hold (tests drive it); default Date.now. */
  now?: () => number;
}

/** What the tail needs to know about one selected source. */
export interface TailTarget {
  source: LogicalSource;
  literals: Buffer[];
  accept: (record: LogRecord) => boolean;
  context: (file: SourceFile) => FileContext;
  /** Real directories the followed files must resolve into. */
  allowed: string[];
}

interface Followed {
  target: TailTarget;
  file: SourceFile;
  fh: FileHandle;
  offset: number;
  /** End of what was read (past `offset` while a record is held). */
  readEnd: number;
  /** The bytes just before `readEnd` when it was reached: if they change, the file was rewritten. */
  before?: Buffer;
  /** Multi-line formats: the last record read, not returned yet (it starts at `offset`). */
  held?: LogRecord;
  /** Size at the last read, and since when it has not changed. */
  seenSize: number;
  quietSince: number;
}

/** How many bytes before the read position are compared to notice a truncate-and-rewrite. */
const REWRITE_CHECK_BYTES = 64;

async function bytesBefore(fh: FileHandle, offset: number): Promise<Buffer> {
  const length = Math.min(offset, REWRITE_CHECK_BYTES);
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset - length);
  return buf.subarray(0, bytesRead);
}

/** Whether the file no longer holds what was read (truncated, maybe regrown). */
async function wasTruncated(f: Followed, size: number): Promise<boolean> {
  if (size < f.readEnd) {
    return true;
  }
  return f.before !== undefined && !(await bytesBefore(f.fh, f.readEnd)).equals(f.before);
}

export const TAIL_POLL_MS = 300;
/** How long a multi-line record waits for more continuation lines once its file is quiet. */
export const MULTILINE_HOLD_MS = 1000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The offset just after the last newline at or before `size` (where complete lines end). */
async function endOfCompleteLines(fh: FileHandle, size: number): Promise<number> {
  const window = Math.min(size, 1 << 20);
  const buf = Buffer.allocUnsafe(window);
  const { bytesRead } = await fh.read(buf, 0, window, size - window);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
  return nl < 0 ? size : size - window + nl + 1;
}

export async function* followSources(targets: () => TailTarget[], request: TailRequest): AsyncGenerator<LogRecord[]> {
  const follower = new TailFollower(targets, request);
  try {
    await follower.start();
    while (!request.signal.aborted) {
      await sleep(TAIL_POLL_MS, request.signal);
      if (request.signal.aborted) {
        break;
      }
      const out = await follower.poll();
      if (out.length > 0) {
        yield out;
      }
    }
  } finally {
    await follower.close();
  }
}

/** One follow of the selected live files; `poll` returns what is new since the last poll. */
export class TailFollower {
  private readonly followed = new Map<string, Followed>();
  private readonly now: () => number;

  constructor(
    private readonly targets: () => TailTarget[],
    private readonly request: TailRequest
  ) {
    this.now = request.now ?? Date.now;
  }

  private notify(notice: Notice): void {
    this.request.onNotice?.(notice);
  }

  /** Takes the starting position: the end of the complete lines of each live file. */
  async start(): Promise<void> {
    for (const target of this.targets()) {
      if (target.source.files.some((file) => file.live)) {
        const f = await this.openLive(target, true);
        if (f) {
          this.followed.set(target.source.filename, f);
        }
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.followed.values()].map((f) => f.fh.close()));
    this.followed.clear();
  }

  private async openLive(target: TailTarget, fromEnd: boolean): Promise<Followed | undefined> {
    const path = target.source.filename;
    try {
      const fh = await openLogFile(path, target.allowed);
      const st = await fh.stat();
      const file: SourceFile = {
        path,
        size: st.size,
        mtimeMs: st.mtimeMs,
        dev: st.dev,
        ino: st.ino,
        gzip: false,
        live: true,
        age: 0,
      };
      const offset = fromEnd ? await endOfCompleteLines(fh, st.size) : 0;
      return {
        target,
        file,
        fh,
        offset,
        readEnd: offset,
        before: await bytesBefore(fh, offset),
        seenSize: offset,
        quietSince: this.now(),
      };
    } catch (e) {
      this.notify({ severity: 'warning', text: `cannot follow ${path}: ${(e as Error).message}` });
      return undefined;
    }
  }

  /**
   * Reads what was appended since the last read. `final` (the file was rotated away) also takes an
   * unterminated last line and releases a held record.
   */
  private async readNew(f: Followed, final: boolean): Promise<LogRecord[]> {
    const size = (await f.fh.stat()).size;
    const now = this.now();
    if (size !== f.seenSize) {
      f.seenSize = size;
      f.quietSince = now;
    }
    if (size <= f.offset) {
      return [];
    }
    const stats = emptyStats();
    const scanner = new FileScanner(
      {
        path: f.file.path,
        fh: f.fh,
        gzip: false,
        format: f.target.source.format,
        ctx: f.target.context(f.file),
        start: f.offset,
        end: size,
        holdTail: !final,
        direction: 'forward',
        fromMs: -Infinity,
        toMs: Infinity,
        literals: f.target.literals,
        accept: f.target.accept,
        firstTs: Date.now(),
      },
      new ScanBudget(stats, {}, this.request.signal)
    );
    const records: LogRecord[] = [];
    for await (const batch of scanner.records()) {
      records.push(...batch);
    }
    const consumed = Math.max(f.offset, Math.min(scanner.consumedEnd, size));
    let end = consumed;
    f.held = undefined;
    const quiet = now - f.quietSince >= MULTILINE_HOLD_MS;
    if (!final && !quiet && f.target.source.format.multiline && scanner.lastRecordOffset !== undefined) {
      // The last record may still grow: read it again next time (records are already filtered,
      // so it is held only when it passed; either way reading resumes at its start).
      if (records.length > 0 && records[records.length - 1].id === scanner.lastRecordId) {
        f.held = records.pop();
      }
      end = scanner.lastRecordOffset;
    }
    f.offset = Math.max(f.offset, end);
    f.readEnd = consumed;
    f.before = await bytesBefore(f.fh, f.readEnd);
    stats.notices.forEach((n) => this.notify(n));
    return records;
  }

  async poll(): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    const targets = this.targets();
    // A followed file whose source is gone (deleted, no siblings left): finish it, stop following.
    for (const [path, f] of this.followed) {
      if (!targets.some((t) => t.source.filename === path)) {
        out.push(...(await this.readNew(f, true)));
        await f.fh.close();
        this.followed.delete(path);
      }
    }
    for (const target of targets) {
      const path = target.source.filename;
      const current = await stat(path).catch(() => undefined);
      let f = this.followed.get(path);
      if (f === undefined) {
        if (current !== undefined) {
          // A live file that appeared after the tail started: all of it is new.
          f = await this.openLive(target, false);
          if (f) {
            this.followed.set(path, f);
            out.push(...(await this.readNew(f, false)));
          }
        }
        continue;
      }
      if (current !== undefined && (current.ino !== f.file.ino || current.dev !== f.file.dev)) {
        out.push(...(await this.readNew(f, true)));
        await f.fh.close();
        this.followed.delete(path);
        this.notify({ severity: 'info', text: `${path} was rotated; following the new file` });
        const next = await this.openLive(target, false);
        if (next) {
          this.followed.set(path, next);
          out.push(...(await this.readNew(next, false)));
        }
        continue;
      }
      if (await wasTruncated(f, (await f.fh.stat()).size)) {
        this.notify({ severity: 'info', text: `${path} was truncated; reading it again from the start` });
        if (f.held !== undefined) {
          // Its bytes are gone; it was complete as far as anyone could tell.
          out.push(f.held);
          f.held = undefined;
        }
        f.offset = 0;
        f.readEnd = 0;
        f.before = undefined;
        f.seenSize = 0;
      }
      out.push(...(await this.readNew(f, false)));
    }
    return out;
  }
}
