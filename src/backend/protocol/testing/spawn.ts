/**
 * Test and benchmark helper: starts the built plugin executable the way Grafana does (no
 * arguments, Grafana's environment, Grafana's working directory) and reads its handshake line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
export const DIST_DATASOURCE = path.join(ROOT, 'dist', 'datasource');

/** The launcher Grafana would pick on this machine, e.g. gpx_kamiwaza_logs_linux_amd64. */
export function hostExecutable(): string {
  const goarch = process.arch === 'x64' ? 'amd64' : process.arch;
  const goos = process.platform === 'win32' ? 'windows' : process.platform;
  const file = path.join(DIST_DATASOURCE, `gpx_kamiwaza_logs_${goos}_${goarch}${goos === 'windows' ? '.exe' : ''}`);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run npm run build first (or npm run build:backend)`);
  }
  return file;
}

/**
 * Grafana's data directory for the plugins that tests and benchmarks start, in the system's
 * temporary directory. Grafana's image sets GF_PATHS_DATA and its plugins inherit it; without it
 * they keep their index cache under the user's ~/.cache.
 */
const GRAFANA_DATA_DIR = path.join(os.tmpdir(), 'kamiwaza-logs-tests-grafana-data');

/** The variables go-plugin and Grafana set (grafana-plugin-protocol.md §1.3), and Grafana's image. */
export function grafanaEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    grafana_plugin_type: 'datasource',
    PLUGIN_PROTOCOL_VERSIONS: '2',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    GF_VERSION: '12.4.0',
    GF_EDITION: 'Open Source',
    GF_PLUGIN_LOG_LEVEL: 'debug',
    GF_PATHS_DATA: GRAFANA_DATA_DIR,
    ...extra,
  };
}

export interface Handshake {
  core: string;
  app: string;
  network: 'unix' | 'tcp';
  address: string;
  protocol: string;
  /** Everything after the first line; must stay empty. */
  rest: string;
}

export interface StartedPlugin {
  child: ChildProcess;
  handshake: Handshake;
  /** Milliseconds from spawn to the complete handshake line. */
  startupMs: number;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function parseHandshake(stdout: string): Handshake {
  const newline = stdout.indexOf('\n');
  const [core, app, network, address, protocol] = stdout.slice(0, newline).trim().split('|');
  return { core, app, network: network as Handshake['network'], address, protocol, rest: stdout.slice(newline + 1) };
}

export function startPlugin(
  options: { command?: string; args?: string[]; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}
): Promise<StartedPlugin> {
  const started = performance.now();
  const child = spawn(options.command ?? hostExecutable(), options.args ?? [], {
    env: options.env ?? grafanaEnv(),
    cwd: options.cwd ?? '/',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no handshake within ${options.timeoutMs ?? 15000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 15000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const hadLine = stdout.includes('\n');
      stdout += chunk.toString();
      if (!hadLine && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve({
          child,
          handshake: parseHandshake(stdout),
          startupMs: performance.now() - started,
          stderr: () => stderr,
          stdout: () => stdout,
          exited,
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`plugin exited (${code ?? signal}) before the handshake; stderr: ${stderr}`));
    });
  });
}

/**
 * Stops a started plugin as Grafana does: SIGTERM, which lets it remove its socket; SIGKILL only
 * when it has not stopped within 2 s.
 */
export async function stopPlugin(plugin: StartedPlugin): Promise<void> {
  plugin.child.kill('SIGTERM');
  const timer = setTimeout(() => plugin.child.kill('SIGKILL'), 2000);
  await plugin.exited;
  clearTimeout(timer);
}

/** Linux: VmRSS of a process in bytes. */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) {
    throw new Error(`no VmRSS for pid ${pid}`);
  }
  return Number(match[1]) * 1024;
}

/** Whether a pid is a live process (a zombie waiting for its parent to reap it counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
