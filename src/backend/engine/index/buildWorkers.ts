/**
 * The worker threads that build index segments. A worker that answered waits IDLE_MS for the next
 * job before it ends (at most PARALLEL_PARTS wait): a start-up build of 10 GB runs about thirty
 * jobs, and a worker per job loaded and compiled its code each time, and left a torn-down heap
 * behind each time.
 */
import { PARALLEL_PARTS } from '../scan/parts';
import { SpareWorkers } from '../scan/workers';
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
    const settle = (reusable: boolean, answer: () => void) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable) {
        buildWorkers.keep(worker);
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
