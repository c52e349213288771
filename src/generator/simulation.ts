/**
 * The running platform: requests arrive (a non-homogeneous Poisson process whose rate the
 * caller sets), each becomes a trace or a background record, and an agenda runs the work
 * scheduled for later (container start-ups, incident steps). Records go to an `EventSink`.
 */
import { CORE_PROCESSES, GATEWAY, MODELS } from './catalog';
import { appNoise, containersChatter, coreChatter, edgeRequest, kamiwazadChatter } from './chatter';
import { KeyedHeap } from './heap';
import { afterDeploy, afterUndeploy } from './lifecycle';
import type { EventSink } from './output';
import { Prng, Weighted } from './prng';
import type { AppEvent, AuditEvent, DaemonFile, Level } from './records';
import { HTTP_SCENARIOS, INTERNAL_SCENARIOS, Scenario } from './scenarios';
import { BuiltTrace, TraceBuilder, TracePlan } from './trace';
import { Override, World } from './world';

type UnitKind = 'http' | 'internal' | 'edge' | 'kamiwazad' | 'containers' | 'core' | 'app';

/** What one arrival is. Traced HTTP requests dominate, as in application.jsonl. */
const UNIT_KINDS = new Weighted<UnitKind>([
  ['http', 78],
  ['internal', 7],
  ['edge', 7],
  ['kamiwazad', 3],
  ['containers', 2.5],
  ['core', 1.5],
  ['app', 1],
]);
const HTTP_PICKER = new Weighted<Scenario>(HTTP_SCENARIOS.map((s) => [s, s.weight] as const));
const INTERNAL_PICKER = new Weighted<Scenario>(INTERNAL_SCENARIOS.map((s) => [s, s.weight] as const));

/** Arrivals per microsecond at a time. */
export type RateFn = (us: number) => number;

export class Simulation implements World {
  readonly traces: TraceBuilder;
  private readonly agenda = new KeyedHeap<(ts: number) => void>();
  private overrides: Override[] = [];
  private readonly pids = new Map<string, number>();
  private requestCount = 0;
  private nextArrival: number;
  /** Arrivals so far. */
  units = 0;

  constructor(
    readonly rng: Prng,
    private sink: EventSink & { advance?(us: number): void },
    startUs: number
  ) {
    const deployments = new Map<string, string>(MODELS.map((m) => [m, `dep-${rng.hex(8)}`]));
    this.traces = new TraceBuilder(rng, deployments);
    CORE_PROCESSES.forEach((p) => this.pids.set(p.logger, p.pid));
    this.nextArrival = startUs;
  }

  /**
   * Runs arrivals and the agenda up to `untilUs` (exclusive). The next arrival is drawn from the
   * rate at the current one; the caller may change `rate` between calls.
   */
  run(untilUs: number, rate: RateFn): void {
    for (;;) {
      const due = Math.min(this.nextArrival, this.agenda.peekKey());
      if (due >= untilUs) {
        break;
      }
      if (this.agenda.peekKey() <= this.nextArrival) {
        this.agenda.pop()!(due);
      } else {
        const t = this.nextArrival;
        this.unit(t);
        this.nextArrival = t + Math.max(1, this.rng.exp(1) / rate(t));
      }
      this.sink.advance?.(due);
    }
  }

  /** Restarts the arrival process at `us` (after start-up, or when the rate changes for --follow). */
  resumeAt(us: number): void {
    this.nextArrival = us;
  }

  /** One arrival: a request, internal work or background chatter. */
  unit(t: number): void {
    this.units++;
    switch (UNIT_KINDS.pick(this.rng)) {
      case 'http':
        return this.request(HTTP_PICKER.pick(this.rng), t);
      case 'internal':
        return this.request(INTERNAL_PICKER.pick(this.rng), t);
      case 'edge':
        return edgeRequest(this, t);
      case 'kamiwazad':
        return kamiwazadChatter(this, t);
      case 'containers':
        return containersChatter(this, t);
      case 'core':
        return coreChatter(this, t);
      case 'app':
        return appNoise(this, t);
    }
  }

  private request(scenario: Scenario, t: number): void {
    const ctx = this.traces.context();
    let plan: TracePlan | undefined;
    if (this.overrides.length) {
      this.overrides = this.overrides.filter((o) => o.untilUs > t);
      for (const o of this.overrides) {
        plan = plan ?? o.plan(scenario, ctx);
      }
    }
    this.emitTrace(this.traces.build(scenario, t, ctx, plan));
  }

  emitTrace(trace: BuiltTrace, effects = true): void {
    const sink = this.sink;
    for (const e of trace.events) {
      sink.app(e);
    }
    if (trace.access) {
      trace.access.requestCount = ++this.requestCount;
      sink.access(trace.access);
    }
    if (trace.audit) {
      sink.audit(trace.audit);
    }
    if (effects && trace.ok) {
      if (trace.scenario.effect === 'deploy') {
        afterDeploy(this, trace);
      } else if (trace.scenario.effect === 'undeploy') {
        afterUndeploy(this, trace);
      }
    }
  }

  schedule(ts: number, fn: (ts: number) => void): void {
    this.agenda.push(ts, fn);
  }

  app(e: AppEvent): void {
    this.sink.app(e);
  }

  audit(a: AuditEvent): void {
    this.sink.audit(a);
  }

  daemon(
    file: DaemonFile,
    ts: number,
    level: Level,
    logger: string,
    message: string,
    extra: { pid?: number; traceback?: string } = {}
  ): void {
    this.sink.daemon({ file, ts, level, logger, message, pid: extra.pid, traceback: extra.traceback });
  }

  edge(ts: number, e: Parameters<World['edge']>[1]): void {
    const gw = e.frontend ? GATEWAY.frontend : GATEWAY.api;
    this.sink.access({
      startUs: ts,
      durationUs: e.durationUs,
      clientIp: e.clientIp,
      user: e.user,
      method: e.method,
      path: e.path,
      protocol: e.userAgent.startsWith('Mozilla/5.0 (') ? 'HTTP/2.0' : 'HTTP/1.1',
      status: e.status,
      size: e.size,
      userAgent: e.userAgent,
      requestCount: ++this.requestCount,
      router: gw.router,
      serviceUrl: gw.url,
    });
  }

  addOverride(o: Override): void {
    this.overrides.push(o);
  }

  pid(logger: string): number {
    return this.pids.get(logger) ?? 4000;
  }

  setPid(logger: string, pid: number): void {
    this.pids.set(logger, pid);
  }
}
