/**
 * The guide's troubleshooting (observability guide 0.8.1, "Troubleshooting Common Issues") as
 * checks: their ids, titles and the guide's fix, shared by the backend (which runs all but one)
 * and the app's pages (which run the Loki data source check through Grafana's API and show all).
 */
import type { EnvironmentStatus } from './environment';

export type DiagnosticStatus = EnvironmentStatus | 'skipped';

export enum DiagnosticId {
  Collector = 'collector',
  OtlpEndpoint = 'otlp-endpoint',
  TlsMismatch = 'tls-mismatch',
  Startup = 'startup',
  ApiErrors = 'api-errors',
  LokiWithoutOtel = 'loki-without-otel',
  LokiDataSource = 'loki-datasource',
  LogFiles = 'log-files',
}

export interface DiagnosticSpec {
  id: DiagnosticId;
  title: string;
  /** The guide's fix, in its words. */
  fix: string[];
  /** Run by the browser through Grafana's API instead of the data source backend. */
  inBrowser?: boolean;
}

export const DIAGNOSTICS: readonly DiagnosticSpec[] = [
  {
    id: DiagnosticId.LogFiles,
    title: 'Log files present and fresh',
    fix: [
      'All logs are stored in the $KAMIWAZA_ROOT/logs directory by default (KAMIWAZA_LOG_DIR).',
      "Point the data source's log directories at the directory Kamiwaza writes.",
    ],
  },
  {
    id: DiagnosticId.Startup,
    title: 'Service start-up failures (kamiwazad.log)',
    fix: ['Service won’t start: check the process management logs first: tail -f $KAMIWAZA_ROOT/logs/kamiwazad.log'],
  },
  {
    id: DiagnosticId.ApiErrors,
    title: 'Recent API errors',
    fix: [
      'API errors: check the application logs for stack traces and error details: grep "ERROR" $KAMIWAZA_ROOT/logs/application.log',
    ],
  },
  {
    id: DiagnosticId.Collector,
    title: 'OTEL collector running and healthy',
    fix: [
      'Verify KAMIWAZA_OTEL_ENABLED=true.',
      'Verify the collector is running: docker ps | grep otel-collector',
      'Check the OTEL Collector logs for connection errors: docker logs kamiwaza-otel-collector',
      'Check collector health: curl http://localhost:13133/health',
    ],
  },
  {
    id: DiagnosticId.OtlpEndpoint,
    title: 'External OTLP endpoint reachable',
    fix: [
      'Ensure your CUSTOMER_OTLP_ENDPOINT is reachable from the Kamiwaza host.',
      'Check the OTEL Collector logs for connection errors: docker logs kamiwaza-otel-collector',
    ],
  },
  {
    id: DiagnosticId.TlsMismatch,
    title: 'OTEL export failures (StatusCode.UNAVAILABLE)',
    fix: [
      'Check TLS settings: ensure OTEL_EXPORTER_INSECURE matches your collector configuration.',
      'If collector has no TLS: export OTEL_EXPORTER_INSECURE=true',
      'If collector has TLS: export OTEL_EXPORTER_INSECURE=false',
      'Verify the collector is running: docker ps | grep otel-collector',
    ],
  },
  {
    id: DiagnosticId.LokiWithoutOtel,
    title: 'Loki enabled without OTEL',
    fix: [
      'Grafana and Loki require OpenTelemetry to be enabled. Ensure you have set KAMIWAZA_OTEL_ENABLED=true before enabling the Loki stack.',
    ],
  },
  {
    id: DiagnosticId.LokiDataSource,
    title: 'Loki data source present and answering',
    fix: [
      'If enabled (via KAMIWAZA_LOKI_ENABLED=true), you can query logs using the bundled Grafana interface: select Loki as the data source in Explore.',
      'Run a query, e.g., {service_name=~"kamiwaza.*"}.',
    ],
    inBrowser: true,
  },
];

/** Evidence that decided a check: lines or a response, and the query behind them. */
export interface DiagnosticEvidence {
  lines: string[];
  /** LogQL that finds these lines, for an Explore link on the Kamiwaza Logs data source. */
  query?: string;
  /** Explore range for `query`, e.g. `now-24h`. */
  from?: string;
}

export interface DiagnosticResult {
  id: DiagnosticId;
  status: DiagnosticStatus;
  summary: string;
  evidence: DiagnosticEvidence;
  /** Milliseconds the check took. */
  ms?: number;
}

/** Time the log-reading checks look back, as an Explore range. */
export const DIAGNOSTIC_LOOKBACK = { ms: 24 * 3_600_000, from: 'now-24h' } as const;
