/**
 * go-plugin's start-up contract as Grafana's client checks it (hashicorp/go-plugin server.go and
 * client.go): the magic cookie in the environment, app protocol 2, a listener bound before the
 * single handshake line `CORE|APP|NETWORK|ADDRESS|PROTOCOL|` is printed on stdout.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type * as grpc from '@grpc/grpc-js';
import { ServerCredentials } from '@grpc/grpc-js';

export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
/** Grafana sends `datasource` for every plugin type, apps included. */
export const MAGIC_COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

export type HandshakeCheck = { ok: true } | { ok: false; message: string };

export function checkHandshakeEnv(env: NodeJS.ProcessEnv): HandshakeCheck {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return {
      ok: false,
      message:
        'This executable is a Grafana backend plugin and is started by Grafana, not run directly. ' +
        `(Environment variable ${MAGIC_COOKIE_KEY} is not "${MAGIC_COOKIE_VALUE}".)`,
    };
  }
  // As in go-plugin, an absent list means the host predates negotiation; we only speak 2.
  const offered = env.PLUGIN_PROTOCOL_VERSIONS;
  if (offered !== undefined && offered.trim() !== '') {
    const versions = offered.split(',').map((version) => Number(version.trim()));
    if (!versions.includes(APP_PROTOCOL_VERSION)) {
      return {
        ok: false,
        message: `Grafana offers plugin protocol versions ${offered}, this plugin speaks only version ${APP_PROTOCOL_VERSION}.`,
      };
    }
  }
  return { ok: true };
}

export interface ListenAddress {
  network: 'unix' | 'tcp';
  /** Absolute socket path, or host:port. */
  address: string;
}

export function handshakeLine(listen: ListenAddress): string {
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|${listen.network}|${listen.address}|grpc|\n`;
}

/**
 * Binds like a Go plugin: a fresh Unix socket in $PLUGIN_UNIX_SOCKET_DIR or the temp dir on
 * POSIX; on Windows TCP 127.0.0.1 on the first free port of PLUGIN_MIN_PORT..PLUGIN_MAX_PORT.
 */
export async function bindListener(
  server: grpc.Server,
  env: NodeJS.ProcessEnv,
  platform = process.platform
): Promise<ListenAddress> {
  if (platform === 'win32') {
    return bindTcp(server, env);
  }
  const dir = path.resolve(env.PLUGIN_UNIX_SOCKET_DIR || os.tmpdir());
  const socketPath = path.join(dir, `plugin${crypto.randomInt(1e9, 1e10)}`);
  fs.rmSync(socketPath, { force: true });
  await bind(server, `unix:${socketPath}`);
  return { network: 'unix', address: socketPath };
}

async function bindTcp(server: grpc.Server, env: NodeJS.ProcessEnv): Promise<ListenAddress> {
  const min = Number(env.PLUGIN_MIN_PORT) || 10000;
  const max = Number(env.PLUGIN_MAX_PORT) || 25000;
  if (max < min) {
    throw new Error(`PLUGIN_MIN_PORT ${min} is above PLUGIN_MAX_PORT ${max}`);
  }
  let lastError: unknown;
  for (let port = min; port <= max; port++) {
    try {
      await bind(server, `127.0.0.1:${port}`);
      return { network: 'tcp', address: `127.0.0.1:${port}` };
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`no free TCP port in ${min}..${max}: ${String(lastError)}`);
}

function bind(server: grpc.Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port)
    );
  });
}
