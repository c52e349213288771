/**
 * Fair scheduling of concurrent queries in one process (the plugin serves every panel of every
 * dashboard at once on two cores):
 * - **light** queries (the data they can touch spans at most LIGHT_SPAN_MS: the last hour of a
 *   service, a short panel) never wait;
 * - **heavy** queries (days of data) run `heavySlots` at a time, first come first served:
 *   this bounds the memory and CPU of concurrent scans, and keeps the event loop free enough for
 *   light queries to answer at once;
 * - identical queries asked at the same time (one dashboard open in several browsers) share one
 *   run; it is cancelled only when every asker has gone;
 * - a query that waited for a slot says so in a notice;
 * - a cancelled query leaves the queue at once.
 */
import type { Expr } from '../logql/ast';
import { QueryCancelledError } from '../logql/metric/errors';
import type { Notice } from '../model';
import type { QueryRequest, QueryResult } from './types';

/** Queries touching at most this span of time (range plus range-vector window) are light. */
export const LIGHT_SPAN_MS = 3_600_000;
/**
 * Heavy queries running at once. One: a long scan of a large file already uses both cores of the
 * deployment machines (its parts go to a worker thread), and each running scan holds its chunks and
 * a worker's heap. Measured on the week corpus, 50 concurrent queries: peak RSS 291 MB with two,
 * 258 MB with one, and the whole load finished sooner.
 */
export const HEAVY_SLOTS = 1;
/** A wait shorter than this is not worth a notice. */
const NOTICE_WAIT_MS = 100;

/** The widest range-vector window plus offset in the expression (0 for log queries). */
function widestWindow(node: unknown): number {
  if (node === null || typeof node !== 'object') {
    return 0;
  }
  let widest = 0;
  const record = node as Record<string, unknown>;
  if (record.kind === 'range' && typeof record.rangeMs === 'number') {
    widest = record.rangeMs + (typeof record.offsetMs === 'number' ? Math.max(0, record.offsetMs) : 0);
  }
  for (const value of Object.values(record)) {
    widest = Math.max(widest, widestWindow(value));
  }
  return widest;
}

export function isLight(expr: Expr, req: QueryRequest): boolean {
  const range = req.instant ? 0 : req.endMs - req.startMs;
  return range + widestWindow(expr) <= LIGHT_SPAN_MS;
}

interface Waiter {
  start: () => void;
  cancel: () => void;
}

interface SharedRun {
  promise: Promise<QueryResult>;
  askers: number;
  controller: AbortController;
}

export class QueryScheduler {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly shared = new Map<string, SharedRun>();

  constructor(private readonly heavySlots = HEAVY_SLOTS) {}

  /** Queries waiting for a slot (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `execute` for `req` under the scheduling rules. `key` identifies identical queries
   * (same store, same request); `execute` gets the signal of the shared run.
   */
  async run(
    key: string,
    light: boolean,
    req: QueryRequest,
    execute: (signal: AbortSignal) => Promise<QueryResult>
  ): Promise<QueryResult> {
    let run = this.shared.get(key);
    if (run === undefined) {
      const controller = new AbortController();
      const created: SharedRun = {
        controller,
        askers: 0,
        promise: this.scheduled(light, controller.signal, execute).finally(() => {
          if (this.shared.get(key) === created) {
            this.shared.delete(key);
          }
        }),
      };
      run = created;
      this.shared.set(key, run);
    }
    const joined = run;
    joined.askers++;
    const leave = () => {
      joined.askers--;
      if (joined.askers === 0) {
        joined.controller.abort();
      }
    };
    if (req.signal?.aborted) {
      leave();
      throw new QueryCancelledError();
    }
    // An asker that leaves gets its answer (cancelled) at once, whatever the shared run does.
    let onAbort: () => void = () => {};
    const left = new Promise<never>((_, reject) => {
      onAbort = () => {
        leave();
        reject(new QueryCancelledError());
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
    });
    left.catch(() => undefined);
    try {
      return await Promise.race([joined.promise, left]);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async scheduled(
    light: boolean,
    signal: AbortSignal,
    execute: (signal: AbortSignal) => Promise<QueryResult>
  ): Promise<QueryResult> {
    if (light) {
      return execute(signal);
    }
    const asked = performance.now();
    await this.acquire(signal);
    const waitedMs = performance.now() - asked;
    try {
      const result = await execute(signal);
      return waitedMs < NOTICE_WAIT_MS ? result : { ...result, notices: [waitNotice(waitedMs), ...result.notices] };
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (this.running < this.heavySlots) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal.removeEventListener('abort', waiter.cancel);
          this.running++;
          resolve();
        },
        cancel: () => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) {
            this.queue.splice(at, 1);
          }
          reject(new QueryCancelledError());
        },
      };
      signal.addEventListener('abort', waiter.cancel, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.start();
  }
}

function waitNotice(waitedMs: number): Notice {
  return {
    severity: 'info',
    text: `this query waited ${(waitedMs / 1000).toFixed(1)} s for other long queries to finish (at most ${HEAVY_SLOTS} run at once)`,
  };
}
