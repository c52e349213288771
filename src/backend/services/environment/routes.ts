/**
 * The app pages' resources on the data source backend (the app has no backend of its own: a
 * second 110 MB executable per platform is not worth two routes). `environment` answers the
 * environment report, `diagnostics/<id>` one troubleshooting check; both take the app settings'
 * overrides as a JSON body (POST), or none (GET).
 */
import { AppResourcePath } from '../../../shared/environment';
import { jsonResponse } from '../../protocol/messages';
import type { ResourceCall, ResourceRouteHandler, ResourceRouter } from '../datasource/resources';
import { isBackendCheck, runDiagnostic } from '../diagnostics/diagnostics';
import {
  buildEnvironmentReport,
  type EnvironmentContext,
  loadEnvironment,
  parseEnvironmentRequest,
} from './environment';

function contextOf(call: ResourceCall, env: Record<string, string | undefined>): EnvironmentContext {
  return {
    processEnv: env,
    dataSourceLogDirs: call.instance.logDirs,
    callerIsAdmin: call.request.pluginContext.user?.role === 'Admin',
  };
}

export function addEnvironmentResources(
  router: ResourceRouter,
  env: Record<string, string | undefined>,
  now: () => number = Date.now
): ResourceRouter {
  const environment: ResourceRouteHandler = async (call) => {
    const report = await buildEnvironmentReport(parseEnvironmentRequest(call.request.body), contextOf(call, env));
    return jsonResponse(200, report);
  };
  const diagnostic: ResourceRouteHandler = async (call) => {
    const { id } = call.params;
    if (!isBackendCheck(id)) {
      return jsonResponse(404, { message: `no diagnostic check ${JSON.stringify(id)} on the data source backend` });
    }
    const loaded = await loadEnvironment(parseEnvironmentRequest(call.request.body), contextOf(call, env));
    const result = await runDiagnostic(id, {
      environment: loaded,
      store: call.instance.store,
      logDirs: call.instance.logDirs,
      maxBytesScanned: call.instance.settings.maxBytesScanned,
      nowMs: now(),
      signal: call.signal,
    });
    return jsonResponse(200, result);
  };
  const diagnosticPattern = 'diagnostics/:id';
  return router
    .add('GET', AppResourcePath.Environment, environment)
    .add('POST', AppResourcePath.Environment, environment)
    .add('GET', diagnosticPattern, diagnostic)
    .add('POST', diagnosticPattern, diagnostic);
}
