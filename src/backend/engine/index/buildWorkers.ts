/**
 * The worker threads that build index segments. A worker that answered waits IDLE_MS for the next
 * job before it ends (at most PARALLEL_PARTS wait): a start-up build of 10 GB runs about thirty
 * jobs, and a worker per job loaded and compiled its code each time, and left a torn-down heap
 * behind each time.
 */
import { PARALLEL_PARTS } from '../scan/parts';
import { listenTo, SpareWorkers } from '../scan/workers';
import type { Segment, SegmentJob } from './segment';

const IDLE_MS = 2000;

const buildWorkers = new SpareWorkers(
  'engine/index/segment.worker.ts',
  new URL('./segment.worker.ts', import.meta.url),
  PARALLEL_PARTS,
  IDLE_MS
);

/** Builds `job` in a worker thread; undefined where none can run (the caller builds it here). */
export function buildInWorker(job: SegmentJob): Promise<Segment> | undefined {
  const worker = buildWorkers.take();
  if (worker === undefined) {
    return undefined;
  }
  return new Promise<Segment>((resolve, reject) => {
    let unlisten = () => {};
    const settle = (reusable: boolean, answer: () => void) => {
      unlisten();
      buildWorkers.release(worker, reusable);
      answer();
    };
    unlisten = listenTo(worker, {
      message: (m: { kind: 'done'; segment: Segment } | { kind: 'failed'; message: string }) =>
        m.kind === 'done' ? settle(true, () => resolve(m.segment)) : settle(false, () => reject(new Error(m.message))),
      error: (e) => settle(false, () => reject(e)),
      exit: (code) => settle(false, () => reject(new Error(`index worker exited with code ${code}`))),
    });
    worker.unref();
    worker.postMessage(job);
  });
}
