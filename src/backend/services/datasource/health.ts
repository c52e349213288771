/**
 * CheckHealth: are the configured log directories there and readable, and how far is the block
 * index (what it covers, whether it survives a restart)?
 */
import * as fs from 'node:fs/promises';

import type { IndexStatus } from '../../engine/index/blockIndex';
import type { CheckHealthResult } from '../../protocol/messages';
import { formatSize } from '../../../shared/format';
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

/**
 * The block index in a sentence, for operators: how much of the logs it covers (dashboards and
 * trace look-ups scan the rest), its memory, and whether it survives a restart.
 */
export function describeIndex(status: IndexStatus | undefined): string {
  if (status === undefined) {
    return 'Index: off (KAMIWAZA_LOGS_INDEX=off), every query scans the files.';
  }
  if (status.files === 0) {
    return 'Index: no log files to index yet.';
  }
  const covered =
    status.coveredFiles === status.files
      ? `covers all ${status.files} log files (${formatSize(status.bytes)})`
      : `building, ${status.coveredFiles} of ${status.files} log files covered so far ` +
        `(${formatSize(status.coveredBytes)} of ${formatSize(status.bytes)}; queries scan the rest)`;
  const kept =
    status.cacheDir === undefined
      ? 'in memory only (no cache directory, see KAMIWAZA_LOGS_INDEX_DIR), rebuilt after a restart'
      : status.saveError !== undefined
        ? `cannot be saved in ${status.cacheDir} (${status.saveError}), rebuilt after a restart`
        : `saved in ${status.cacheDir}`;
  const failed =
    status.failed.length === 0
      ? ''
      : ` ${status.failed.length} file(s) could not be indexed and are scanned: ` +
        `${status.failed
          .slice(0, 3)
          .map((f) => `${f.path} (${f.error})`)
          .join(', ')}.`;
  return `Index: ${covered}, ${formatSize(status.memoryBytes)} in memory, ${kept}.${failed}`;
}

export async function checkHealth(instance: DataSourceInstance): Promise<CheckHealthResult> {
  const directories = await Promise.all(instance.logDirs.map(directoryStatus));
  const readable = directories.filter((dir) => dir.readable);
  if (readable.length > 0) {
    const unreadable = directories.length - readable.length;
    const note = unreadable > 0 ? ` (${unreadable} of ${directories.length} configured directories not readable)` : '';
    const index = await instance.store.indexStatus();
    return {
      status: 'OK',
      // Two lines: the app's home page shows each on its own (Grafana's own pages join them).
      message: `Reading logs from ${readable.map((dir) => dir.path).join(', ')}${note}.\n${describeIndex(index)}`,
      jsonDetails: { logDirs: directories, index: index ?? null },
    };
  }
  return {
    status: 'ERROR',
    message: `No readable log directory: ${directories.map((dir) => `${dir.path} (${dir.error})`).join(', ')}. Set the log directories in the data source settings, or KAMIWAZA_LOG_DIR / KAMIWAZA_ROOT in Grafana's environment.`,
    jsonDetails: { logDirs: directories },
  };
}
