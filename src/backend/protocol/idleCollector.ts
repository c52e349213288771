/**
 * Returns the memory of finished calls between bursts of calls. Garbage collection runs when code
 * allocates: a plugin that answered a large query and then waits (its index built by worker
 * threads meanwhile, or Grafana idle) would keep that query's dead buffers and objects, tens of
 * MB, until its next call. After `idleMs` with no call in flight, one full collection frees them.
 */

/** Long enough that a dashboard's burst of calls is over, short enough to matter during a build. */
const IDLE_COLLECT_MS = 1000;

export class IdleCollector {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collect: () => void = fullCollection,
    private readonly idleMs = IDLE_COLLECT_MS
  ) {}

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
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.collect();
        }, this.idleMs);
        this.timer.unref();
      }
    };
  }
}

/** A full, synchronous collection where the runtime offers one (Bun); nothing elsewhere (Node). */
function fullCollection(): void {
  (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc(true);
}
