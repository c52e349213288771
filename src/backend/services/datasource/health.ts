/** CheckHealth: are the configured log directories there and readable? */
import * as fs from 'node:fs/promises';

import type { CheckHealthResult } from '../../protocol/messages';
import type { DataSourceInstance } from './instance';

export interface DirectoryStatus {
  path: string;
  readable: boolean;
  /** Why it is not readable. */
  error?: string;
}

export async function directoryStatus(dir: string): Promise<DirectoryStatus> {
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) {
      return { path: dir, readable: false, error: 'not a directory' };
    }
    await fs.access(dir, fs.constants.R_OK | fs.constants.X_OK);
    await (await fs.opendir(dir)).close();
    return { path: dir, readable: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { path: dir, readable: false, error: reason };
  }
}

export async function checkHealth(instance: DataSourceInstance): Promise<CheckHealthResult> {
  const directories = await Promise.all(instance.logDirs.map(directoryStatus));
  const readable = directories.filter((dir) => dir.readable);
  if (readable.length > 0) {
    const unreadable = directories.length - readable.length;
    const note = unreadable > 0 ? ` (${unreadable} of ${directories.length} configured directories not readable)` : '';
    return {
      status: 'OK',
      message: `Reading logs from ${readable.map((dir) => dir.path).join(', ')}${note}`,
      jsonDetails: { logDirs: directories },
    };
  }
  return {
    status: 'ERROR',
    message: `No readable log directory: ${directories.map((dir) => `${dir.path} (${dir.error})`).join(', ')}. Set the log directories in the data source settings, or KAMIWAZA_LOG_DIR / KAMIWAZA_ROOT in Grafana's environment.`,
    jsonDetails: { logDirs: directories },
  };
}
