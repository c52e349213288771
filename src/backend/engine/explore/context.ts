/**
 * Log context: the records before and after one record of a file, in file order, found from the
 * record's id (file identity + byte offset). With a query, its pipeline runs over the context
 * records: lines it filters out are skipped (more are read to fill the count) and the labels its
 * parsers extract are kept — Loki's context query drops them.
 *
 * Bounded: at most MAX_CONTEXT lines each way, and CONTEXT_BYTES of file read each way (a
 * pipeline that keeps few lines cannot make it read a whole large file).
 */
import { open } from 'node:fs/promises';

import { emptyStats, type Labels, type LogRecord } from '../model';
import { compilePipeline, type Pipeline } from '../logql/pipeline';
import type { LocatedRecord } from '../store';
import { ScanBudget } from '../scan/budget';
import { FileScanner } from '../scan/fileScan';
import { logExprOf } from './logExpr';

export const MAX_CONTEXT = 1000;
export const CONTEXT_BYTES = 64 << 20;

export interface ContextRow {
  id: string;
  ts: number;
  line: string;
  labels: Labels;
}

export interface RecordContext {
  /** Oldest first. */
  before: ContextRow[];
  /** Oldest first. */
  after: ContextRow[];
  /** A bound ended the reading before the counts were reached. */
  cut: boolean;
}

export class UnknownRecordError extends Error {}

const NO_ROW = "no log line starts at this id's position (the file was rotated, truncated or rewritten since)";

type Keep = (record: LogRecord) => ContextRow | undefined;

function keeper(query: string | undefined): Keep {
  if (query === undefined || query.trim() === '') {
    return (r) => ({ id: r.id, ts: r.ts, line: r.line, labels: { ...r.stream, ...r.metadata } });
  }
  const pipeline: Pipeline = compilePipeline(logExprOf(query).stages);
  return (r) => {
    const processed = pipeline.process(r);
    return processed === null ? undefined : { id: r.id, ts: r.ts, line: processed.line, labels: processed.labels };
  };
}

function scanner(
  at: LocatedRecord,
  part: { start: number; end: number; direction: 'forward' | 'backward' },
  firstTs: number,
  stats = emptyStats()
) {
  return new FileScanner(
    {
      path: at.path,
      gzip: at.gzip,
      format: at.format,
      ctx: at.ctx,
      ...part,
      holdTail: at.live,
      fromMs: -Infinity,
      toMs: Infinity,
      literals: [],
      accept: () => true,
      firstTs,
    },
    new ScanBudget(stats, { maxBytesScanned: CONTEXT_BYTES })
  );
}

/** The file's size when `offset` is a line start in it (offset 0 or just after a newline), else -1. */
async function lineStartingFileSize(path: string, offset: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (offset >= size) {
      return -1;
    }
    if (offset === 0) {
      return size;
    }
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, offset - 1);
    return byte[0] === 10 ? size : -1;
  } finally {
    await fh.close();
  }
}

export async function recordContext(
  at: LocatedRecord,
  counts: { before: number; after: number },
  query?: string
): Promise<RecordContext> {
  const keep = keeper(query);
  const anchorId = `${at.ctx.fileKey}:${at.offset}`;
  const before: ContextRow[] = [];
  const after: ContextRow[] = [];
  let cut = false;
  let anchor: LogRecord | undefined;

  if (at.gzip) {
    // A gzip stream is read from its start: keep the last `before` rows until the anchor.
    const stats = emptyStats();
    reading: for await (const batch of scanner(
      at,
      { start: 0, end: 0, direction: 'forward' },
      at.mtimeMs,
      stats
    ).records()) {
      for (const record of batch) {
        if (anchor === undefined) {
          if (record.id === anchorId) {
            anchor = record;
            continue;
          }
          const row = keep(record);
          if (row !== undefined) {
            before.push(row);
            if (before.length > counts.before) {
              before.shift();
            }
          }
        } else if (after.length < counts.after) {
          const row = keep(record);
          if (row !== undefined) {
            after.push(row);
          }
        } else {
          break reading;
        }
      }
    }
    cut = stats.truncated !== undefined;
  } else {
    const size = await lineStartingFileSize(at.path, at.offset);
    if (size < 0) {
      throw new UnknownRecordError(NO_ROW);
    }
    const backStats = emptyStats();
    const older: ContextRow[] = [];
    let previousTs: number | undefined;
    if (at.offset > 0) {
      reading: for await (const batch of scanner(
        at,
        { start: 0, end: at.offset, direction: 'backward' },
        at.mtimeMs,
        backStats
      ).records()) {
        for (const record of batch) {
          previousTs ??= record.ts;
          if (older.length >= counts.before) {
            break reading;
          }
          const row = keep(record);
          if (row !== undefined) {
            older.push(row);
          }
        }
      }
    }
    before.push(...older.reverse());
    const forwardStats = emptyStats();
    reading: for await (const batch of scanner(
      at,
      { start: at.offset, end: size, direction: 'forward' },
      previousTs ?? at.mtimeMs,
      forwardStats
    ).records()) {
      for (const record of batch) {
        if (anchor === undefined) {
          if (record.id !== anchorId) {
            break reading;
          }
          anchor = record;
          continue;
        }
        if (after.length >= counts.after) {
          break reading;
        }
        const row = keep(record);
        if (row !== undefined) {
          after.push(row);
        }
      }
    }
    cut = (backStats.truncated !== undefined && older.length < counts.before) || forwardStats.truncated !== undefined;
  }
  if (anchor === undefined) {
    throw new UnknownRecordError(
      `no log line starts at this id's position (the file was rotated, truncated or rewritten)`
    );
  }
  return { before, after, cut };
}
