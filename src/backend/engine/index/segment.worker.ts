/**
 * Worker thread entry: builds an index segment (see `segment.ts`) for each job it is sent, one at
 * a time, and posts it back, its arrays transferred; or posts `failed`. The thread runs at the
 * lowest priority: builds use the cores queries leave idle.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../scan/workers';
import { buildSegment, segmentBuffers, type SegmentJob } from './segment';

const port = parentPort;
if (port) {
  void lowerThreadPriority();
  port.on('message', (job: SegmentJob) => {
    buildSegment(job).then(
      (segment) => port.postMessage({ kind: 'done', segment }, segmentBuffers(segment)),
      (e: unknown) => port.postMessage({ kind: 'failed', message: (e as Error).message })
    );
  });
}
