/**
 * Where the block index is persisted: `KAMIWAZA_LOGS_INDEX_DIR` when set (`off`: memory only),
 * else Grafana's data directory (`$GF_PATHS_DATA/kamiwaza-logs/index`: beside grafana.db, not in
 * its plugins folder, which Grafana walks for plugin.json files at every start), else the user's
 * cache directory (`$XDG_CACHE_HOME` or `~/.cache`, `/kamiwaza-logs/index`). Never inside a log
 * root: such a choice falls back to memory only (the backend must not write among the logs).
 */
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

export function indexCacheDir(env: NodeJS.ProcessEnv, logRoots: string[]): string | undefined {
  const explicit = env.KAMIWAZA_LOGS_INDEX_DIR;
  let dir: string | undefined;
  if (explicit !== undefined && explicit !== '') {
    dir = explicit === 'off' ? undefined : resolve(explicit);
  } else if (env.GF_PATHS_DATA) {
    dir = join(resolve(env.GF_PATHS_DATA), 'kamiwaza-logs', 'index');
  } else {
    const home = env.HOME ?? homedir();
    const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : home ? join(home, '.cache') : undefined;
    dir = cache === undefined ? undefined : join(cache, 'kamiwaza-logs', 'index');
  }
  if (dir === undefined) {
    return undefined;
  }
  const inside = logRoots.some((root) => {
    const rel = relative(resolve(root), dir!);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  return inside ? undefined : dir;
}
