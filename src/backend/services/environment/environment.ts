/**
 * The Kamiwaza environment as the data source backend sees it: reads env.sh (never executes it),
 * resolves each variable by precedence, gathers the facts the rules need (log directory on disk,
 * endpoint reachability, collector locality) and builds the `environment` report, in which secret
 * values are replaced by set/unset and a masked hint before anything leaves this module.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

import {
  DEFAULT_COLLECTOR_HOST,
  ENVIRONMENT_VARIABLES,
  type EnvironmentReport,
  type EnvironmentRequest,
  type EnvironmentVariableReport,
} from '../../../shared/environment';
import { directoryStatus } from '../datasource/health';
import { parseEnvFile, type ParsedEnvFile } from './env-file';
import { isLocalHost, tcpConnect } from './probes';
import { defaultEnvFilePath, kamiwazaRootOf, resolveEnvironment, type ResolvedVariable } from './resolve';
import { type EnvironmentFacts, evaluateRules, parseEndpoint, suggestionsOf, worstStatus } from './rules';

export interface EnvironmentContext {
  processEnv: Record<string, string | undefined>;
  /** Directories the data source instance reads (absolute). */
  dataSourceLogDirs: string[];
  /** Only an Org Admin's request may carry app-setting overrides (paths, hosts, values). */
  callerIsAdmin: boolean;
}

export interface LoadedEnvironment {
  values: Map<string, ResolvedVariable>;
  envFile: EnvironmentReport['envFile'];
  collectorHost: string;
  overridesIgnored?: string;
}

const MAX_ENV_FILE_BYTES = 1 << 20;
const NOT_ADMIN =
  "The app settings' overrides apply to Org Admins' requests only; this shows env.sh and the process environment.";

function hasOverrides(request: EnvironmentRequest): boolean {
  return (
    Object.keys(request.overrides ?? {}).length > 0 ||
    (request.secretOverrides ?? []).length > 0 ||
    Boolean(request.envFilePath?.trim()) ||
    Boolean(request.collectorHost?.trim())
  );
}

/** The request's overrides, or none when the caller may not set them. */
function acceptedRequest(request: EnvironmentRequest, context: EnvironmentContext): EnvironmentRequest {
  return context.callerIsAdmin ? request : {};
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {};
  }
  const known = new Set(ENVIRONMENT_VARIABLES.filter((v) => !v.secret).map((v) => v.name));
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => known.has(e[0]) && typeof e[1] === 'string')
  );
}

/** A request body as sent by the app's pages, read defensively (bad input: no overrides). */
export function parseEnvironmentRequest(body: Buffer): EnvironmentRequest {
  let raw: unknown;
  try {
    raw = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return {};
  }
  const json = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  return {
    overrides: stringRecord(json.overrides),
    secretOverrides: Array.isArray(json.secretOverrides)
      ? json.secretOverrides.filter((name): name is string => typeof name === 'string')
      : [],
    envFilePath: text(json.envFilePath),
    collectorHost: text(json.collectorHost),
  };
}

async function readEnvFile(
  filePath: string,
  env: Record<string, string | undefined>
): Promise<{ parsed?: ParsedEnvFile; report: EnvironmentReport['envFile'] }> {
  try {
    const handle = await fs.open(filePath, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_ENV_FILE_BYTES) {
        return {
          report: {
            path: filePath,
            found: true,
            error: `larger than ${MAX_ENV_FILE_BYTES} bytes: not read`,
            problems: [],
          },
        };
      }
      const parsed = parseEnvFile(await handle.readFile('utf8'), env);
      return { parsed, report: { path: filePath, found: true, problems: parsed.problems } };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      report: {
        path: filePath,
        found: code !== 'ENOENT',
        error: code === 'ENOENT' ? undefined : code === 'EACCES' ? 'permission denied' : (error as Error).message,
        problems: [],
      },
    };
  }
}

export async function loadEnvironment(
  request: EnvironmentRequest,
  context: EnvironmentContext
): Promise<LoadedEnvironment> {
  const accepted = acceptedRequest(request, context);
  const overrides = accepted.overrides ?? {};
  const root = kamiwazaRootOf(overrides, context.processEnv);
  const envFilePath = path.resolve(accepted.envFilePath ?? defaultEnvFilePath(root));
  const envFile = await readEnvFile(envFilePath, context.processEnv);
  const values = resolveEnvironment({
    overrides,
    secretOverrides: accepted.secretOverrides ?? [],
    envFile: envFile.parsed,
    envFilePath,
    processEnv: context.processEnv,
  });
  return {
    values,
    envFile: envFile.report,
    collectorHost: accepted.collectorHost ?? DEFAULT_COLLECTOR_HOST,
    overridesIgnored: !context.callerIsAdmin && hasOverrides(request) ? NOT_ADMIN : undefined,
  };
}

/** The effective KAMIWAZA_LOG_DIR, absolute. */
export function logDirOf(values: Map<string, ResolvedVariable>): string {
  return path.resolve(values.get('KAMIWAZA_LOG_DIR')?.value ?? '');
}

async function gatherFacts(loaded: LoadedEnvironment, context: EnvironmentContext): Promise<EnvironmentFacts> {
  const endpoint = loaded.values.get('CUSTOMER_OTLP_ENDPOINT')?.value?.trim();
  const target = endpoint ? parseEndpoint(endpoint) : undefined;
  const [logDir, endpointProbe] = await Promise.all([
    directoryStatus(logDirOf(loaded.values)),
    target && typeof target !== 'string' ? tcpConnect(target.host, target.port) : undefined,
  ]);
  return {
    collectorHost: loaded.collectorHost,
    collectorLocal: isLocalHost(loaded.collectorHost),
    logDir,
    dataSourceLogDirs: context.dataSourceLogDirs,
    endpointProbe,
  };
}

const KNOWN_SCHEMES = /^(Bearer|Basic|Token|Digest|Negotiate|Splunk|ApiKey|Api-Key|DD-API-KEY)\s/i;

/** What a secret may show: its auth scheme when it is a well-known one, and its length. */
export function maskSecret(value: string): string {
  const scheme = KNOWN_SCHEMES.exec(value)?.[1];
  return `${scheme ? `${scheme} ` : ''}•••••••• (${value.length} characters)`;
}

function variableReport(resolved: ResolvedVariable): Omit<EnvironmentVariableReport, 'status' | 'reasons'> {
  const set = resolved.source !== 'unset';
  const base = { name: resolved.spec.name, set, source: resolved.source, sourceDetail: resolved.sourceDetail };
  if (!resolved.spec.secret) {
    return { ...base, value: resolved.value };
  }
  const maskedHint =
    resolved.source === 'app'
      ? 'set in the app settings (value hidden)'
      : resolved.value !== undefined
        ? maskSecret(resolved.value)
        : undefined;
  return { ...base, maskedHint };
}

export async function buildEnvironmentReport(
  request: EnvironmentRequest,
  context: EnvironmentContext
): Promise<EnvironmentReport> {
  const loaded = await loadEnvironment(request, context);
  const findings = evaluateRules(loaded.values, await gatherFacts(loaded, context));
  const variables = [...loaded.values.values()].map((resolved): EnvironmentVariableReport => {
    const own = findings.filter((f) => f.name === resolved.spec.name);
    return {
      ...variableReport(resolved),
      status: worstStatus(own.map((f) => f.status)),
      reasons: own.map((f) => f.reason),
    };
  });
  return {
    envFile: loaded.envFile,
    collectorHost: loaded.collectorHost,
    variables,
    suggestions: suggestionsOf(findings),
    overridesIgnored: loaded.overridesIgnored,
  };
}
