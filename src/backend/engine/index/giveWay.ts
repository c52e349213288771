/**
 * Index builds give way to queries. Running queries are counted in memory shared with the build
 * workers, which wait before reading each block while the count is above zero: a query that
 * arrives during a build gets the cores (it scans what the index does not cover yet). A wait lasts
 * at most MAX_WAIT_MS; when it runs out, the build goes on for BUILD_SLICE_MS before it gives way
 * again, so a steady stream of queries cannot starve the index that would answer them.
 */
import type { ScanStats } from '../model';
import { ScanBudget } from '../scan/budget';

const MAX_WAIT_MS = 500;
const BUILD_SLICE_MS = 250;
/**
 * Builds waiting for the queries start this long after the last one ended, if none started
 * meanwhile. A query ends when the engine has its answer, which is then still to be framed,
 * encoded and sent: two build workers starting then (thread, code loading) delayed a plugin's
 * first answer (first trace call: median 360 against 353 ms with this grace, eight probes each).
 */
const START_GRACE_MS = 30;

/** The count of running queries, shareable with worker threads. */
export function newQueryCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Counts a query in; the returned function counts it out (once) and wakes waiting builds. */
export function countQuery(counter: Int32Array): () => void {
  Atomics.add(counter, 0, 1);
  let ended = false;
  return () => {
    if (!ended) {
      ended = true;
      if (Atomics.sub(counter, 0, 1) === 1) {
        Atomics.notify(counter, 0);
      }
    }
  };
}

/**
 * The running queries as the main thread sees them: the shared count that build workers wait on,
 * and build jobs waiting to start until the queries end.
 */
export class RunningQueries {
  readonly counter = newQueryCounter();
  private readonly waiting = new Set<() => void>();

  /** Counts a query in; the returned function counts it out (once), and starts waiting builds soon after the last. */
  started(): () => void {
    const ended = countQuery(this.counter);
    return () => {
      ended();
      if (Atomics.load(this.counter, 0) === 0 && this.waiting.size > 0) {
        setTimeout(() => {
          if (Atomics.load(this.counter, 0) === 0) {
            for (const start of [...this.waiting]) {
              start();
            }
          }
        }, START_GRACE_MS).unref();
      }
    };
  }

  /**
   * Resolves once no query runs, or after MAX_WAIT_MS. A build starts only then: a worker's
   * start-up (loading and compiling its code) cannot give way, and two of them starting with a
   * plugin's first query took CPU from its two scanning threads.
   */
  ended(): Promise<void> {
    if (Atomics.load(this.counter, 0) === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const start = () => {
        clearTimeout(timer);
        this.waiting.delete(start);
        resolve();
      };
      const timer = setTimeout(start, MAX_WAIT_MS);
      this.waiting.add(start);
    });
  }
}

/**
 * Blocks this (worker) thread while queries run, for at most MAX_WAIT_MS; false when it stopped
 * waiting with queries still running.
 */
export function waitWhileQueriesRun(counter: Int32Array): boolean {
  const until = performance.now() + MAX_WAIT_MS;
  for (let running = Atomics.load(counter, 0); running > 0; running = Atomics.load(counter, 0)) {
    const left = until - performance.now();
    if (left <= 0) {
      return false;
    }
    Atomics.wait(counter, 0, running, left);
  }
  return true;
}

/** A build's budget: before each block is read, it gives way to running queries (see above). */
export class GivingWayBudget extends ScanBudget {
  /** The build runs without giving way until then (after a wait ran out). */
  private sliceEnd = -Infinity;

  constructor(
    stats: ScanStats,
    signal: AbortSignal | undefined,
    private readonly queries: Int32Array
  ) {
    super(stats, {}, signal);
  }

  override ok(): boolean {
    if (performance.now() >= this.sliceEnd && !waitWhileQueriesRun(this.queries)) {
      this.sliceEnd = performance.now() + BUILD_SLICE_MS;
    }
    return super.ok();
  }
}
