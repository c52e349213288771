/**
 * Merging per-file record streams into one stream ordered by time in the scan direction. Each
 * input is already (nearly) ordered; one input is passed through untouched.
 *
 * With `readAhead`, each input is asked for its next batch as soon as it hands one out, so that
 * an input holding records the merge cannot place yet (it waits for another thread's part) goes
 * on reading meanwhile instead of leaving this thread idle. The caller then ends the inputs' scans
 * itself when it stops early (`ScanBudget.end`): an input asked ahead reads until its next batch.
 * Without it, an input is asked only after the consumer asked for the next merged batch, so inputs
 * that reuse their batches' memory stay correct (`FileScanPlan.transient`).
 */
import type { Direction, LogRecord } from '../model';

interface Head {
  source: AsyncIterator<LogRecord[]>;
  batch: LogRecord[];
  i: number;
  /** The next batch, asked for ahead. */
  ahead?: Promise<IteratorResult<LogRecord[]>>;
}

async function advance(head: Head, readAhead: boolean): Promise<boolean> {
  for (;;) {
    const next = await (head.ahead ?? head.source.next());
    head.ahead = undefined;
    if (next.done) {
      return false;
    }
    if (next.value.length > 0) {
      head.batch = next.value;
      head.i = 0;
      if (readAhead) {
        head.ahead = head.source.next();
        head.ahead.catch(() => {}); // seen when the merge reaches it; unseen if it stops first
      }
      return true;
    }
  }
}

export async function* mergeByTime(
  sources: Array<AsyncIterator<LogRecord[]>>,
  direction: Direction,
  batchSize: number,
  readAhead = false
): AsyncGenerator<LogRecord[]> {
  if (sources.length === 1) {
    for (let next = await sources[0].next(); !next.done; next = await sources[0].next()) {
      if (next.value.length > 0) {
        yield next.value;
      }
    }
    return;
  }
  // Every input's first batch at once: while one waits for a part searched by another thread,
  // this thread reads the other inputs (they yield to the event loop as they go).
  const all: Head[] = sources.map((source) => ({ source, batch: [], i: 0 }));
  const started = await Promise.all(all.map((head) => advance(head, readAhead)));
  const heads = all.filter((_, k) => started[k]);
  const sign = direction === 'forward' ? 1 : -1;
  let out: LogRecord[] = [];
  while (heads.length > 0) {
    let best = 0;
    let bestTs = heads[0].batch[heads[0].i].ts * sign;
    for (let h = 1; h < heads.length; h++) {
      const ts = heads[h].batch[heads[h].i].ts * sign;
      if (ts < bestTs) {
        best = h;
        bestTs = ts;
      }
    }
    const head = heads[best];
    out.push(head.batch[head.i++]);
    if (head.i === head.batch.length) {
      // The records handed out so far go before this input is asked for more: an input may
      // reuse a batch's memory once asked for the next (transient scans).
      yield out;
      out = [];
      if (!(await advance(head, readAhead))) {
        heads.splice(best, 1);
      }
    } else if (out.length >= batchSize) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) {
    yield out;
  }
}
