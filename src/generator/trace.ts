/**
 * Turns a scenario into one distributed trace: a span per service hop (one trace id, a span id
 * per hop, children nested inside their parent's time), the application events each hop logs,
 * the gateway's access entry for HTTP requests and the audit event, all mutually consistent.
 */
import {
  COLLECTIONS,
  EXCEPTIONS,
  ExceptionKind,
  ExceptionName,
  GATEWAY,
  MODELS,
  NODES,
  USERS,
  User,
  exceptionMessage,
  pyException,
} from './catalog';
import { Prng, Weighted } from './prng';
import type { AccessEntry, AppEvent, AuditEvent, Level } from './records';
import { HttpSpec, Op, REJECTS, RejectName, Scenario, SpanNode, TraceContext } from './scenarios';

/** Share of requests that fail with an exception / are rejected with a 4xx, outside incidents. */
export const BASE_FAIL_RATE = 0.045;
export const BASE_REJECT_RATE = 0.04;
/** Requests slower than this log a warning. */
export const SLOW_REQUEST_MS = 5000;
/** The timeout an `httpx.ReadTimeout` hits. */
const CLIENT_TIMEOUT_MS = 10_000;

/** A forced outcome (incidents) instead of the base rates. */
export interface TracePlan {
  exception?: ExceptionName;
  reject?: RejectName;
  /** Never fail or reject. */
  clean?: boolean;
}

export interface BuiltTrace {
  scenario: Scenario;
  ctx: TraceContext;
  traceId: string;
  startUs: number;
  endUs: number;
  /** HTTP status (0 for internal work). */
  status: number;
  ok: boolean;
  /** Why it failed or was rejected. */
  reason?: string;
  events: AppEvent[];
  /** For HTTP traces; `requestCount` is left 0 for the caller to number. */
  access?: AccessEntry;
  audit?: AuditEvent;
  /** Distinct services the trace crossed. */
  services: string[];
}

interface FlatNode {
  node: SpanNode;
  index: number;
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'fail'; exception: ExceptionKind; text: string }
  | { kind: 'reject'; status: number; text: string };

interface SpanResult {
  endUs: number;
  outcome: Outcome;
  service: string;
}

const flatCache = new WeakMap<Scenario, FlatNode[]>();

function flatten(scenario: Scenario): FlatNode[] {
  let flat = flatCache.get(scenario);
  if (!flat) {
    const out: FlatNode[] = [];
    const walk = (node: SpanNode) => {
      out.push({ node, index: out.length });
      node.children?.forEach(walk);
    };
    walk(scenario.tree);
    flat = out;
    flatCache.set(scenario, flat);
  }
  return flat;
}

const USER_PICKER = new Weighted<User>(USERS.map((u) => [u, u.weight] as const));
// Small models take most of the inference traffic.
const MODEL_PICKER = new Weighted<string>(MODELS.map((m, i) => [m, 1 / (i + 1)] as const));

export class TraceBuilder {
  constructor(
    private readonly rng: Prng,
    /** model → deployment id, stable for the whole run. */
    readonly deployments: ReadonlyMap<string, string>
  ) {}

  context(overrides: Partial<TraceContext> = {}): TraceContext {
    const rng = this.rng;
    const model = overrides.model ?? MODEL_PICKER.pick(rng);
    return {
      user: USER_PICKER.pick(rng),
      model,
      deploymentId: this.deployments.get(model) ?? 'dep-unknown',
      collection: rng.pick(COLLECTIONS),
      node: rng.pick(NODES),
      promptTokens: Math.round(rng.logNormal(600, 0.9)) + 5,
      completionTokens: Math.round(rng.logNormal(220, 0.8)) + 1,
      topK: rng.range(3, 12),
      documents: rng.range(4, 64),
      jobId: `job-${rng.hex(8)}`,
      keyId: `kzk_${rng.hex(12)}`,
      targetUser: rng.pick(USERS).name,
      ...overrides,
    };
  }

  build(scenario: Scenario, startUs: number, ctx: TraceContext, plan: TracePlan = {}): BuiltTrace {
    return new TraceRun(this.rng, scenario, ctx, plan).run(startUs);
  }
}

const statusOf = (outcome: Outcome, http: HttpSpec | undefined) =>
  outcome.kind === 'ok' ? (http?.status ?? 0) : outcome.kind === 'reject' ? outcome.status : outcome.exception.status;

/** One trace being built: the outcome decided up front, then the spans run depth-first. */
class TraceRun {
  private readonly traceId: string;
  private readonly http: HttpSpec | undefined;
  private readonly method: string;
  private readonly path: string;
  private readonly events: AppEvent[] = [];
  private readonly services = new Set<string>();
  /** Index (depth-first) of the span that fails or rejects, -1 for none. */
  private failAt = -1;
  private failure: Outcome = { kind: 'ok' };
  private spansStarted = 0;

  constructor(
    private readonly rng: Prng,
    private readonly scenario: Scenario,
    private readonly ctx: TraceContext,
    plan: TracePlan
  ) {
    this.traceId = rng.hex(32);
    this.http = scenario.http;
    this.method = this.http?.method ?? '';
    this.path = this.http ? this.http.path(ctx) : '';
    this.decide(plan);
  }

  run(startUs: number): BuiltTrace {
    const { rng, scenario, ctx, traceId, http } = this;
    const gatewaySpanId = http ? rng.hex(16) : undefined;
    const root = this.span(scenario.tree, startUs, gatewaySpanId);
    const outcome = root.outcome;
    const ok = outcome.kind === 'ok';
    const status = statusOf(outcome, http);
    const reason =
      outcome.kind === 'ok'
        ? undefined
        : outcome.kind === 'reject'
          ? outcome.text
          : `${outcome.exception.type}: ${outcome.text}`;

    let access: AccessEntry | undefined;
    if (http) {
      const [lo, hi] = http.size;
      const anonymous = scenario.name === 'login' || scenario.name === 'catalog.search' || status === 401;
      access = {
        startUs,
        durationUs: root.endUs - startUs,
        clientIp: ctx.user.ip,
        user: anonymous ? '-' : ctx.user.name,
        method: this.method,
        path: this.path,
        protocol: ctx.user.userAgent.startsWith('Mozilla') ? 'HTTP/2.0' : 'HTTP/1.1',
        status,
        size: ok ? rng.range(lo, hi) : rng.range(60, 220),
        userAgent: ctx.user.userAgent,
        requestCount: 0,
        router: GATEWAY.api.router,
        serviceUrl: GATEWAY.api.url,
        traceId,
        gatewaySpanId,
      };
    }
    let audit: AuditEvent | undefined;
    if (scenario.audit) {
      audit = {
        ts: root.endUs,
        eventType: scenario.audit.eventType,
        actor: ctx.user.name,
        actorIp: ctx.user.ip,
        resource: scenario.audit.resource(ctx),
        action: scenario.audit.action,
        outcome: ok ? 'success' : 'failure',
        reason,
        traceId,
        requestId: `req-${rng.hex(16)}`,
      };
    }
    const events = this.events;
    return {
      scenario,
      ctx,
      traceId,
      startUs,
      endUs: root.endUs,
      status,
      ok,
      reason,
      events,
      access,
      audit,
      services: [...this.services],
    };
  }

  /** Which span (if any) fails or rejects: the plan's choice, else the base rates. */
  private decide(plan: TracePlan): void {
    if (plan.exception) {
      this.failSomewhere(plan.exception);
    } else if (plan.reject) {
      this.rejectAt(plan.reject);
    } else if (!plan.clean) {
      const r = this.rng.float();
      if (r < BASE_FAIL_RATE) {
        this.failSomewhere(undefined);
      } else if (r < BASE_FAIL_RATE + BASE_REJECT_RATE && this.scenario.rejects?.length) {
        this.rejectAt(this.rng.pick(this.scenario.rejects));
      }
    }
  }

  private failSomewhere(name: ExceptionName | undefined): void {
    const flat = flatten(this.scenario);
    const candidates = flat.filter((f) => f.node.op.errors?.length && (!name || f.node.op.errors.includes(name)));
    const nonRoot = candidates.filter((f) => f.index > 0);
    const pool = nonRoot.length ? nonRoot : candidates;
    if (pool.length) {
      const target = this.rng.pick(pool);
      const exception: ExceptionKind = EXCEPTIONS[name ?? this.rng.pick(target.node.op.errors!)];
      const { model, node, collection } = this.ctx;
      this.failAt = target.index;
      this.failure = { kind: 'fail', exception, text: exceptionMessage(exception, { model, node, collection }) };
    }
  }

  private rejectAt(name: RejectName): void {
    const reject = REJECTS[name];
    const target = flatten(this.scenario).find((f) => f.node.op.service === reject.service);
    if (target) {
      this.failAt = target.index;
      this.failure = { kind: 'reject', status: reject.status, text: reject.message(this.ctx) };
    }
  }

  private selfTime(medianMs: number): number {
    return Math.min(this.rng.logNormal(medianMs * 0.5, 0.6), medianMs * 8) * 1000 + 50;
  }

  private log(
    ts: number,
    level: Level,
    service: string,
    message: string,
    spanId: string,
    fields: string,
    exception?: AppEvent['exception']
  ): void {
    this.events.push({ ts, level, service, message, traceId: this.traceId, spanId, fields, exception });
  }

  /** Runs one span and its children from `start`; logs its start and end events. */
  private span(node: SpanNode, start: number, parentSpanId: string | undefined): SpanResult {
    const { rng } = this;
    const index = this.spansStarted++;
    const op = node.op;
    const isHttpRoot = index === 0 && this.http !== undefined;
    const spanId = rng.hex(16);
    const parentField = parentSpanId ? `,"parent_span_id":"${parentSpanId}"` : '';
    this.services.add(op.service);

    if (isHttpRoot) {
      const u = this.ctx.user;
      const request = `,"request":{"method":"${this.method}","path":"${this.path}","client_ip":"${u.ip}","user_agent":"${u.userAgent}"}`;
      this.log(
        start,
        'INFO',
        op.service,
        `Request started: ${this.method} ${this.path}`,
        spanId,
        parentField + request
      );
    } else if (op.begin && rng.chance(0.5)) {
      this.log(start, 'DEBUG', op.service, op.begin(this.ctx), spanId, parentField);
    }

    let t = start + this.selfTime(op.medianMs);
    let outcome: Outcome = { kind: 'ok' };
    let failedChild = '';
    const own = index === this.failAt;
    if (own) {
      // The root gives up after its first hop (auth, usually), so every trace crosses two services.
      const first = index === 0 ? node.children?.[0] : undefined;
      if (first) {
        t = this.span(first, t + 100 + rng.int(900), spanId).endUs;
      }
      outcome = this.failure;
      if (outcome.kind === 'fail' && outcome.exception === EXCEPTIONS.upstreamTimeout) {
        t = start + CLIENT_TIMEOUT_MS * 1000 + rng.int(20_000);
      }
    } else {
      for (const child of node.children ?? []) {
        const r = this.span(child, t + 100 + rng.int(900), spanId);
        t = r.endUs;
        if (r.outcome.kind !== 'ok') {
          outcome = r.outcome;
          failedChild = r.service;
          break;
        }
      }
    }
    const end = t + this.selfTime(op.medianMs);
    const durationMs = Math.round((end - start) / 1000);
    if (isHttpRoot) {
      this.logRequestEnd(op, end, spanId, parentField, durationMs, outcome, own);
    } else {
      this.logHopEnd(op, end, spanId, `${parentField},"duration_ms":${durationMs}`, outcome, own, failedChild);
    }
    return { endUs: end, outcome, service: op.service };
  }

  /** The API's summary of the request, carrying what the gateway's access entry also shows. */
  private logRequestEnd(
    op: Op,
    end: number,
    spanId: string,
    parentField: string,
    durationMs: number,
    outcome: Outcome,
    own: boolean
  ): void {
    const { method, path } = this;
    const status = statusOf(outcome, this.http);
    const summary = `${method} ${path} ${status} in ${durationMs} ms`;
    const fields = `${parentField},"http_method":"${method}","http_path":"${path}","status_code":${status},"duration_ms":${durationMs},"user_id":"${this.ctx.user.name}"`;
    if (outcome.kind === 'ok') {
      this.log(end, 'INFO', op.service, `Request completed: ${summary}`, spanId, fields);
      if (durationMs > SLOW_REQUEST_MS) {
        this.log(
          end,
          'WARNING',
          op.service,
          `Slow request: ${method} ${path} took ${durationMs} ms (threshold ${SLOW_REQUEST_MS} ms)`,
          spanId,
          fields
        );
      }
    } else if (outcome.kind === 'reject') {
      this.log(
        end,
        'WARNING',
        op.service,
        own ? `${outcome.text}: ${summary}` : `Request rejected: ${summary}`,
        spanId,
        fields
      );
    } else {
      const exception = own ? pyException(outcome.exception, outcome.text) : undefined;
      this.log(
        end,
        'ERROR',
        op.service,
        `Request failed: ${summary}`,
        spanId,
        `${fields},"error_type":"${outcome.exception.type}"`,
        exception
      );
    }
  }

  /** A service hop's end: its result, the error it raised (with traceback), or its caller's view of one. */
  private logHopEnd(
    op: Op,
    end: number,
    spanId: string,
    timing: string,
    outcome: Outcome,
    own: boolean,
    failedChild: string
  ): void {
    if (outcome.kind === 'ok') {
      this.log(end, 'INFO', op.service, op.end(this.ctx), spanId, timing + (op.fields ? op.fields(this.ctx) : ''));
    } else if (outcome.kind === 'reject') {
      if (own) {
        this.log(end, 'WARNING', op.service, outcome.text, spanId, `${timing},"status_code":${outcome.status}`);
      } else {
        this.log(
          end,
          'DEBUG',
          op.service,
          `${op.label} aborted: ${failedChild} returned ${outcome.status}`,
          spanId,
          timing
        );
      }
    } else {
      const { exception, text } = outcome;
      const fields = `${timing},"error_type":"${exception.type}"`;
      if (own) {
        const level = exception === EXCEPTIONS.cudaOom ? 'CRITICAL' : 'ERROR';
        this.log(
          end,
          level,
          op.service,
          `${op.label} failed: ${exception.type}: ${text}`,
          spanId,
          fields,
          pyException(exception, text)
        );
      } else {
        this.log(end, 'ERROR', op.service, `${op.label} failed: error from ${failedChild}`, spanId, fields);
      }
    }
  }
}

/** Whether a scenario's request passes through a service. */
export function crossesService(scenario: Scenario, service: string): boolean {
  return flatten(scenario).some((f) => f.node.op.service === service);
}
