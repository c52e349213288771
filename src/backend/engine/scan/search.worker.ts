/**
 * Worker thread entry: searches parts of files in turn and posts each one's records' bytes (see
 * `search.ts`), skipping those the other thread took back (`JobClaims`). A worker serves one
 * search at a time: the next list of parts comes once every part of the last was answered or
 * taken back.
 */
import { parentPort } from 'node:worker_threads';
import { JobClaims } from './jobClaims';
import { searchPart, type SearchBatch, type SearchReply } from './search';

const port = parentPort;
if (port) {
  port.on('message', async ({ jobs, claims }: SearchBatch) => {
    const taken = new JobClaims(claims);
    for (const [index, job] of jobs.entries()) {
      if (!taken.claimForWorker(index)) {
        continue; // this thread took it back and knows it
      }
      try {
        const message = await searchPart(job);
        port.postMessage(
          { ...message, index } satisfies SearchReply,
          message.kind === 'done' ? [message.bytes.buffer as ArrayBuffer, message.meta.buffer as ArrayBuffer] : []
        );
      } catch (e) {
        port.postMessage({ kind: 'failed', message: (e as Error).message, index } satisfies SearchReply);
      }
    }
  });
}
