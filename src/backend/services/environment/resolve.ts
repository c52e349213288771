/**
 * Which value of each catalogue variable is in effect, and where it came from, in the order of
 * precedence: the app's settings, env.sh, the plugin process environment (`GF_PLUGIN_<NAME>`, from
 * the `[plugin.kamiwaza-logs-datasource]` section of grafana.ini, before a plain `<NAME>` that
 * Grafana passes from its host environment), then the guide's default. Pure: the caller reads the
 * file and passes the process environment.
 */
import { DEFAULT_KAMIWAZA_ROOT } from '../../../shared/kamiwaza';
import {
  ENVIRONMENT_VARIABLES,
  type EnvironmentSource,
  type EnvironmentVariableSpec,
} from '../../../shared/environment';
import type { ParsedEnvFile } from './env-file';

export interface ResolvedVariable {
  spec: EnvironmentVariableSpec;
  /** Effective value (secrets included: this never leaves the backend as is). */
  value?: string;
  source: EnvironmentSource;
  sourceDetail?: string;
}

export interface EnvironmentLayers {
  /** Non-secret values from the app's settings. */
  overrides: Record<string, string>;
  /** Secret variables the app's settings hold (values unknown here). */
  secretOverrides: string[];
  envFile?: ParsedEnvFile;
  envFilePath: string;
  processEnv: Record<string, string | undefined>;
}

/** `[plugin.<id>] kamiwaza_log_dir = …` reaches the plugin as `GF_PLUGIN_KAMIWAZA_LOG_DIR`. */
export const iniVariable = (name: string) => `GF_PLUGIN_${name}`;

/** The process environment's value of one variable: the ini key first, then the host's. */
export function processValue(
  name: string,
  env: Record<string, string | undefined>
): { value: string; source: 'grafana.ini' | 'process'; detail?: string } | undefined {
  const ini = env[iniVariable(name)];
  if (ini !== undefined) {
    return { value: ini, source: 'grafana.ini', detail: iniVariable(name) };
  }
  const plain = env[name];
  return plain !== undefined ? { value: plain, source: 'process' } : undefined;
}

/** `$KAMIWAZA_ROOT` as the process sees it (env.sh is found through it, so it cannot come from env.sh). */
export function kamiwazaRootOf(overrides: Record<string, string>, env: Record<string, string | undefined>): string {
  return (overrides.KAMIWAZA_ROOT || processValue('KAMIWAZA_ROOT', env)?.value || DEFAULT_KAMIWAZA_ROOT).replace(
    /\/+$/,
    ''
  );
}

export function defaultEnvFilePath(kamiwazaRoot: string): string {
  return `${kamiwazaRoot}/env.sh`;
}

export function resolveEnvironment(layers: EnvironmentLayers): Map<string, ResolvedVariable> {
  const resolved = new Map<string, ResolvedVariable>();
  for (const spec of ENVIRONMENT_VARIABLES) {
    resolved.set(spec.name, resolveOne(spec, layers, resolved));
  }
  return resolved;
}

function resolveOne(
  spec: EnvironmentVariableSpec,
  layers: EnvironmentLayers,
  earlier: Map<string, ResolvedVariable>
): ResolvedVariable {
  const { name } = spec;
  if (spec.secret ? layers.secretOverrides.includes(name) : layers.overrides[name] !== undefined) {
    return { spec, value: spec.secret ? undefined : layers.overrides[name], source: 'app' };
  }
  const fromFile = layers.envFile?.values.get(name);
  if (fromFile) {
    return { spec, value: fromFile.value, source: 'env.sh', sourceDetail: `${layers.envFilePath}:${fromFile.line}` };
  }
  const fromProcess = processValue(name, layers.processEnv);
  if (fromProcess) {
    return { spec, value: fromProcess.value, source: fromProcess.source, sourceDetail: fromProcess.detail };
  }
  if (name === 'KAMIWAZA_LOG_DIR') {
    return { spec, value: `${earlier.get('KAMIWAZA_ROOT')?.value ?? DEFAULT_KAMIWAZA_ROOT}/logs`, source: 'default' };
  }
  return spec.defaultValue !== undefined
    ? { spec, value: spec.defaultValue, source: 'default' }
    : { spec, source: 'unset' };
}
