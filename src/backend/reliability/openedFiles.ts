/**
 * Test support: records every path the process opens or lists through `node:fs` (sync, callback
 * and promise APIs, streams) successfully, so a test can check that nothing outside the log roots was read.
 * The engine runs in-process; core modules are shared with the test, so spies on them see every
 * call the engine makes.
 */
import * as fs from 'node:fs';

export interface OpenedPath {
  path: string;
  /** The real path at the time of the call (undefined when it did not resolve). */
  real?: string;
  api: string;
}

type Fn = (...args: any[]) => any;

const SYNC = ['openSync', 'readdirSync', 'readFileSync', 'opendirSync', 'createReadStream'] as const;
const PROMISES = ['open', 'readdir', 'readFile', 'opendir'] as const;

function realOf(path: string): string | undefined {
  try {
    return fs.realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Starts recording; the returned function stops it and gives the paths seen. */
export function recordOpenedPaths(): () => OpenedPath[] {
  const seen: OpenedPath[] = [];
  const restore: Array<() => void> = [];
  const note = (api: string, target: unknown) => {
    if (typeof target === 'string' || target instanceof URL || Buffer.isBuffer(target)) {
      const path = target.toString();
      seen.push({ path, real: realOf(path), api });
    }
  };
  const wrap = (owner: Record<string, unknown>, name: string, api: string) => {
    const original = owner[name] as Fn;
    // Only calls that succeed are recorded: a refused open (O_NOFOLLOW on a link) reads nothing.
    owner[name] = function (this: unknown, target: unknown, ...rest: unknown[]) {
      const last = rest[rest.length - 1];
      if (api === 'open' && typeof last === 'function') {
        rest[rest.length - 1] = (error: unknown, ...results: unknown[]) => {
          if (!error) {
            note(api, target);
          }
          (last as Fn)(error, ...results);
        };
        return original.call(this, target, ...rest);
      }
      const result = original.call(this, target, ...rest);
      // Core modules' promises come from another realm than the test's: no instanceof Promise.
      if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
        return (result as Promise<unknown>).then((value) => {
          note(api, target);
          return value;
        });
      }
      note(api, target);
      return result;
    };
    restore.push(() => (owner[name] = original));
  };
  const fsObject = fs as unknown as Record<string, unknown>;
  for (const name of SYNC) {
    wrap(fsObject, name, name);
  }
  wrap(fsObject, 'open', 'open');
  for (const name of PROMISES) {
    wrap(fs.promises as unknown as Record<string, unknown>, name, `promises.${name}`);
  }
  return () => {
    restore.forEach((undo) => undo());
    return seen;
  };
}
