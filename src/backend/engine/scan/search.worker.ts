/** Worker thread entry: searches one part of a file and posts its records' bytes (see `search.ts`). */
import { parentPort } from 'node:worker_threads';
import { searchPart, type SearchJob, type SearchMessage } from './search';

const port = parentPort;
if (port) {
  port.once('message', (job: SearchJob) => {
    searchPart(job).then(
      (message) =>
        port.postMessage(
          message,
          message.kind === 'done' ? [message.bytes.buffer as ArrayBuffer, message.meta.buffer as ArrayBuffer] : []
        ),
      (e: unknown) => port.postMessage({ kind: 'failed', message: (e as Error).message } satisfies SearchMessage)
    );
  });
}
