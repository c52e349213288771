/**
 * The worker threads that build index segments. A worker that answered waits IDLE_MS for the next
 * job before it ends (at most PARALLEL_PARTS wait): a start-up build of 10 GB runs about thirty
 * jobs, and a worker per job loaded and compiled its code each time, and left a torn-down heap
 * behind each time.
 */
import type { Worker } from 'node:worker_threads';
import { PARALLEL_PARTS } from '../scan/parts';
import { newWorker } from '../scan/workers';
import type { Segment, SegmentJob } from './segment';

const IDLE_MS = 2000;

interface Spare {
  worker: Worker;
  timer: NodeJS.Timeout;
  /** Forgets the spare (it ended, failed or waited too long). */
  drop: () => void;
}

const spares: Spare[] = [];

/** A waiting worker, else a new one; undefined where workers cannot run. */
function takeWorker(): Worker | undefined {
  const spare = spares.pop();
  if (spare === undefined) {
    return newWorker('engine/index/segment.worker.ts', new URL('./segment.worker.ts', import.meta.url));
  }
  clearTimeout(spare.timer);
  spare.worker.off('error', spare.drop);
  spare.worker.off('exit', spare.drop);
  return spare.worker;
}

function keepWaiting(worker: Worker): void {
  if (spares.length >= PARALLEL_PARTS) {
    void worker.terminate();
    return;
  }
  const spare: Spare = {
    worker,
    timer: setTimeout(() => {
      spare.drop();
      void worker.terminate();
    }, IDLE_MS),
    drop: () => {
      clearTimeout(spare.timer);
      const at = spares.indexOf(spare);
      if (at >= 0) {
        spares.splice(at, 1);
      }
    },
  };
  spare.timer.unref();
  // A waiting worker that fails or ends is not handed out (and its error is not left unhandled).
  worker.on('error', spare.drop);
  worker.on('exit', spare.drop);
  spares.push(spare);
}

/** Builds `job` in a worker thread; undefined where none can run (the caller builds it here). */
export function buildInWorker(job: SegmentJob): Promise<Segment> | undefined {
  const worker = takeWorker();
  if (worker === undefined) {
    return undefined;
  }
  return new Promise<Segment>((resolve, reject) => {
    const settle = (reusable: boolean, answer: () => void) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable) {
        keepWaiting(worker);
      } else {
        void worker.terminate();
      }
      answer();
    };
    const onMessage = (m: { kind: 'done'; segment: Segment } | { kind: 'failed'; message: string }) =>
      m.kind === 'done' ? settle(true, () => resolve(m.segment)) : settle(false, () => reject(new Error(m.message)));
    const onError = (e: Error) => settle(false, () => reject(e));
    const onExit = (code: number) => settle(false, () => reject(new Error(`index worker exited with code ${code}`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.unref();
    worker.postMessage(job);
  });
}
