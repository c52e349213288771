/**
 * Scanning the parts of a split file scan (`LogStore.splitScan`) at the same time: the first part
 * in this thread (its records go through the usual per-record path, with chunk memory reused), the
 * others in worker threads that send back compact sample batches. Parts are accumulated in file order, so the result is the
 * sequential scan's: a part's samples count only when no earlier part stopped early.
 *
 * Where a worker cannot start (Node running TypeScript sources, e.g. under jest) or fails to load,
 * its part is scanned in this thread after the first one, through the same sample batches.
 */
import type { LogRecord, QueryLimits, ScanPart, ScanStats } from '../../model';
import { addPartStats, ScanBudget, summarise } from '../../scan/budget';
import { PARALLEL_PARTS, partScanner } from '../../scan/parts';
import { listenTo, SpareWorkers } from '../../scan/workers';
import { collectPart, type PartJob, type PartMessage, type SampleBatch, type SampleSpec } from './samples';

/** How long an idle part worker waits for the next split scan before it ends. */
const PART_WORKER_IDLE_MS = 2000;

interface PartResult {
  batches: SampleBatch[];
  stats: ScanStats;
  stopped: boolean;
}

interface RunningPart {
  /** The part's samples once it is complete (in-thread parts start scanning when asked). */
  result(): Promise<PartResult>;
  stop(): void;
}

/** Scans a part in this thread through the same sample batches a worker would send. */
async function inThread(job: PartJob, signal?: AbortSignal): Promise<PartResult> {
  const batches: SampleBatch[] = [];
  let end: PartResult | undefined;
  let failure: string | undefined;
  await collectPart(
    job,
    (m) => {
      if (m.kind === 'batch') {
        batches.push(m.batch);
      } else if (m.kind === 'done') {
        end = { batches, stats: m.stats, stopped: m.stopped };
      } else {
        failure = m.message;
      }
    },
    signal
  );
  if (end === undefined) {
    throw new Error(failure ?? 'part scan ended without a result');
  }
  return end;
}

/**
 * Idle part workers, kept a moment for the next split scan: a dashboard's panels run several in a
 * row, and each fresh worker loaded and compiled its code and set up a runtime of its own.
 */
const partWorkers = new SpareWorkers(
  'engine/logql/metric/samples.worker.ts',
  new URL('./samples.worker.ts', import.meta.url),
  PARALLEL_PARTS - 1,
  PART_WORKER_IDLE_MS
);

function startPart(job: PartJob, signal?: AbortSignal): RunningPart {
  const worker = partWorkers.take();
  if (worker === undefined) {
    return { result: () => inThread(job, signal), stop: () => {} };
  }
  worker.ref(); // a waiting worker does not keep the process alive; one at work does (the CLI)
  const batches: SampleBatch[] = [];
  let received = false;
  let settled = false;
  let unlisten = () => {};
  const release = (reusable: boolean) => {
    unlisten();
    partWorkers.release(worker, reusable);
  };
  const promise = new Promise<PartResult>((resolve, reject) => {
    const settle = (reusable: boolean, f: () => void) => {
      if (!settled) {
        settled = true;
        release(reusable);
        f();
      }
    };
    unlisten = listenTo(worker, {
      message: (m: PartMessage) => {
        received = true;
        if (m.kind === 'batch') {
          batches.push(m.batch);
        } else if (m.kind === 'done') {
          settle(true, () => resolve({ batches, stats: m.stats, stopped: m.stopped }));
        } else {
          settle(false, () => reject(new Error(m.message)));
        }
      },
      // A worker that could not even load: scan its part here instead.
      error: (e) => settle(false, () => (received ? reject(e) : inThread(job, signal).then(resolve, reject))),
      exit: (code) => settle(false, () => reject(new Error(`scan worker exited with code ${code}`))),
    });
  });
  // The caller may stop before awaiting this part (an earlier part stopped or failed).
  promise.catch(() => {});
  worker.postMessage(job);
  return {
    result: () => promise,
    // A worker still scanning is ended; one that answered is already waiting for the next part.
    stop: () => {
      if (!settled) {
        settled = true;
        release(false);
      }
    },
  };
}

/**
 * Scans `parts` (from `splitScan`): the first one's records go to `addRecords`, the others' sample
 * batches to `addPart`, one part at a time in file order. Summarises the scan's notices like
 * `LogStore.scan` does.
 */
export async function scanParts(
  parts: ScanPart[],
  spec: SampleSpec,
  ctx: { stats: ScanStats; limits?: QueryLimits; signal?: AbortSignal },
  addRecords: (batch: LogRecord[]) => void,
  addPart: (batches: SampleBatch[]) => void
): Promise<void> {
  const limits = ctx.limits;
  const deadline = limits?.maxDurationMs === undefined ? undefined : Date.now() + limits.maxDurationMs;
  const running = parts.slice(1).map((part) => startPart({ part, spec, deadline }, ctx.signal));
  // Cancelling ends the workers at once, not when their parts are done.
  const stopAll = () => running.forEach((part) => part.stop());
  ctx.signal?.addEventListener('abort', stopAll, { once: true });
  try {
    const budget = new ScanBudget(ctx.stats, limits, ctx.signal);
    const scanner = partScanner(parts[0], budget, { transient: true });
    for await (const batch of scanner.records()) {
      addRecords(batch);
    }
    let stopped = scanner.stoppedEarly || ctx.stats.truncated !== undefined;
    for (const part of running) {
      if (stopped || ctx.signal?.aborted) {
        ctx.stats.truncated ??= ctx.signal?.aborted ? 'cancelled' : undefined;
        break;
      }
      const result = await part.result().catch((error: unknown) => {
        if (ctx.signal?.aborted) {
          return undefined;
        }
        throw error;
      });
      if (result === undefined) {
        ctx.stats.truncated ??= 'cancelled';
        break;
      }
      addPart(result.batches);
      addPartStats(ctx.stats, result.stats);
      stopped = result.stopped;
    }
  } finally {
    ctx.signal?.removeEventListener('abort', stopAll);
    stopAll();
    summarise(ctx.stats);
  }
}
