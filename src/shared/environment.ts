/**
 * The Kamiwaza environment variables of the observability guide (0.8.1), once, for the data source
 * backend (which resolves and checks them) and the app's pages (which show them), and the shape of
 * the `environment` resource that carries the result.
 *
 * Secrets (`secret: true`) never travel as values: the backend answers `set` and a masked hint,
 * and the browser only ever says whether the app settings hold an override.
 */

/** The guide's groups, in the order the config page shows them. */
export type EnvironmentGroup = 'OpenTelemetry' | 'External endpoint' | 'Loki and Grafana' | 'Local logs' | 'Syslog';

export interface EnvironmentVariableSpec {
  name: string;
  group: EnvironmentGroup;
  /** The default as the guide writes it. */
  defaultText: string;
  /** The default as a value, where the guide gives one (`$KAMIWAZA_ROOT/logs` is resolved). */
  defaultValue?: string;
  /** The guide's own description. */
  meaning: string;
  secret: boolean;
}

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariableSpec[] = [
  {
    name: 'KAMIWAZA_OTEL_ENABLED',
    group: 'OpenTelemetry',
    defaultText: 'false',
    defaultValue: 'false',
    meaning: 'Master switch for OpenTelemetry.',
    secret: false,
  },
  {
    name: 'OTEL_EXPORTER_INSECURE',
    group: 'OpenTelemetry',
    defaultText: 'false',
    defaultValue: 'false',
    meaning:
      'Set to true to disable TLS for local/development collectors. When true, telemetry data is transmitted unencrypted: only use it when the collector is on the same host or within a trusted network.',
    secret: false,
  },
  {
    name: 'CUSTOMER_OTLP_ENDPOINT',
    group: 'External endpoint',
    defaultText: '-',
    meaning:
      'External OTLP endpoint for exporting telemetry. The internal OTEL Collector duplicates the telemetry stream and sends it there while maintaining local logs.',
    secret: false,
  },
  {
    name: 'CUSTOMER_OTLP_AUTH',
    group: 'External endpoint',
    defaultText: '-',
    meaning: 'Authentication header for the external endpoint.',
    secret: true,
  },
  {
    name: 'KAMIWAZA_LOKI_ENABLED',
    group: 'Loki and Grafana',
    defaultText: 'false',
    defaultValue: 'false',
    meaning: 'Enables the local Loki/Grafana stack. Requires OTEL to be enabled.',
    secret: false,
  },
  {
    name: 'GRAFANA_ADMIN_PASSWORD',
    group: 'Loki and Grafana',
    defaultText: 'kamiwaza',
    meaning: "The bundled Grafana's admin password (user admin, default password kamiwaza).",
    secret: true,
  },
  {
    name: 'KAMIWAZA_ROOT',
    group: 'Local logs',
    defaultText: '/opt/kamiwaza',
    defaultValue: '/opt/kamiwaza',
    meaning: 'Where Kamiwaza is installed; logs are stored in $KAMIWAZA_ROOT/logs by default, env.sh lives here.',
    secret: false,
  },
  {
    name: 'KAMIWAZA_LOG_DIR',
    group: 'Local logs',
    defaultText: '$KAMIWAZA_ROOT/logs',
    meaning: 'Directory where local log files are written.',
    secret: false,
  },
  {
    name: 'KAMIWAZA_LOG_LEVEL',
    group: 'Local logs',
    defaultText: 'INFO',
    defaultValue: 'INFO',
    meaning: 'Logging verbosity (DEBUG, INFO, WARNING, ERROR).',
    secret: false,
  },
  {
    name: 'KAMIWAZA_DISABLE_SYSLOG',
    group: 'Syslog',
    defaultText: 'Profile-driven',
    meaning:
      "Controls forwarding to system syslog: false sends structured logs to the system's local syslog daemon (facility local5), true disables it (often the default in development environments to avoid noise).",
    secret: false,
  },
];

export const ENVIRONMENT_GROUPS: readonly EnvironmentGroup[] = [
  'OpenTelemetry',
  'External endpoint',
  'Loki and Grafana',
  'Local logs',
  'Syslog',
];

export const SECRET_VARIABLES = ENVIRONMENT_VARIABLES.filter((v) => v.secret).map((v) => v.name);

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;

/** Port of the collector's health_check extension, as the guide's `curl http://localhost:13133/health`. */
export const COLLECTOR_HEALTH_PORT = 13133;
export const DEFAULT_COLLECTOR_HOST = 'localhost';

/** The data source resources that serve the app's pages (relative to `.../resources/`). */
export const AppResourcePath = {
  /** `POST environment` with an {@link EnvironmentRequest}: an {@link EnvironmentReport}. */
  Environment: 'environment',
  /** `POST diagnostics/<check id>` with an {@link EnvironmentRequest}: a `DiagnosticResult`. */
  diagnostic: (id: string) => `diagnostics/${encodeURIComponent(id)}`,
} as const;

/**
 * What the app's settings add to the environment, sent by the app's pages with every call. The
 * backend honours it only for Org Admins (who can edit the app settings anyway): otherwise any
 * viewer could make the backend read a file or probe a host of their choosing.
 */
export interface EnvironmentRequest {
  /** Non-secret variable values set in the app settings. */
  overrides?: Record<string, string>;
  /** Secret variables the app settings hold (from `secureJsonFields`); never their values. */
  secretOverrides?: string[];
  /** env.sh path; default `$KAMIWAZA_ROOT/env.sh`. */
  envFilePath?: string;
  /** Host of the OTEL collector; default `localhost`. */
  collectorHost?: string;
}

/** Where an effective value came from, highest precedence first. */
export type EnvironmentSource = 'app' | 'env.sh' | 'grafana.ini' | 'process' | 'default' | 'unset';

export type EnvironmentStatus = 'ok' | 'info' | 'warning' | 'error';

export interface EnvironmentVariableReport {
  name: string;
  /** Effective value; absent for secrets and for unset variables. */
  value?: string;
  set: boolean;
  /** Secrets only: e.g. `Bearer •••• (31 characters)`, or `set in the app settings`. */
  maskedHint?: string;
  source: EnvironmentSource;
  /** For `env.sh` and `grafana.ini` sources: the file line or the GF_PLUGIN_* name. */
  sourceDetail?: string;
  status: EnvironmentStatus;
  reasons: string[];
}

export interface EnvFileProblem {
  line: number;
  message: string;
}

export interface EnvironmentSuggestion {
  name: string;
  value: string;
  reason: string;
}

export interface EnvironmentReport {
  envFile: { path: string; found: boolean; error?: string; problems: EnvFileProblem[] };
  collectorHost: string;
  variables: EnvironmentVariableReport[];
  /** Changes the checks suggest, for the "copy as env.sh" block. */
  suggestions: EnvironmentSuggestion[];
  /** Set when the request's app-setting overrides were not applied, with the reason. */
  overridesIgnored?: string;
}

/** Shell-quote a value for an `export NAME=value` line. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+,=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The "copy as env.sh" text: one commented `export` per suggestion. */
export function suggestionsAsEnvFile(suggestions: readonly EnvironmentSuggestion[]): string {
  return suggestions.map((s) => `# ${s.reason}\nexport ${s.name}=${shellQuote(s.value)}\n`).join('');
}
