/**
 * Data source settings (jsonData) parsed defensively, and where the logs are: the configured
 * directories, else $KAMIWAZA_LOG_DIR, else $KAMIWAZA_ROOT/logs, else /opt/kamiwaza/logs.
 */
import * as path from 'node:path';

import { PluginError } from '../../protocol/handlers';
import { type KamiwazaLogsSettings, resolveLogDirs } from '../../../shared/settings';

export function parseSettings(jsonData: Buffer): KamiwazaLogsSettings {
  const text = jsonData.toString('utf8').trim();
  if (text === '') {
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PluginError(`data source settings are not valid JSON: ${(error as Error).message}`, 400);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PluginError('data source settings must be a JSON object', 400);
  }
  const json = raw as Record<string, unknown>;
  return {
    logDirs: Array.isArray(json.logDirs)
      ? json.logDirs
          .filter((dir): dir is string => typeof dir === 'string' && dir.trim() !== '')
          .map((dir) => dir.trim())
      : undefined,
    accessLogPath: nonEmptyString(json.accessLogPath),
    maxLines: positiveNumber(json.maxLines),
    queryTimeoutSeconds: positiveNumber(json.queryTimeoutSeconds),
    maxBytesScanned: positiveNumber(json.maxBytesScanned),
    tracesDatasourceUid: nonEmptyString(json.tracesDatasourceUid),
  };
}

/** The shared resolution order, made absolute (Grafana's cwd is not ours to rely on). */
export function logDirsFor(settings: KamiwazaLogsSettings, env: NodeJS.ProcessEnv): string[] {
  return resolveLogDirs(settings, env).map((dir) => path.resolve(dir));
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function positiveNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}
