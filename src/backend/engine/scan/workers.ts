/**
 * Starting the engine's worker threads, from sources (bun) or inside a built executable, keeping
 * idle ones for their next use, and lowering the priority of those that do background work.
 */
import { readlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism, setPriority } from 'node:os';
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

/**
 * Makes the calling thread the scheduler's last choice (nice 19) where the system allows it
 * (Linux: a thread's id is a process id to setpriority). For background work, such as index
 * builds: while a query's threads want the cores, this thread gets almost none of them; on idle
 * cores it runs at full speed. Elsewhere it does nothing.
 *
 * A new thread takes its creator's priority, and the process's shared pool (file system and zlib
 * work for every thread, a thread per core, started as work comes) may still be short of threads:
 * one started later by this thread would serve all threads' file operations at the lowest
 * priority (seen in a probe). So the pool is filled first, from this thread at its old priority.
 */
export async function lowerThreadPriority(): Promise<void> {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread > 0) {
      await Promise.all(Array.from({ length: 4 * availableParallelism() }, () => stat(process.execPath)));
      setPriority(thread, 19);
    }
  } catch {
    // No /proc (not Linux), or not allowed: the thread keeps its priority.
  }
}

interface Spare {
  worker: Worker;
  timer?: NodeJS.Timeout;
}

/** The listeners of one use of a worker. */
export interface WorkerListeners<M> {
  message: (message: M) => void;
  error: (error: Error) => void;
  exit: (code: number) => void;
}

/** Listens to `worker` for one use; the returned function removes those listeners. */
export function listenTo<M>(worker: Worker, listeners: WorkerListeners<M>): () => void {
  worker.on('message', listeners.message);
  worker.on('error', listeners.error);
  worker.on('exit', listeners.exit);
  return () => {
    worker.off('message', listeners.message);
    worker.off('error', listeners.error);
    worker.off('exit', listeners.exit);
  };
}

/**
 * Idle workers of one entry, kept for their next use instead of ended: a worker's start-up (its
 * module loaded and compiled) costs tens of milliseconds of CPU, and its code only warms up as it
 * runs. At most `max` wait, each for at most `idleMs`; one that fails or exits while it waits is
 * dropped. Waiting workers do not keep the process alive.
 */
export class SpareWorkers {
  private readonly spares: Spare[] = [];

  constructor(
    private readonly entry: string,
    private readonly source: URL,
    private readonly max: number,
    private readonly idleMs = Infinity
  ) {}

  /** A waiting worker, else a new one; undefined where workers cannot run. */
  take(): Worker | undefined {
    const spare = this.spares.pop();
    if (spare === undefined) {
      return this.start();
    }
    clearTimeout(spare.timer);
    return spare.worker;
  }

  /** After a use: a worker that answered waits for its next use (`keep`), any other ends. */
  release(worker: Worker, reusable: boolean): void {
    if (reusable) {
      this.keep(worker);
    } else {
      void worker.terminate();
    }
  }

  /** `worker` waits for its next use, or ends when `max` already wait. */
  keep(worker: Worker): void {
    if (this.spares.length >= this.max) {
      void worker.terminate();
      return;
    }
    worker.unref();
    const spare: Spare = { worker };
    if (Number.isFinite(this.idleMs)) {
      spare.timer = setTimeout(() => {
        this.drop(worker);
        void worker.terminate();
      }, this.idleMs);
      spare.timer.unref();
    }
    this.spares.push(spare);
  }

  /** Starts a worker to wait for its first use, unless one waits already. */
  prestart(): void {
    if (this.spares.length === 0) {
      const worker = this.start();
      if (worker !== undefined) {
        this.keep(worker);
      }
    }
  }

  private start(): Worker | undefined {
    const worker = newWorker(this.entry, this.source);
    // For the worker's whole life: they act only while it waits (and leave no 'error' unhandled).
    worker?.on('error', () => this.drop(worker));
    worker?.on('exit', () => this.drop(worker));
    return worker;
  }

  private drop(worker: Worker): void {
    const at = this.spares.findIndex((spare) => spare.worker === worker);
    if (at >= 0) {
      clearTimeout(this.spares[at].timer);
      this.spares.splice(at, 1);
    }
  }
}
