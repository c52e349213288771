/**
 * `--follow`: after the history, keep the platform running in real time — a few arrivals a
 * second with bursts and the occasional incident — appending to the same files and rotating
 * application.jsonl when it passes its threshold, until stopped.
 */
import { INCIDENT_KINDS, startIncident } from './incidents';
import type { FileOutput } from './output';
import type { Simulation } from './simulation';
import { MINUTE, SECOND } from './world';

/** Mean arrivals per second outside bursts. */
export const FOLLOW_RATE_PER_SECOND = 3;
const BURST_FACTOR = 6;

export interface FollowControl {
  /** Current time, epoch ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  stopped(): boolean;
  /** Called after each tick with the simulated time reached. */
  onTick?(us: number): void;
}

export async function follow(sim: Simulation, output: FileOutput, control: FollowControl, tickMs = 250): Promise<void> {
  const { rng } = sim;
  let burstUntil = 0;
  let nextBurst = control.now() * 1000 + rng.exp(30 * SECOND);
  let nextIncident = control.now() * 1000 + rng.exp(20 * MINUTE);
  sim.resumeAt(control.now() * 1000);
  const rate = (us: number) => (FOLLOW_RATE_PER_SECOND / SECOND) * (us < burstUntil ? BURST_FACTOR : 1);

  while (!control.stopped()) {
    const nowUs = control.now() * 1000;
    if (nowUs >= nextBurst) {
      burstUntil = nowUs + (5 + rng.int(15)) * SECOND;
      nextBurst = burstUntil + rng.exp(30 * SECOND);
    }
    if (nowUs >= nextIncident) {
      startIncident(sim, { kind: rng.pick(INCIDENT_KINDS), startUs: nowUs });
      nextIncident = nowUs + 10 * MINUTE + rng.exp(20 * MINUTE);
    }
    sim.run(nowUs, rate);
    output.advance(nowUs);
    output.flush();
    await output.maintain();
    control.onTick?.(nowUs);
    await control.sleep(tickMs);
  }
  await output.close();
}
