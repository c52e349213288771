/**
 * Process lifecycle of a plugin under Grafana: never die of a stray exception, ignore SIGINT
 * (as Go plugins do, so a Ctrl-C in Grafana's terminal leaves the graceful path to Grafana), stop
 * gracefully on SIGTERM, and exit when Grafana is gone instead of lingering as an orphan.
 */
import * as fs from 'node:fs';

import type { Logger } from './logger';

/** Logs uncaught exceptions and rejections instead of letting them end the process. */
export function installCrashGuards(logger: Logger): void {
  process.on('uncaughtException', (error) => logger.error('uncaught exception', { error }));
  process.on('unhandledRejection', (reason) => logger.error('unhandled promise rejection', { error: reason }));
  // Writes after Grafana closed our pipes fail with EPIPE; that must not become an exception.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}

export function handleSignals(logger: Logger, stop: (reason: string) => void): void {
  process.on('SIGINT', () => logger.debug('ignoring SIGINT; Grafana stops plugins through Shutdown'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (process.platform !== 'win32') {
    process.on('SIGHUP', () => logger.debug('ignoring SIGHUP'));
  }
}

/** The parent pid as the kernel sees it now (Linux /proc), else the runtime's view. */
export function currentParentPid(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Field 4, after the command name in parentheses (which may itself contain spaces).
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(afterName[1]);
    if (Number.isInteger(ppid)) {
      return ppid;
    }
  } catch {
    // not Linux
  }
  return process.ppid;
}

export interface ParentWatch {
  stop(): void;
}

/**
 * Calls `onGone` once the parent process is gone, detected as a change of our parent pid (the
 * orphan is re-parented to init or a subreaper). Polls every `intervalMs`. When stdin is a pipe,
 * its end triggers an immediate check; Grafana may hand us /dev/null or a pipe it shares with
 * others, so the end of stdin alone is not proof that Grafana died.
 */
export function watchParent(onGone: () => void, intervalMs = 1000): ParentWatch {
  const parent = currentParentPid();
  const check = () => {
    if (currentParentPid() !== parent) {
      watch.stop();
      onGone();
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();

  let onStdinEnd: (() => void) | undefined;
  if (stdinIsPipe()) {
    onStdinEnd = () => setTimeout(check, 50).unref();
    process.stdin.on('end', onStdinEnd);
    process.stdin.on('error', onStdinEnd);
    process.stdin.resume();
    process.stdin.unref?.();
  }

  const watch = {
    stop() {
      clearInterval(timer);
      if (onStdinEnd) {
        process.stdin.off('end', onStdinEnd);
        process.stdin.off('error', onStdinEnd);
        process.stdin.pause();
      }
    },
  };
  return watch;
}

function stdinIsPipe(): boolean {
  try {
    return fs.fstatSync(0).isFIFO();
  } catch {
    return false;
  }
}
