/** Starting the engine's worker threads, from sources (bun) or inside a built executable. */
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A worker running `entry` (its path from src/backend/; `source` is its URL when running from
 * sources), or undefined where workers cannot run TypeScript (Node, e.g. under jest).
 *
 * In an executable built by `scripts/build-backend.ts`, every `*.worker.ts` is an extra entry
 * point stored under the executable's virtual root by its path from the entry points' common
 * folder, src/backend/ (process.argv[1] is that root's program).
 */
export function newWorker(entry: string, source: URL): Worker | undefined {
  if (process.versions.bun === undefined) {
    return undefined;
  }
  const program = process.argv[1] ?? '';
  const path = /[$]bunfs|~BUN/.test(program) ? join(dirname(program), ...entry.split('/')) : source;
  try {
    return new Worker(path);
  } catch {
    return undefined;
  }
}
