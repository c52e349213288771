/**
 * What incidents, lifecycle sequences and background chatter need from the running simulation:
 * randomness, the trace builder, a clock-driven agenda and ways to emit records.
 */
import type { Prng } from './prng';
import type { AppEvent, AuditEvent, DaemonFile, Level } from './records';
import type { Scenario, TraceContext } from './scenarios';
import type { BuiltTrace, TraceBuilder, TracePlan } from './trace';

/** An incident's effect on ordinary traffic while it lasts. */
export interface Override {
  untilUs: number;
  plan(scenario: Scenario, ctx: TraceContext): TracePlan | undefined;
}

export interface World {
  readonly rng: Prng;
  readonly traces: TraceBuilder;
  /** Runs `fn` when simulated time reaches `ts`. */
  schedule(ts: number, fn: (ts: number) => void): void;
  /** Emits a trace's events, access entry and audit event; `effects` runs its after-effects. */
  emitTrace(trace: BuiltTrace, effects?: boolean): void;
  app(e: AppEvent): void;
  audit(a: AuditEvent): void;
  daemon(
    file: DaemonFile,
    ts: number,
    level: Level,
    logger: string,
    message: string,
    extra?: { pid?: number; traceback?: string }
  ): void;
  /** An access entry for a request that never reached a traced service. */
  edge(
    ts: number,
    entry: {
      clientIp: string;
      user: string;
      method: string;
      path: string;
      status: number;
      size: number;
      userAgent: string;
      durationUs: number;
      frontend?: boolean;
    }
  ): void;
  addOverride(o: Override): void;
  /** Current pid of a core process (changes when it restarts). */
  pid(logger: string): number;
  setPid(logger: string, pid: number): void;
}

export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
