/**
 * One data source instance: its parsed settings and resolved log directories. Built by the
 * instance cache when Grafana first calls for a data source uid, and again after each save.
 */
import type { KamiwazaLogsSettings } from '../../../shared/settings';
import type { DataSourceInstanceSettings } from '../../protocol/messages';
import { logDirsFor, parseSettings } from './settings';

export interface DataSourceInstance {
  uid: string;
  name: string;
  settings: KamiwazaLogsSettings;
  /** Absolute directories the backend reads logs from. */
  logDirs: string[];
}

export function createInstance(settings: DataSourceInstanceSettings, env: NodeJS.ProcessEnv): DataSourceInstance {
  const parsed = parseSettings(settings.jsonData);
  return { uid: settings.uid, name: settings.name, settings: parsed, logDirs: logDirsFor(parsed, env) };
}
