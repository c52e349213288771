/**
 * Live tail: follows the live file of each selected source by polling. New complete lines are
 * returned once each; an unterminated last line waits until it is complete. Rotation (the live
 * path now names another inode) finishes the old file through the still-open handle, then reads
 * the new file from its start; truncation (size below the read position) restarts at 0. Both are
 * reported as notices. A multi-line record whose continuation lines arrive in a later poll is
 * returned as two records.
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
  /** The bytes just before `offset` when it was reached: if they change, the file was rewritten. */
  before?: Buffer;
}

/** How many bytes before the read position are compared to notice a truncate-and-rewrite. */
const REWRITE_CHECK_BYTES = 64;

async function bytesBefore(fh: FileHandle, offset: number): Promise<Buffer> {
  const length = Math.min(offset, REWRITE_CHECK_BYTES);
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset - length);
  return buf.subarray(0, bytesRead);
}

/** Whether the file no longer holds what was read up to `offset` (truncated, maybe regrown). */
async function wasTruncated(f: Followed, size: number): Promise<boolean> {
  if (size < f.offset) {
    return true;
  }
  return f.before !== undefined && !(await bytesBefore(f.fh, f.offset)).equals(f.before);
}

export const TAIL_POLL_MS = 300;

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
  const { signal } = request;
  const notify = (notice: Notice) => request.onNotice?.(notice);
  const followed = new Map<string, Followed>();

  const openLive = async (target: TailTarget, fromEnd: boolean): Promise<Followed | undefined> => {
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
      return { target, file, fh, offset, before: await bytesBefore(fh, offset) };
    } catch (e) {
      notify({ severity: 'warning', text: `cannot follow ${path}: ${(e as Error).message}` });
      return undefined;
    }
  };

  /** Reads what was appended since the last read; `final` also takes an unterminated last line. */
  const readNew = async (f: Followed, final: boolean): Promise<LogRecord[]> => {
    const size = (await f.fh.stat()).size;
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
      new ScanBudget(stats, {}, signal)
    );
    const records: LogRecord[] = [];
    for await (const batch of scanner.records()) {
      records.push(...batch);
    }
    f.offset = Math.max(f.offset, Math.min(scanner.consumedEnd, size));
    f.before = await bytesBefore(f.fh, f.offset);
    stats.notices.forEach(notify);
    return records;
  };

  try {
    for (const target of targets()) {
      if (target.source.files.some((file) => file.live)) {
        const f = await openLive(target, true);
        if (f) {
          followed.set(target.source.filename, f);
        }
      }
    }
    while (!signal.aborted) {
      await sleep(TAIL_POLL_MS, signal);
      if (signal.aborted) {
        break;
      }
      const out: LogRecord[] = [];
      for (const target of targets()) {
        const path = target.source.filename;
        const current = await stat(path).catch(() => undefined);
        let f = followed.get(path);
        if (f === undefined) {
          if (current !== undefined) {
            // A live file that appeared after the tail started: all of it is new.
            f = await openLive(target, false);
            if (f) {
              followed.set(path, f);
              out.push(...(await readNew(f, false)));
            }
          }
          continue;
        }
        if (current !== undefined && (current.ino !== f.file.ino || current.dev !== f.file.dev)) {
          out.push(...(await readNew(f, true)));
          await f.fh.close();
          followed.delete(path);
          notify({ severity: 'info', text: `${path} was rotated; following the new file` });
          const next = await openLive(target, false);
          if (next) {
            followed.set(path, next);
            out.push(...(await readNew(next, false)));
          }
          continue;
        }
        if (await wasTruncated(f, (await f.fh.stat()).size)) {
          notify({ severity: 'info', text: `${path} was truncated; reading it again from the start` });
          f.offset = 0;
          f.before = undefined;
        }
        out.push(...(await readNew(f, false)));
      }
      if (out.length > 0) {
        yield out;
      }
    }
  } finally {
    await Promise.all([...followed.values()].map((f) => f.fh.close()));
  }
}
