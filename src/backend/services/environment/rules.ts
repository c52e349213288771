/**
 * The guide's rules over the effective variables, as pure functions: each rule looks at the
 * resolved values plus facts gathered beforehand (is the log directory readable, is the endpoint
 * reachable, is the collector on this host) and returns findings: a status and reason for a
 * variable, and optionally the env.sh change that fixes it. Tested one by one.
 */
import { type EnvironmentStatus, type EnvironmentSuggestion, LOG_LEVELS } from '../../../shared/environment';
import type { ResolvedVariable } from './resolve';

export interface EnvironmentFacts {
  collectorHost: string;
  /** The collector runs on this host (loopback or one of this host's names/addresses). */
  collectorLocal: boolean;
  /** The effective KAMIWAZA_LOG_DIR on disk. */
  logDir: { path: string; readable: boolean; error?: string };
  /** Directories the data source reads (absolute). */
  dataSourceLogDirs: string[];
  /** TCP connect to CUSTOMER_OTLP_ENDPOINT, when it was tried. */
  endpointProbe?: { reachable: boolean; detail: string };
}

export interface Finding {
  name: string;
  status: EnvironmentStatus;
  reason: string;
  suggestion?: Omit<EnvironmentSuggestion, 'name' | 'reason'>;
}

type Values = ReadonlyMap<string, ResolvedVariable>;
type Rule = (values: Values, facts: EnvironmentFacts) => Finding[];

/** true/false as the guide writes them (any case); anything else is reported, not guessed. */
export function parseBoolean(value: string | undefined): boolean | 'invalid' | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : 'invalid';
}

const valueOf = (values: Values, name: string) => values.get(name)?.value;
const isSet = (values: Values, name: string) => (values.get(name)?.source ?? 'unset') !== 'unset';
const enabled = (values: Values, name: string) => parseBoolean(valueOf(values, name)) === true;

const booleanRule =
  (name: string, fallback: 'true' | 'false'): Rule =>
  (values) =>
    parseBoolean(valueOf(values, name)) === 'invalid'
      ? [
          {
            name,
            status: 'warning',
            reason: `"${valueOf(values, name)}" is not true or false, the values the guide documents.`,
            suggestion: { value: fallback },
          },
        ]
      : [];

const lokiNeedsOtel: Rule = (values) => {
  if (!enabled(values, 'KAMIWAZA_LOKI_ENABLED')) {
    return [];
  }
  if (!enabled(values, 'KAMIWAZA_OTEL_ENABLED')) {
    return [
      {
        name: 'KAMIWAZA_LOKI_ENABLED',
        status: 'error',
        reason: 'Loki is enabled but OpenTelemetry is not: Grafana and Loki require OTEL, so Loki gets no logs.',
      },
      {
        name: 'KAMIWAZA_OTEL_ENABLED',
        status: 'error',
        reason: 'KAMIWAZA_LOKI_ENABLED=true requires KAMIWAZA_OTEL_ENABLED=true.',
        suggestion: { value: 'true' },
      },
    ];
  }
  return [
    {
      name: 'KAMIWAZA_LOKI_ENABLED',
      status: 'ok',
      reason: 'The local Loki/Grafana stack is fed by the OTEL collector.',
    },
  ];
};

const insecureExporter: Rule = (values, facts) => {
  if (!enabled(values, 'OTEL_EXPORTER_INSECURE')) {
    return [];
  }
  if (!enabled(values, 'KAMIWAZA_OTEL_ENABLED')) {
    return [
      {
        name: 'OTEL_EXPORTER_INSECURE',
        status: 'info',
        reason: 'Plain gRPC without TLS is configured, but OpenTelemetry is off, so nothing is sent.',
      },
    ];
  }
  if (facts.collectorLocal) {
    return [
      {
        name: 'OTEL_EXPORTER_INSECURE',
        status: 'warning',
        reason: `Telemetry data is transmitted unencrypted to the collector at ${facts.collectorHost}. The collector is on this host, the case the guide allows.`,
      },
    ];
  }
  return [
    {
      name: 'OTEL_EXPORTER_INSECURE',
      status: 'error',
      reason: `Telemetry data is transmitted unencrypted to ${facts.collectorHost}, which is not this host. The guide: only use this setting when the collector is on the same host or within a trusted network.`,
      suggestion: { value: 'false' },
    },
  ];
};

const customerEndpoint: Rule = (values, facts) => {
  const endpoint = valueOf(values, 'CUSTOMER_OTLP_ENDPOINT')?.trim();
  if (!endpoint) {
    return [];
  }
  const findings: Finding[] = [];
  if (!enabled(values, 'KAMIWAZA_OTEL_ENABLED')) {
    findings.push({
      name: 'CUSTOMER_OTLP_ENDPOINT',
      status: 'warning',
      reason: 'OpenTelemetry is off, so the collector forwards nothing to this endpoint.',
    });
    findings.push({
      name: 'KAMIWAZA_OTEL_ENABLED',
      status: 'warning',
      reason: 'CUSTOMER_OTLP_ENDPOINT is set, but nothing reaches it while OTEL is off.',
      suggestion: { value: 'true' },
    });
  }
  const url = parseEndpoint(endpoint);
  if (typeof url === 'string') {
    findings.push({ name: 'CUSTOMER_OTLP_ENDPOINT', status: 'error', reason: url });
  } else if (facts.endpointProbe && !facts.endpointProbe.reachable) {
    findings.push({
      name: 'CUSTOMER_OTLP_ENDPOINT',
      status: 'error',
      reason: `Not reachable from this host: ${facts.endpointProbe.detail}.`,
    });
  } else if (facts.endpointProbe) {
    findings.push({ name: 'CUSTOMER_OTLP_ENDPOINT', status: 'ok', reason: facts.endpointProbe.detail });
  }
  return findings;
};

/** The endpoint's host and port (URL default port for the scheme), or why it is not a valid URL. */
export function parseEndpoint(endpoint: string): { host: string; port: number } | string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `"${endpoint}" is not a valid URL (the guide's example: https://otel-gateway.your-company.com:4317).`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `"${url.protocol}" is not an OTLP scheme: use https:// (or http:// for a collector without TLS).`;
  }
  if (url.hostname === '') {
    return `"${endpoint}" has no host.`;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

const endpointAuth: Rule = (values) =>
  isSet(values, 'CUSTOMER_OTLP_AUTH') && !valueOf(values, 'CUSTOMER_OTLP_ENDPOINT')?.trim()
    ? [
        {
          name: 'CUSTOMER_OTLP_AUTH',
          status: 'info',
          reason: 'Set, but CUSTOMER_OTLP_ENDPOINT is not: the header is not used.',
        },
      ]
    : [];

const logLevel: Rule = (values) => {
  const level = valueOf(values, 'KAMIWAZA_LOG_LEVEL');
  if (level === undefined || (LOG_LEVELS as readonly string[]).includes(level)) {
    return [];
  }
  const upper = level.trim().toUpperCase();
  const fixed = (LOG_LEVELS as readonly string[]).includes(upper) ? upper : 'INFO';
  return [
    {
      name: 'KAMIWAZA_LOG_LEVEL',
      status: 'error',
      reason: `"${level}" is not one of ${LOG_LEVELS.join(', ')}.`,
      suggestion: { value: fixed },
    },
  ];
};

const logDir: Rule = (_values, facts) => {
  const { logDir: dir, dataSourceLogDirs } = facts;
  if (!dir.readable) {
    return [{ name: 'KAMIWAZA_LOG_DIR', status: 'error', reason: `${dir.path} ${dir.error ?? 'is not readable'}.` }];
  }
  if (!dataSourceLogDirs.includes(dir.path)) {
    return [
      {
        name: 'KAMIWAZA_LOG_DIR',
        status: 'warning',
        reason: `The Kamiwaza Logs data source reads ${dataSourceLogDirs.join(', ')}, not ${dir.path}: set its log directories to ${dir.path}.`,
      },
    ];
  }
  return [{ name: 'KAMIWAZA_LOG_DIR', status: 'ok', reason: 'Readable, and the data source reads it.' }];
};

const syslog: Rule = (values) => {
  const disabled = parseBoolean(valueOf(values, 'KAMIWAZA_DISABLE_SYSLOG'));
  const reason =
    disabled === undefined
      ? 'Unset: the deployment profile decides whether structured logs go to syslog.'
      : disabled === true
        ? 'Syslog forwarding is off: structured logs stay in the local files (and OTEL, when enabled).'
        : disabled === false
          ? "Structured logs are also sent to the system's local syslog daemon, facility local5."
          : undefined;
  return reason ? [{ name: 'KAMIWAZA_DISABLE_SYSLOG', status: 'info', reason }] : [];
};

const grafanaPassword: Rule = (values) =>
  enabled(values, 'KAMIWAZA_LOKI_ENABLED') && !isSet(values, 'GRAFANA_ADMIN_PASSWORD')
    ? [
        {
          name: 'GRAFANA_ADMIN_PASSWORD',
          status: 'warning',
          reason: 'Unset: the bundled Grafana keeps the default admin password kamiwaza.',
        },
      ]
    : [];

export const RULES: readonly Rule[] = [
  booleanRule('KAMIWAZA_OTEL_ENABLED', 'false'),
  booleanRule('OTEL_EXPORTER_INSECURE', 'false'),
  booleanRule('KAMIWAZA_LOKI_ENABLED', 'false'),
  booleanRule('KAMIWAZA_DISABLE_SYSLOG', 'true'),
  lokiNeedsOtel,
  insecureExporter,
  customerEndpoint,
  endpointAuth,
  logLevel,
  logDir,
  syslog,
  grafanaPassword,
];

export function evaluateRules(values: Values, facts: EnvironmentFacts): Finding[] {
  return RULES.flatMap((rule) => rule(values, facts));
}

const SEVERITY: Record<EnvironmentStatus, number> = { ok: 0, info: 1, warning: 2, error: 3 };

export function worstStatus(statuses: EnvironmentStatus[]): EnvironmentStatus {
  return statuses.reduce<EnvironmentStatus>((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst), 'ok');
}

/** One suggestion per variable: the one from the most severe finding. */
export function suggestionsOf(findings: Finding[]): EnvironmentSuggestion[] {
  const byName = new Map<string, Finding>();
  for (const finding of findings) {
    const current = byName.get(finding.name);
    if (finding.suggestion && (!current || SEVERITY[finding.status] > SEVERITY[current.status])) {
      byName.set(finding.name, finding);
    }
  }
  return [...byName.values()].map((f) => ({ name: f.name, value: f.suggestion!.value, reason: f.reason }));
}
