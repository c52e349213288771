/**
 * Data source settings (jsonData) shared by the config editor and the backend. Secrets never
 * live here: the data source has none, and the app's secrets stay in secureJsonData.
 */
import type { DataSourceJsonData } from '@grafana/schema';

import { DEFAULT_KAMIWAZA_ROOT } from './kamiwaza';

export interface KamiwazaLogsSettings extends DataSourceJsonData {
  /** Log roots the backend may read; defaults to $KAMIWAZA_LOG_DIR or $KAMIWAZA_ROOT/logs. */
  logDirs?: string[];
  /** Traefik access log path, absolute or relative to a log root or $KAMIWAZA_ROOT. */
  accessLogPath?: string;
  /** Per-query limits. */
  maxLines?: number;
  queryTimeoutSeconds?: number;
  maxBytesScanned?: number;
  /**
   * Where the trace id of a log line links to: the app's trace drill-down dashboard, a trace data
   * source (`tracesDatasourceUid`), or nowhere. Unset: `datasource` when `tracesDatasourceUid` is
   * set (settings saved before this option existed), else `dashboard` (see traceLinkTarget()).
   */
  traceLinkTarget?: TraceLinkTarget;
  /** UID of a Tempo or Jaeger data source, the target of trace-id links when traceLinkTarget is `datasource`. */
  tracesDatasourceUid?: string;
}

export type TraceLinkTarget = 'dashboard' | 'datasource' | 'none';

/** The effective trace link target, migrating settings that only name a trace data source. */
export function traceLinkTarget(
  settings: Pick<KamiwazaLogsSettings, 'traceLinkTarget' | 'tracesDatasourceUid'>
): TraceLinkTarget {
  if (settings.traceLinkTarget) {
    return settings.traceLinkTarget;
  }
  return settings.tracesDatasourceUid ? 'datasource' : 'dashboard';
}

export const DEFAULT_QUERY_TIMEOUT_SECONDS = 60;

/**
 * The log roots to read, in the order the platform defines them: explicit settings, then
 * $KAMIWAZA_LOG_DIR, then $KAMIWAZA_ROOT/logs, then the default install's log directory.
 * `env` is passed in (not read from process.env) so the browser can call this too.
 */
export function resolveLogDirs(
  settings: Pick<KamiwazaLogsSettings, 'logDirs'>,
  env: Record<string, string | undefined>
): string[] {
  const configured = (settings.logDirs ?? []).map((dir) => dir.trim()).filter(Boolean);
  if (configured.length > 0) {
    return configured;
  }
  if (env.KAMIWAZA_LOG_DIR) {
    return [env.KAMIWAZA_LOG_DIR];
  }
  return [`${(env.KAMIWAZA_ROOT || DEFAULT_KAMIWAZA_ROOT).replace(/\/+$/, '')}/logs`];
}
