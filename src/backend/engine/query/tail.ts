/**
 * Live tailing of a log query: optionally replays [startMs, now) first, then follows the store's
 * tail, yielding each batch's passing entries grouped into streams.
 */
import type { LogExpr } from '../logql/ast';
import { compilePipeline, requiredLiterals, type Pipeline } from '../logql/pipeline';
import { parseLogQL } from '../logql/parser';
import { DISORDER_TOLERANCE_MS, emptyStats, type LabelMatcher, type LogRecord, type LogStore } from '../model';
import { groupStreams, toEntry } from './logQuery';
import type { StreamsResult } from './types';

/** What the store's live tail is asked for (new records appended after the call). */
export interface TailRequest {
  matchers: LabelMatcher[];
  mustContain?: string[];
  signal: AbortSignal;
}

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
  // Start following before replaying so nothing written in between is missed; records the
  // replay already returned (recent ones, by id) are skipped when the tail repeats them.
  const live = tailable.tail({ matchers: logExpr.matchers, mustContain, signal: req.signal });
  const replayed = new Set<string>();
  let replayEnd = -Infinity;
  if (req.startMs !== undefined) {
    replayEnd = Date.now();
    const scan = store.scan(
      { matchers: logExpr.matchers, fromMs: req.startMs, toMs: replayEnd, direction: 'forward', mustContain, signal: req.signal },
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
  for await (const batch of live) {
    const streams = toStreams(batch, pipeline, (r) => replayed.has(r.id) || r.ts < replayEnd - DISORDER_TOLERANCE_MS);
    if (streams.length > 0) {
      yield streams;
    }
    if (req.signal.aborted) {
      return;
    }
  }
}
