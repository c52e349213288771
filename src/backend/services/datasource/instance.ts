/**
 * One data source instance: its parsed settings, resolved log directories and the log store
 * over them (which keeps its file indexes across queries). Built by the instance cache when
 * Grafana first calls for a data source uid, and again after each save.
 */
import { createFileLogStore, type FileLogStore } from '../../engine/store';
import { indexCacheDir } from '../../engine/index/cacheDir';
import type { KamiwazaLogsSettings } from '../../../shared/settings';
import type { DataSourceInstanceSettings } from '../../protocol/messages';
import { logDirsFor, parseSettings } from './settings';

export interface DataSourceInstance {
  uid: string;
  name: string;
  settings: KamiwazaLogsSettings;
  /** Absolute directories the backend reads logs from. */
  logDirs: string[];
  store: FileLogStore;
}

export function createInstance(settings: DataSourceInstanceSettings, env: NodeJS.ProcessEnv): DataSourceInstance {
  const parsed = parseSettings(settings.jsonData);
  const logDirs = logDirsFor(parsed, env);
  return {
    uid: settings.uid,
    name: settings.name,
    settings: parsed,
    logDirs,
    store: createFileLogStore(
      { roots: logDirs, accessLogPath: parsed.accessLogPath, kamiwazaRoot: env.KAMIWAZA_ROOT },
      // KAMIWAZA_LOGS_INDEX=off: no block index, every query scans (for comparisons).
      env.KAMIWAZA_LOGS_INDEX === 'off' ? {} : { index: { cacheDir: indexCacheDir(env, logDirs) } }
    ),
  };
}
