/**
 * Which thread searches each job of a split search, in memory both threads share, so that no job
 * is searched twice: the worker claims the jobs in order, from the front; this thread, when it has
 * nothing left of its own to scan, takes back a job the worker has not started, from the back.
 * The two meet where the work is balanced, whatever each job costs.
 */

const FREE = 0;
const WORKER = 1;
const HERE = 2;

export class JobClaims {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Int32Array;

  /** New claims for `jobs` jobs, or the claims another thread created (their buffer). */
  constructor(jobs: number | SharedArrayBuffer) {
    this.buffer = typeof jobs === 'number' ? new SharedArrayBuffer(jobs * Int32Array.BYTES_PER_ELEMENT) : jobs;
    this.cells = new Int32Array(this.buffer);
  }

  /** The worker: whether it may search job `index` (false: this thread took it back). */
  claimForWorker(index: number): boolean {
    return Atomics.compareExchange(this.cells, index, FREE, WORKER) === FREE;
  }

  /**
   * This thread: the last job with `wanted[index]` set that the worker has not started, now this
   * thread's; undefined when there is none. Jobs behind one the worker claimed are never free (it
   * claims in order), so the look stops there.
   */
  takeBack(wanted: Uint8Array): number | undefined {
    for (let index = this.cells.length - 1; index >= 0; index--) {
      const was = Atomics.load(this.cells, index);
      if (was === WORKER) {
        return undefined;
      }
      if (was === FREE && wanted[index] === 1 && Atomics.compareExchange(this.cells, index, FREE, HERE) === FREE) {
        return index;
      }
    }
    return undefined;
  }
}
