/**
 * Before a command reads anything: are the log roots readable, and do they hold Kamiwaza logs?
 * A wrong place must not look like "no errors found" to a script, so this is an error (exit 3)
 * that says what was looked for and where.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { DEFAULT_ACCESS_LOG_PATH, KAMIWAZA_LOG_FILE_NAMES } from '../../shared/kamiwaza';
import type { SourceDescription } from '../engine/store';
import type { StoreOptions } from './args';

export class NoLogsError extends Error {}

/** Why a root cannot be read, or undefined when it can. */
export function rootProblem(root: string): string | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
  }
  if (!isDirectory) {
    return 'is a file, not a directory';
  }
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    return 'is not readable (permission denied)';
  }
  return undefined;
}

const WHERE_FROM: Record<StoreOptions['rootsFrom'], string> = {
  '--dir': 'given with --dir',
  KAMIWAZA_LOG_DIR: 'from $KAMIWAZA_LOG_DIR',
  KAMIWAZA_ROOT: 'from $KAMIWAZA_ROOT/logs',
  default: 'the default: no --dir, and neither KAMIWAZA_LOG_DIR nor KAMIWAZA_ROOT is set',
};

const HOW_TO_POINT =
  'Point at the logs with --dir DIR, or set KAMIWAZA_LOG_DIR (or KAMIWAZA_ROOT, whose logs/ is used).';

/** Throws NoLogsError unless some root is readable; returns the readable ones. */
export function requireReadableRoots(store: StoreOptions): string[] {
  const problems = store.roots.map((root) => ({ root, problem: rootProblem(root) }));
  const readable = problems.filter((p) => p.problem === undefined).map((p) => p.root);
  if (readable.length === 0) {
    throw new NoLogsError(
      [
        `no readable log directory (${WHERE_FROM[store.rootsFrom]}):`,
        ...problems.map((p) => `  ${p.root} ${p.problem}`),
        HOW_TO_POINT,
      ].join('\n')
    );
  }
  return readable;
}

/** Throws NoLogsError when the readable roots hold no Kamiwaza log file at all. */
export function requireLogFiles(store: StoreOptions, sources: SourceDescription[]): void {
  if (sources.some((source) => source.files.length > 0)) {
    return;
  }
  const roots = store.roots.filter((root) => rootProblem(root) === undefined);
  throw new NoLogsError(
    [
      `no Kamiwaza log file in ${roots.join(', ')} (${WHERE_FROM[store.rootsFrom]}).`,
      `Looked for ${KAMIWAZA_LOG_FILE_NAMES.join(', ')} with their rotated siblings (.1, .2.gz, .2026-12-01.gz),`,
      `and the Traefik access log ${store.accessLogPath ?? DEFAULT_ACCESS_LOG_PATH}.`,
      HOW_TO_POINT,
    ].join('\n')
  );
}
