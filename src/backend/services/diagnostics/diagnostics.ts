/**
 * Runs one diagnostic check of the guide's troubleshooting by id (the page asks for each
 * separately, in parallel, and shows each as it finishes). The checks that need no logs live
 * here; the ones that read logs are in `log-checks.ts`. The Loki data source check runs in the
 * browser (Grafana's own API) and is not served here.
 */
import { COLLECTOR_HEALTH_PORT } from '../../../shared/environment';
import { DiagnosticId, type DiagnosticResult } from '../../../shared/environment-diagnostics';
import type { FileLogStore } from '../../engine/store';
import type { LoadedEnvironment } from '../environment/environment';
import { httpGet, splitHostPort, tcpConnect } from '../environment/probes';
import { parseBoolean, parseEndpoint } from '../environment/rules';
import { apiErrorsCheck, logFilesCheck, startupCheck, tlsMismatchCheck } from './log-checks';

export interface DiagnosticContext {
  environment: LoadedEnvironment;
  store: FileLogStore;
  logDirs: string[];
  maxBytesScanned?: number;
  nowMs: number;
  signal: AbortSignal;
}

type CheckBody = Omit<DiagnosticResult, 'id' | 'ms'>;
type Check = (ctx: DiagnosticContext) => Promise<CheckBody>;

const noEvidence = { lines: [] };
const flag = (ctx: DiagnosticContext, name: string) => parseBoolean(ctx.environment.values.get(name)?.value) === true;

/** http://<host>:13133/health; the setting may name another port (`host:port`, `[v6]:port`). */
export function collectorHealthUrl(setting: string): string {
  const { host, port } = splitHostPort(setting);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port ?? COLLECTOR_HEALTH_PORT}/health`;
}

const collectorCheck: Check = async (ctx) => {
  if (!flag(ctx, 'KAMIWAZA_OTEL_ENABLED')) {
    return {
      status: 'skipped',
      summary: 'OpenTelemetry is off (KAMIWAZA_OTEL_ENABLED is not true): no collector is expected.',
      evidence: noEvidence,
    };
  }
  const url = collectorHealthUrl(ctx.environment.collectorHost);
  const probe = await httpGet(url);
  const response =
    probe.status === undefined
      ? [`GET ${url}: ${probe.error}`]
      : [`GET ${url}: HTTP ${probe.status} (${probe.ms} ms)`, ...(probe.body ? [probe.body.trim()] : [])];
  if (probe.status !== undefined && probe.status >= 200 && probe.status < 300) {
    return { status: 'ok', summary: `The collector answers healthy at ${url}.`, evidence: { lines: response } };
  }
  return {
    status: 'error',
    summary:
      probe.status === undefined
        ? `The collector does not answer at ${url}: ${probe.error}.`
        : `The collector answers HTTP ${probe.status} at ${url}: not healthy.`,
    evidence: { lines: response },
  };
};

const otlpEndpointCheck: Check = async (ctx) => {
  const endpoint = ctx.environment.values.get('CUSTOMER_OTLP_ENDPOINT')?.value?.trim();
  if (!endpoint) {
    return {
      status: 'skipped',
      summary: 'CUSTOMER_OTLP_ENDPOINT is not set: no external system.',
      evidence: noEvidence,
    };
  }
  const target = parseEndpoint(endpoint);
  if (typeof target === 'string') {
    return { status: 'error', summary: target, evidence: { lines: [`CUSTOMER_OTLP_ENDPOINT=${endpoint}`] } };
  }
  const probe = await tcpConnect(target.host, target.port);
  const otelOff = flag(ctx, 'KAMIWAZA_OTEL_ENABLED')
    ? ''
    : ' OpenTelemetry is off, though, so the collector forwards nothing there.';
  return {
    status: !probe.reachable ? 'error' : otelOff ? 'warning' : 'ok',
    summary: probe.reachable
      ? `${endpoint} is reachable from this host.${otelOff}`
      : `${endpoint} is not reachable from this host.${otelOff}`,
    evidence: { lines: [probe.detail] },
  };
};

const lokiWithoutOtelCheck: Check = async (ctx) => {
  const loki = flag(ctx, 'KAMIWAZA_LOKI_ENABLED');
  const otel = flag(ctx, 'KAMIWAZA_OTEL_ENABLED');
  const lines = [
    `KAMIWAZA_LOKI_ENABLED=${ctx.environment.values.get('KAMIWAZA_LOKI_ENABLED')?.value ?? ''}`,
    `KAMIWAZA_OTEL_ENABLED=${ctx.environment.values.get('KAMIWAZA_OTEL_ENABLED')?.value ?? ''}`,
  ];
  if (!loki) {
    return { status: 'ok', summary: 'The local Loki stack is not enabled.', evidence: { lines } };
  }
  return otel
    ? { status: 'ok', summary: 'Loki is enabled and fed by OpenTelemetry.', evidence: { lines } }
    : { status: 'error', summary: 'Loki is enabled without OpenTelemetry: Loki gets nothing.', evidence: { lines } };
};

const CHECKS: Partial<Record<DiagnosticId, Check>> = {
  [DiagnosticId.Collector]: collectorCheck,
  [DiagnosticId.OtlpEndpoint]: otlpEndpointCheck,
  [DiagnosticId.TlsMismatch]: tlsMismatchCheck,
  [DiagnosticId.Startup]: startupCheck,
  [DiagnosticId.ApiErrors]: apiErrorsCheck,
  [DiagnosticId.LokiWithoutOtel]: lokiWithoutOtelCheck,
  [DiagnosticId.LogFiles]: logFilesCheck,
};

export function isBackendCheck(id: string): id is DiagnosticId {
  return Object.prototype.hasOwnProperty.call(CHECKS, id);
}

/** Runs one check; a check that throws is reported as an error result, not a failed request. */
export async function runDiagnostic(id: DiagnosticId, ctx: DiagnosticContext): Promise<DiagnosticResult> {
  const started = performance.now();
  let body: CheckBody;
  try {
    body = await CHECKS[id]!(ctx);
  } catch (error) {
    body = { status: 'error', summary: `The check failed: ${(error as Error).message}`, evidence: noEvidence };
  }
  return { id, ...body, ms: Math.round(performance.now() - started) };
}
