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
  /** UID of a Tempo data source for trace-id links (optional). */
  tracesDatasourceUid?: string;
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
