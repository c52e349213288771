/**
 * Facts of the Kamiwaza platform (observability guide 0.8.1) that the engine, the data source and
 * the frontend all rely on. No Grafana knowledge here.
 */

/** Where a default install lives when $KAMIWAZA_ROOT is unset. */
export const DEFAULT_KAMIWAZA_ROOT = '/opt/kamiwaza';

/**
 * The files of the guide's table under `$KAMIWAZA_LOG_DIR`, with the `source` stream label each
 * gets (besides the Traefik access log, below). application.jsonl is the one the dashboards use most.
 */
export const KAMIWAZA_LOG_FILES = {
  'application.jsonl': 'application',
  'application.log': 'application-text',
  'audit-events.jsonl': 'audit',
  'kamiwazad.log': 'kamiwazad',
  'kamiwazad-core.log': 'kamiwazad-core',
  'kamiwazad-containers.log': 'kamiwazad-containers',
} as const;
export type KamiwazaLogFile = keyof typeof KAMIWAZA_LOG_FILES;
export const KAMIWAZA_LOG_FILE_NAMES = Object.keys(KAMIWAZA_LOG_FILES) as KamiwazaLogFile[];

/**
 * The Traefik access log as the guide names it. The guide does not say relative to what, so it
 * is looked up under each log root and under $KAMIWAZA_ROOT.
 */
export const DEFAULT_ACCESS_LOG_PATH = 'kamiwaza/traefik/access.log';

/**
 * UIDs of the dashboards the app ships (`dashboards/`): the app's pages, the data source's trace
 * links and the dashboards' own links all point at these.
 */
export const DashboardUid = {
  ServiceErrors: 'kamiwaza-service-errors',
  AuditActivity: 'kamiwaza-audit-activity',
  TraceDrillDown: 'kamiwaza-trace-drilldown',
  HttpGateway: 'kamiwaza-http-gateway',
  PlatformStartup: 'kamiwaza-platform-startup',
} as const;

/** The trace drill-down dashboard's variable that a trace link fills (`var-trace_id`). */
export const TRACE_ID_VARIABLE = 'trace_id';
