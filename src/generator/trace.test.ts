import { MODELS } from './catalog';
import { Prng } from './prng';
import { appJson } from './render';
import { DEPLOY_ATTEMPT, HTTP_SCENARIOS, INTERNAL_SCENARIOS, Scenario } from './scenarios';
import { BuiltTrace, TraceBuilder, TracePlan } from './trace';

const START = Date.parse('2026-11-20T10:00:00Z') * 1000;

function builder(seed: number): TraceBuilder {
  return new TraceBuilder(new Prng(seed), new Map(MODELS.map((m, i) => [m, `dep-${i}`])));
}

interface Span {
  service: string;
  parent?: string;
  startMs: number;
  endMs: number;
}

/** Spans as a reader sees them: each span's end event carries its duration. */
function spansOf(trace: BuiltTrace): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const e of trace.events) {
    const rec = JSON.parse(appJson(e));
    expect(rec.trace_id).toBe(trace.traceId);
    if (rec.duration_ms !== undefined) {
      const endMs = e.ts / 1000;
      spans.set(rec.span_id, {
        service: rec.service,
        parent: rec.parent_span_id,
        startMs: endMs - rec.duration_ms,
        endMs,
      });
    }
  }
  return spans;
}

function checkTrace(trace: BuiltTrace): void {
  const spans = spansOf(trace);
  const services = new Set([...spans.values()].map((s) => s.service));
  expect(services.size).toBeGreaterThanOrEqual(2);
  expect(services.size).toBeLessThanOrEqual(6);
  for (const span of spans.values()) {
    const parent = span.parent ? spans.get(span.parent) : undefined;
    if (parent) {
      // Durations are whole ms: allow the rounding.
      expect(span.startMs).toBeGreaterThanOrEqual(parent.startMs - 1);
      expect(span.endMs).toBeLessThanOrEqual(parent.endMs + 1);
    }
  }
  if (trace.access) {
    const root = JSON.parse(
      appJson(trace.events.find((e) => e.message.startsWith('Request completed') || e.message.includes(' in '))!)
    );
    const a = trace.access;
    expect(a.traceId).toBe(trace.traceId);
    expect(root.parent_span_id).toBe(a.gatewaySpanId);
    expect(root.http_method).toBe(a.method);
    expect(root.http_path).toBe(a.path);
    expect(root.status_code).toBe(a.status);
    expect(root.duration_ms).toBe(Math.round(a.durationUs / 1000));
    expect(a.startUs).toBe(trace.startUs);
  }
}

const ALL: Scenario[] = [...HTTP_SCENARIOS, ...INTERNAL_SCENARIOS, DEPLOY_ATTEMPT];

describe('TraceBuilder', () => {
  it('builds consistent traces for every scenario, with base-rate failures', () => {
    const b = builder(1);
    for (const scenario of ALL) {
      for (let i = 0; i < 25; i++) {
        checkTrace(b.build(scenario, START + i * 1e6, b.context()));
      }
    }
  });

  it('fails where an incident says, with a traceback and a 5xx', () => {
    const b = builder(2);
    const plans: Array<[Scenario, TracePlan]> = [
      [DEPLOY_ATTEMPT, { exception: 'cudaOom' }],
      [HTTP_SCENARIOS.find((s) => s.name === 'rag')!, { exception: 'vectordbDown' }],
      [HTTP_SCENARIOS.find((s) => s.name === 'chat')!, { exception: 'upstreamTimeout' }],
    ];
    for (const [scenario, plan] of plans) {
      const t = b.build(scenario, START, b.context(), plan);
      checkTrace(t);
      expect(t.ok).toBe(false);
      const failing = t.events.filter((e) => e.exception);
      expect(failing.length).toBeGreaterThanOrEqual(1);
      expect(failing[0].exception!.text).toMatch(/^Traceback \(most recent call last\):\n {2}File "/);
      expect(['ERROR', 'CRITICAL']).toContain(failing[0].level);
      if (scenario.http) {
        expect(t.status).toBeGreaterThanOrEqual(500);
      }
    }
  });

  it('rejects with a 4xx, a warning and a failed audit event', () => {
    const b = builder(3);
    const login = HTTP_SCENARIOS.find((s) => s.name === 'login')!;
    const t = b.build(login, START, b.context(), { reject: 'badCredentials' });
    checkTrace(t);
    expect(t.status).toBe(401);
    expect(t.events.some((e) => e.level === 'WARNING')).toBe(true);
    expect(t.audit).toMatchObject({ eventType: 'auth.login', outcome: 'failure', traceId: t.traceId });
    expect(t.audit!.reason).toContain('Invalid credentials');
  });

  it('fails a few percent of requests by itself', () => {
    const b = builder(4);
    const chat = HTTP_SCENARIOS.find((s) => s.name === 'chat')!;
    let failed = 0;
    for (let i = 0; i < 2000; i++) {
      failed += b.build(chat, START, b.context()).status >= 500 ? 1 : 0;
    }
    expect(failed / 2000).toBeGreaterThan(0.01);
    expect(failed / 2000).toBeLessThan(0.06);
  });
});
