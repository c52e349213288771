/**
 * Log queries: selector → store scan (with the query's required literals as a prefilter) →
 * pipeline → the `limit` newest (backward) or oldest (forward) entries in [start, end).
 *
 * The store's order is only approximately monotonic (entries may be out of order by up to
 * DISORDER_TOLERANCE_MS), so entries go through a bounded heap, and the scan stops only once no
 * record still to come can rank above the worst entry kept.
 */
import type { LogExpr } from '../logql/ast';
import { compilePipeline, scanHints } from '../logql/pipeline';
import { throwIfAborted } from '../logql/metric/errors';
import { formatLabels, labelsKey } from '../logql/metric/labels';
import {
  DISORDER_TOLERANCE_MS,
  type Direction,
  type Labels,
  type LogRecord,
  type LogStore,
  type ScanStats,
} from '../model';
import { BoundedHeap } from './heap';
import type { QueryRequest, StreamEntry, StreamsResult } from './types';

interface Kept {
  ts: number;
  /** Arrival order, to break timestamp ties stably. */
  seq: number;
  entry?: StreamEntry;
  labels?: Labels;
}

/** The entry's labels split the way Loki categorises them: structured metadata vs. parsed. */
export function toEntry(record: LogRecord, line: string, labels: Labels): StreamEntry {
  const structuredMetadata: Labels = {};
  const parsed: Labels = {};
  const stream = record.stream;
  const metadata = record.metadata;
  for (const name of Object.keys(labels)) {
    if (name in stream && stream[name] === labels[name]) {
      continue;
    }
    if (name in metadata) {
      structuredMetadata[name] = labels[name];
    } else {
      parsed[name] = labels[name];
    }
  }
  return { ts: record.ts, line, id: record.id, structuredMetadata, parsed };
}

/** Groups entries into streams by full label set; streams sorted by label text as Loki does. */
export function groupStreams(kept: Array<{ entry: StreamEntry; labels: Labels }>): StreamsResult['streams'] {
  const byKey = new Map<string, { labels: Labels; entries: StreamEntry[] }>();
  for (const { entry, labels } of kept) {
    const key = labelsKey(labels);
    let stream = byKey.get(key);
    if (!stream) {
      stream = { labels, entries: [] };
      byKey.set(key, stream);
    }
    stream.entries.push(entry);
  }
  return [...byKey.values()]
    .map((s) => ({ s, text: formatLabels(s.labels) }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map(({ s }) => s);
}

function rankWorse(direction: Direction): (a: Kept, b: Kept) => boolean {
  return direction === 'backward'
    ? (a, b) => a.ts < b.ts || (a.ts === b.ts && a.seq > b.seq)
    : (a, b) => a.ts > b.ts || (a.ts === b.ts && a.seq > b.seq);
}

export async function runLogQuery(
  store: LogStore,
  expr: LogExpr,
  req: QueryRequest,
  limit: number,
  stats: ScanStats
): Promise<StreamsResult> {
  const direction = req.direction ?? 'backward';
  const pipeline = compilePipeline(expr.stages);
  const worse = rankWorse(direction);
  const heap = new BoundedHeap<Kept>(limit, worse);
  // Backward: later records are at most TOLERANCE newer than any record already seen.
  let bound = direction === 'backward' ? Infinity : -Infinity;
  let seq = 0;
  const scan = store.scan(
    {
      matchers: expr.matchers,
      fromMs: req.startMs,
      toMs: req.endMs,
      direction,
      ...scanHints(expr),
      signal: req.signal,
      limits: req.limits,
    },
    stats
  );
  scanning: for await (const batch of scan) {
    throwIfAborted(req.signal);
    for (const record of batch) {
      const ts = record.ts;
      if (direction === 'backward') {
        bound = Math.min(bound, ts);
      } else {
        bound = Math.max(bound, ts);
      }
      const probe: Kept = { ts, seq: seq++ };
      if (ts >= req.startMs && ts < req.endMs && heap.accepts(probe)) {
        const processed = pipeline.process(record);
        if (processed) {
          probe.entry = toEntry(record, processed.line, processed.labels);
          probe.labels = processed.labels;
          heap.offer(probe);
        }
      }
      const worst = heap.peekWorst();
      if (heap.full && worst) {
        const exhausted =
          direction === 'backward'
            ? bound + DISORDER_TOLERANCE_MS < worst.ts
            : bound - DISORDER_TOLERANCE_MS > worst.ts;
        if (exhausted) {
          break scanning;
        }
      }
    }
  }
  throwIfAborted(req.signal);
  const kept = heap
    .toArray()
    .sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0))
    .map((k) => ({ entry: k.entry!, labels: k.labels! }));
  return { resultType: 'streams', streams: groupStreams(kept) };
}
