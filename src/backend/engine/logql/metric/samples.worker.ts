/**
 * Worker thread entry: scans parts of files and posts their samples (see `parallel.ts`). For each
 * PartJob it receives (one at a time: the next comes once this one answered), it posts `batch`
 * messages (their arrays transferred), then `done` or `failed`.
 */
import { parentPort } from 'node:worker_threads';
import { collectPart, type PartJob, type PartMessage } from './samples';

const port = parentPort;
if (port) {
  port.on('message', (job: PartJob) => {
    const send = (message: PartMessage) => {
      if (message.kind === 'batch') {
        const { ts, value, cell, series, cellCounts = [] } = message.batch;
        const arrays = [ts, value, cell, series, ...cellCounts];
        port.postMessage(message, [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]);
      } else {
        port.postMessage(message);
      }
    };
    collectPart(job, send).catch((e: unknown) => send({ kind: 'failed', message: (e as Error).message }));
  });
}
