/**
 * Live tailing of a log query: optionally replays [startMs, now) first, then follows the store's
 * tail, yielding each batch's passing entries grouped into streams.
 */
import type { LogExpr } from '../logql/ast';
import { compilePipeline, requiredLiterals, type Pipeline } from '../logql/pipeline';
import { parseLogQL } from '../logql/parser';
import { DISORDER_TOLERANCE_MS, emptyStats, type LogRecord, type LogStore } from '../model';
import type { TailRequest } from '../scan/tail';
import { groupStreams, toEntry } from './logQuery';
import type { StreamsResult } from './types';

/** A store that can follow its live files (the file store can; see `FileLogStore.tail`). */
type TailableStore = LogStore & { tail?(request: TailRequest): AsyncIterable<LogRecord[]> };

function toStreams(batch: LogRecord[], pipeline: Pipeline, skip: (r: LogRecord) => boolean): StreamsResult['streams'] {
  const kept: Parameters<typeof groupStreams>[0] = [];
  for (const record of batch) {
    if (skip(record)) {
      continue;
    }
    const processed = pipeline.process(record);
    if (processed) {
      kept.push({ entry: toEntry(record, processed.line, processed.labels), labels: processed.labels });
    }
  }
  kept.sort((a, b) => a.entry.ts - b.entry.ts);
  return groupStreams(kept);
}

export async function* tailQuery(
  store: LogStore,
  req: { query: string; signal: AbortSignal; startMs?: number }
): AsyncIterable<StreamsResult['streams']> {
  const expr = parseLogQL(req.query);
  if (expr.kind !== 'log') {
    throw new Error('only log queries can be tailed');
  }
  const tailable = store as TailableStore;
  if (!tailable.tail) {
    throw new Error('this log store cannot be tailed');
  }
  const logExpr: LogExpr = expr;
  const pipeline = compilePipeline(logExpr.stages);
  const mustContain = requiredLiterals(logExpr);
  // Start following before replaying (the first pull makes the tail take its starting position),
  // so nothing written during the replay is missed; what both return is skipped by id.
  const live = tailable.tail({ matchers: logExpr.matchers, mustContain, signal: req.signal })[Symbol.asyncIterator]();
  let pending = live.next();
  pending.catch(() => undefined); // observed below; avoids an unhandled rejection during the replay
  const replayed = new Set<string>();
  let replayEnd = -Infinity;
  try {
    if (req.startMs !== undefined) {
      replayEnd = Date.now();
      const scan = store.scan(
        {
          matchers: logExpr.matchers,
          fromMs: req.startMs,
          toMs: replayEnd,
          direction: 'forward',
          mustContain,
          signal: req.signal,
        },
        emptyStats()
      );
      for await (const batch of scan) {
        for (const record of batch) {
          if (record.ts >= replayEnd - DISORDER_TOLERANCE_MS) {
            replayed.add(record.id);
          }
        }
        const streams = toStreams(batch, pipeline, () => false);
        if (streams.length > 0) {
          yield streams;
        }
      }
    }
    for (;;) {
      const next = await pending;
      if (next.done || req.signal.aborted) {
        return;
      }
      const streams = toStreams(
        next.value,
        pipeline,
        (r) => replayed.has(r.id) || r.ts < replayEnd - DISORDER_TOLERANCE_MS
      );
      if (streams.length > 0) {
        yield streams;
      }
      pending = live.next();
    }
  } finally {
    // Not awaited: a tail blocked waiting for new lines finishes once its signal aborts.
    live.return?.().catch(() => undefined);
  }
}
