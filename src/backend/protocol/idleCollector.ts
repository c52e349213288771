/**
 * Returns the memory of finished work between bursts of calls. Garbage collection runs when code
 * allocates: a plugin that answered a large query and then waits (its index built by worker
 * threads meanwhile, or Grafana idle) would keep that query's dead buffers and objects, tens of
 * MB, until its next call. After `idleMs` with no call in flight, one full collection frees them.
 * While no call comes, the heap is looked at every `idleMs` and collected again when it grew by
 * GROWTH_BYTES: background work (an index build merging its segments) leaves garbage too, which
 * the next call would otherwise pay for (measured: 50–60 ms for the first query after a build,
 * 37–40 ms once collected).
 */

/** Long enough that a dashboard's burst of calls is over, short enough to matter during a build. */
const IDLE_COLLECT_MS = 1000;
/** Heap growth while idle that is worth a collection (a full one takes a few milliseconds). */
const GROWTH_BYTES = 8 << 20;

export interface IdleCollectorOptions {
  /** A full collection (default: Bun's; nothing elsewhere). */
  collect?: () => void;
  idleMs?: number;
  /** Bytes in use by the heap now (default: the runtime's figure). */
  heapBytes?: () => number;
}

export class IdleCollector {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Heap in use after the last collection, or less when it shrank since (by the runtime's own collections). */
  private baseline = 0;
  private readonly collect: () => void;
  private readonly idleMs: number;
  private readonly heapBytes: () => number;

  constructor(options: IdleCollectorOptions = {}) {
    this.collect = options.collect ?? fullCollection;
    this.idleMs = options.idleMs ?? IDLE_COLLECT_MS;
    this.heapBytes = options.heapBytes ?? (() => process.memoryUsage().heapUsed);
  }

  /** A call started; the returned function ends it (once, whatever happens to the call). */
  begin(): () => void {
    this.inFlight++;
    clearTimeout(this.timer);
    this.timer = undefined;
    let ended = false;
    return () => {
      if (ended) {
        return;
      }
      ended = true;
      this.inFlight--;
      if (this.inFlight === 0) {
        this.wait(true);
      }
    };
  }

  /** After `idleMs`: collect when calls ended (`callsEnded`) or the heap grew, then look again. */
  private wait(callsEnded: boolean): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const heap = this.heapBytes();
      if (callsEnded || heap - this.baseline >= GROWTH_BYTES) {
        this.collect();
        this.baseline = this.heapBytes();
      } else {
        this.baseline = Math.min(this.baseline, heap);
      }
      this.wait(false);
    }, this.idleMs);
    this.timer.unref();
  }
}

/** A full, synchronous collection where the runtime offers one (Bun); nothing elsewhere (Node). */
function fullCollection(): void {
  (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc(true);
}
