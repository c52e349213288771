/** Identifiers and routes of the app, in one place for the module, the pages and the tests. */
import dsPluginJson from './datasource/plugin.json';

export const LOGS_DATASOURCE_TYPE = dsPluginJson.id;
export const LOGS_DATASOURCE_NAME = dsPluginJson.name;

/** The app's pages, as sub-paths of /a/<app id>/ (plugin.json `includes` name the same paths). */
export enum ROUTES {
  Overview = 'overview',
}
