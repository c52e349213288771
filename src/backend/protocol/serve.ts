/**
 * The one entry point of a plugin process (the Go SDK's `Manage`): check the handshake
 * environment, start the gRPC server, print the handshake line, then run until Grafana calls
 * Shutdown, sends SIGTERM, or goes away.
 */
import * as fs from 'node:fs';
import { format } from 'node:util';

import { setLogger } from '@grpc/grpc-js';

import type { PluginHandlers } from './handlers';
import { bindListener, checkHandshakeEnv, handshakeLine, type ListenAddress } from './handshake';
import { handleSignals, installCrashGuards, watchParent } from './lifecycle';
import { createHclogLogger, type Logger, logLevelFromEnv } from './logger';
import { createPluginServer } from './server';
import { compileCodecs } from './proto';

export interface ServeOptions {
  /** Builds the handlers once the logger exists; called after the handshake environment is checked. */
  createHandlers: (logger: Logger) => PluginHandlers;
  env?: NodeJS.ProcessEnv;
  /** Longest wait for in-flight calls when stopping before they are cut off. */
  gracePeriodMs?: number;
  /** Called once the handshake line is out: start-up work that must not delay it. */
  onServing?: () => void;
}

export async function servePlugin(options: ServeOptions): Promise<void> {
  const env = options.env ?? process.env;
  const check = checkHandshakeEnv(env);
  if (!check.ok) {
    process.stderr.write(check.message + '\n');
    process.exit(1);
  }

  const logger = createHclogLogger({ level: logLevelFromEnv(env) });
  installCrashGuards(logger);
  // grpc-js writes its own diagnostics with console.error; route them through hclog instead.
  const grpcLogger = logger.with({ '@module': 'grpc' });
  setLogger({
    error: (...args: unknown[]) => grpcLogger.warn(format(...args)),
    info: (...args: unknown[]) => grpcLogger.debug(format(...args)),
    debug: (...args: unknown[]) => grpcLogger.trace(format(...args)),
  });

  let listen: ListenAddress | undefined;
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.debug('plugin stopping', { reason });
    const exit = () => {
      removeSocket(listen);
      process.exit(0);
    };
    // Let the reply that triggered the stop (e.g. Shutdown) leave, then cut remaining calls.
    const deadline = setTimeout(() => {
      server.forceShutdown();
      exit();
    }, options.gracePeriodMs ?? 200);
    server.tryShutdown(() => {
      clearTimeout(deadline);
      exit();
    });
  };

  const handlers = options.createHandlers(logger);
  const server = createPluginServer({ handlers, logger, onShutdown: () => setImmediate(() => stop('Shutdown call')) });
  try {
    listen = await bindListener(server, env);
  } catch (error) {
    logger.error('cannot start the gRPC server', { error });
    process.exit(1);
  }
  process.on('exit', () => removeSocket(listen));
  handleSignals(logger, stop);
  watchParent(() => stop('parent process exited'));

  // Synchronous write: the line must be out before anything else can happen.
  fs.writeSync(1, handshakeLine(listen));
  // While go-plugin connects and pings: the first query then finds its codecs compiled, and the
  // handshake does not wait for them.
  setImmediate(compileCodecs);
  logger.debug('plugin started', { network: listen.network, address: listen.address, pid: process.pid });
  options.onServing?.();
}

function removeSocket(listen: ListenAddress | undefined): void {
  if (listen?.network === 'unix') {
    fs.rmSync(listen.address, { force: true });
  }
}
