/** Identifiers and routes of the app, in one place for the module, the pages and the tests. */
import dsPluginJson from './datasource/plugin.json';
import pluginJson from './plugin.json';

export const APP_ID = pluginJson.id;
export const LOGS_DATASOURCE_TYPE = dsPluginJson.id;
export const LOGS_DATASOURCE_NAME = dsPluginJson.name;

/** The app's pages, as sub-paths of /a/<app id>/ (plugin.json `includes` name the same paths). */
export enum ROUTES {
  Home = 'home',
  Diagnostics = 'diagnostics',
}

/** The URL of an app page, for links between pages. */
export function appPageUrl(route: ROUTES): string {
  return `/a/${APP_ID}/${route}`;
}
