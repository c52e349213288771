/** Test builders for the decoded request types of `messages.ts` (what handlers receive). */
import type { DataSourceInstanceSettings, PluginContext } from '../messages';

export function dataSourceSettings(overrides: Partial<DataSourceInstanceSettings> = {}): DataSourceInstanceSettings {
  return {
    id: 1,
    uid: 'logs',
    name: 'Logs',
    url: '',
    user: '',
    database: '',
    basicAuthEnabled: false,
    basicAuthUser: '',
    jsonData: Buffer.from('{}'),
    decryptedSecureJsonData: {},
    lastUpdatedMS: 1,
    apiVersion: '',
    ...overrides,
  };
}

/** A data source call's context with these settings (jsonData given as a value, serialised here). */
export function dataSourcePluginContext(
  jsonData: unknown,
  overrides: Partial<DataSourceInstanceSettings> = {}
): PluginContext {
  return {
    orgId: 1,
    pluginId: 'kamiwaza-logs-datasource',
    grafanaConfig: {},
    pluginVersion: '',
    userAgent: '',
    apiVersion: '',
    namespace: '',
    dataSourceInstanceSettings: dataSourceSettings({ jsonData: Buffer.from(JSON.stringify(jsonData)), ...overrides }),
  };
}
