/**
 * Worker thread entry: builds an index segment (see `segment.ts`) for each job it is sent, one at
 * a time, and posts it back, its arrays transferred; or posts `failed`.
 */
import { parentPort } from 'node:worker_threads';
import { buildSegment, segmentBuffers, type SegmentJob } from './segment';

const port = parentPort;
if (port) {
  port.on('message', (job: SegmentJob) => {
    buildSegment(job).then(
      (segment) => port.postMessage({ kind: 'done', segment }, segmentBuffers(segment)),
      (e: unknown) => port.postMessage({ kind: 'failed', message: (e as Error).message })
    );
  });
}
