/**
 * The app's settings. jsonData: the logs data source to use and the Kamiwaza environment
 * overrides (highest precedence, above env.sh and the process environment); secureJsonData: the
 * secret override CUSTOMER_OTLP_AUTH, which Grafana keeps encrypted and never returns to the
 * browser (only `secureJsonFields` says it is set).
 */
import type { EnvironmentRequest } from '../../shared/environment';

export interface AppSettings {
  /**
   * The Kamiwaza Logs data source the app's pages use when several exist; empty means the first
   * one Grafana lists. Its backend serves the environment and diagnostics resources.
   */
  logsDatasourceUid?: string;
  /** env.sh to read; default `$KAMIWAZA_ROOT/env.sh`. */
  envFilePath?: string;
  /** Host (optionally `host:port`) of the OTEL collector's health endpoint; default localhost. */
  collectorHost?: string;
  /** Non-secret Kamiwaza variables set here, by name. */
  overrides?: Record<string, string>;
}

export interface AppSecureSettings {
  CUSTOMER_OTLP_AUTH?: string;
}

/** What the pages send to the data source backend: never a secret value, only which are set. */
export function environmentRequest(
  settings: AppSettings | undefined,
  secureJsonFields: Record<string, boolean> | undefined
): EnvironmentRequest {
  const overrides = Object.fromEntries(
    Object.entries(settings?.overrides ?? {}).filter(([, value]) => typeof value === 'string' && value.trim() !== '')
  );
  return {
    overrides,
    secretOverrides: Object.keys(secureJsonFields ?? {}).filter((name) => secureJsonFields?.[name]),
    envFilePath: settings?.envFilePath?.trim() || undefined,
    collectorHost: settings?.collectorHost?.trim() || undefined,
  };
}
