/**
 * Turns a scenario into one distributed trace: a span per service hop (one trace id, a span id
 * per hop, children nested inside their parent's time), the application events each hop logs,
 * the gateway's access entry for HTTP requests and the audit event, all mutually consistent.
 */
import { COLLECTIONS, EXCEPTIONS, ExceptionKind, ExceptionName, GATEWAY, MODELS, NODES, USERS, User, exceptionMessage, pyException } from './catalog';
import { Prng, Weighted } from './prng';
import type { AccessEntry, AppEvent, AuditEvent, Level } from './records';
import { REJECTS, RejectName, Scenario, SpanNode, TraceContext } from './scenarios';

/** Share of requests that fail with an exception / are rejected with a 4xx, outside incidents. */
export const BASE_FAIL_RATE = 0.03;
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

type Outcome = { kind: 'ok' } | { kind: 'fail'; exception: ExceptionKind; text: string } | { kind: 'reject'; status: number; text: string };

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
    const rng = this.rng;
    const flat = flatten(scenario);
    const traceId = rng.hex(32);
    const http = scenario.http;
    const method = http?.method ?? '';
    const path = http ? http.path(ctx) : '';
    const gatewaySpanId = http ? rng.hex(16) : undefined;
    const events: AppEvent[] = [];
    const services = new Set<string>();
    const vars = { model: ctx.model, node: ctx.node, collection: ctx.collection };

    // Decide up front which span (if any) fails or rejects.
    let failAt = -1;
    let failure: Outcome = { kind: 'ok' };
    const pickFailure = (name: ExceptionName | undefined) => {
      const candidates = flat.filter((f) => f.node.op.errors?.length && (!name || f.node.op.errors.includes(name)));
      const nonRoot = candidates.filter((f) => f.index > 0);
      const pool = nonRoot.length ? nonRoot : candidates;
      if (pool.length) {
        const target = rng.pick(pool);
        const exName = name ?? rng.pick(target.node.op.errors!);
        const exception: ExceptionKind = EXCEPTIONS[exName];
        failAt = target.index;
        failure = { kind: 'fail', exception, text: exceptionMessage(exception, vars) };
      }
    };
    const pickReject = (name: RejectName) => {
      const reject = REJECTS[name];
      const target = flat.find((f) => f.node.op.service === reject.service);
      if (target) {
        failAt = target.index;
        failure = { kind: 'reject', status: reject.status, text: reject.message(ctx) };
      }
    };
    if (plan.exception) {
      pickFailure(plan.exception);
    } else if (plan.reject) {
      pickReject(plan.reject);
    } else if (!plan.clean) {
      const r = rng.float();
      if (r < BASE_FAIL_RATE) {
        pickFailure(undefined);
      } else if (r < BASE_FAIL_RATE + BASE_REJECT_RATE && scenario.rejects?.length) {
        pickReject(rng.pick(scenario.rejects));
      }
    }

    const event = (ts: number, level: Level, service: string, message: string, spanId: string, fields: string, exception?: AppEvent['exception']) => {
      events.push({ ts, level, service, message, traceId, spanId, fields, exception });
    };
    const ms = (us: number) => Math.round(us / 1000);
    const selfTime = (medianMs: number) => Math.min(rng.logNormal(medianMs * 0.5, 0.6), medianMs * 8) * 1000 + 50;

    let nodeCounter = 0;
    const runSpan = (node: SpanNode, start: number, parentSpanId: string | undefined): SpanResult => {
      const index = nodeCounter++;
      const op = node.op;
      const isRoot = index === 0;
      const spanId = rng.hex(16);
      const parentField = parentSpanId ? `,"parent_span_id":"${parentSpanId}"` : '';
      services.add(op.service);

      if (isRoot && http) {
        const u = ctx.user;
        event(start, 'INFO', op.service, `Request started: ${method} ${path}`, spanId,
          `${parentField},"request":{"method":"${method}","path":"${path}","client_ip":"${u.ip}","user_agent":"${u.userAgent}"}`);
      } else if (op.begin && rng.chance(0.5)) {
        event(start, 'DEBUG', op.service, op.begin(ctx), spanId, parentField);
      }

      let t = start + selfTime(op.medianMs);
      let outcome: Outcome = { kind: 'ok' };
      let failedChild = '';
      if (index === failAt) {
        // The root gives up after its first hop (auth, usually), so every trace crosses two services.
        const first = isRoot ? node.children?.[0] : undefined;
        if (first) {
          t = runSpan(first, t + 100 + rng.int(900), spanId).endUs;
        }
        outcome = failure;
        if (failure.kind === 'fail' && failure.exception === EXCEPTIONS.upstreamTimeout) {
          t = start + CLIENT_TIMEOUT_MS * 1000 + rng.int(20_000);
        }
      } else {
        for (const child of node.children ?? []) {
          const r = runSpan(child, t + 100 + rng.int(900), spanId);
          t = r.endUs;
          if (r.outcome.kind !== 'ok') {
            outcome = r.outcome;
            failedChild = r.service;
            break;
          }
        }
      }
      const end = t + selfTime(op.medianMs);
      const durationMs = ms(end - start);
      const own = index === failAt;
      const status = outcome.kind === 'ok' ? (http?.status ?? 0) : outcome.kind === 'reject' ? outcome.status : outcome.exception.status;

      if (isRoot && http) {
        const summary = `${method} ${path} ${status} in ${durationMs} ms`;
        const httpFields = `${parentField},"http_method":"${method}","http_path":"${path}","status_code":${status},"duration_ms":${durationMs},"user_id":"${ctx.user.name}"`;
        if (outcome.kind === 'ok') {
          event(end, 'INFO', op.service, `Request completed: ${summary}`, spanId, httpFields);
          if (durationMs > SLOW_REQUEST_MS) {
            event(end, 'WARNING', op.service, `Slow request: ${method} ${path} took ${durationMs} ms (threshold ${SLOW_REQUEST_MS} ms)`, spanId, httpFields);
          }
        } else if (outcome.kind === 'reject') {
          event(end, 'WARNING', op.service, own ? `${outcome.text}: ${summary}` : `Request rejected: ${summary}`, spanId, httpFields);
        } else {
          const exception = own ? pyException(outcome.exception, outcome.text) : undefined;
          event(end, 'ERROR', op.service, `Request failed: ${summary}`, spanId, `${httpFields},"error_type":"${outcome.exception.type}"`, exception);
        }
      } else {
        const timing = `${parentField},"duration_ms":${durationMs}`;
        if (outcome.kind === 'ok') {
          event(end, 'INFO', op.service, op.end(ctx), spanId, timing + (op.fields ? op.fields(ctx) : ''));
        } else if (outcome.kind === 'reject') {
          if (own) {
            event(end, 'WARNING', op.service, outcome.text, spanId, `${timing},"status_code":${outcome.status}`);
          } else {
            event(end, 'DEBUG', op.service, `${op.label} aborted: ${failedChild} returned ${outcome.status}`, spanId, timing);
          }
        } else if (own) {
          const critical = outcome.exception === EXCEPTIONS.cudaOom;
          event(end, critical ? 'CRITICAL' : 'ERROR', op.service, `${op.label} failed: ${outcome.exception.type}: ${outcome.text}`, spanId,
            `${timing},"error_type":"${outcome.exception.type}"`, pyException(outcome.exception, outcome.text));
        } else {
          event(end, 'ERROR', op.service, `${op.label} failed: error from ${failedChild}`, spanId, `${timing},"error_type":"${outcome.exception.type}"`);
        }
      }
      return { endUs: end, outcome, service: op.service };
    };

    const root = runSpan(scenario.tree, startUs, gatewaySpanId);
    const outcome = root.outcome;
    const ok = outcome.kind === 'ok';
    const status = ok ? (http?.status ?? 0) : outcome.kind === 'reject' ? outcome.status : outcome.exception.status;
    const reason = outcome.kind === 'ok' ? undefined : outcome.kind === 'reject' ? outcome.text : `${outcome.exception.type}: ${outcome.text}`;

    let access: AccessEntry | undefined;
    if (http) {
      const [lo, hi] = http.size;
      const anonymous = scenario.name === 'login' || scenario.name.startsWith('catalog.search') || status === 401;
      access = {
        startUs,
        durationUs: root.endUs - startUs,
        clientIp: ctx.user.ip,
        user: anonymous ? '-' : ctx.user.name,
        method,
        path,
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
    return { scenario, ctx, traceId, startUs, endUs: root.endUs, status, ok, reason, events, access, audit, services: [...services] };
  }
}

/** Whether a scenario's request passes through a service. */
export function crossesService(scenario: Scenario, service: string): boolean {
  return flatten(scenario).some((f) => f.node.op.service === service);
}
