/**
 * Worker thread entry: searches parts of files in turn and posts each one's records' bytes (see
 * `search.ts`). A worker serves one search at a time: the next list of parts comes once it has
 * answered every part of the last.
 */
import { parentPort } from 'node:worker_threads';
import { searchPart, type SearchJob, type SearchReply } from './search';

const port = parentPort;
if (port) {
  port.on('message', async (jobs: SearchJob[]) => {
    for (const [index, job] of jobs.entries()) {
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
