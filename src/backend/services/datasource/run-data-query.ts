/**
 * Answers one decoded query. For now it proves the path end to end by listing the log files of
 * the instance's directories as a `log-lines` frame (timestamp = mtime, body = path); the log
 * engine replaces this module.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

import type { Frame } from '../../protocol/frames/frame';
import type { Logger } from '../../protocol/logger';
import type { DataQuery, DataResponse, PluginContext, QueryDataRequest, TimeRange } from '../../protocol/messages';
import { DEFAULT_MAX_LINES, type KamiwazaLogsQuery } from '../../../shared/query';
import type { DataSourceInstance } from './instance';

export interface QueryContext {
  logger: Logger;
  signal: AbortSignal;
  pluginContext: PluginContext;
  /** The query as Grafana sent it (maxDataPoints, intervalMS). */
  dataQuery: DataQuery;
  /** Forwarded HTTP headers (`http_<Name>`), FromAlert, ... */
  headers: QueryDataRequest['headers'];
}

/** How deep the placeholder walks below each log directory. */
const MAX_DEPTH = 4;

export async function runDataQuery(
  instance: DataSourceInstance,
  query: KamiwazaLogsQuery,
  _timeRange: TimeRange,
  ctx: QueryContext
): Promise<DataResponse> {
  const limit = query.maxLines ?? instance.settings.maxLines ?? DEFAULT_MAX_LINES;
  const files: Array<{ path: string; mtimeMs: number }> = [];
  for (const dir of instance.logDirs) {
    await collectFiles(dir, MAX_DEPTH, files, ctx);
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const shown = files.slice(0, limit);

  const frame: Frame = {
    name: 'log files',
    refId: query.refId,
    meta: {
      type: 'log-lines',
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      executedQueryString: `list files under ${instance.logDirs.join(', ')}`,
      notices:
        files.length > shown.length
          ? [{ severity: 'warning', text: `Showing ${shown.length} of ${files.length} files (limit ${limit}).` }]
          : undefined,
    },
    fields: [
      { name: 'timestamp', type: 'time', values: shown.map((file) => file.mtimeMs), nullable: false },
      { name: 'body', type: 'string', values: shown.map((file) => file.path), nullable: false },
      { name: 'id', type: 'string', values: shown.map((file) => file.path) },
    ],
  };
  return { frames: [frame] };
}

async function collectFiles(
  dir: string,
  depth: number,
  out: Array<{ path: string; mtimeMs: number }>,
  ctx: QueryContext
) {
  if (ctx.signal.aborted) {
    return;
  }
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    ctx.logger.debug('cannot list log directory', { dir, error: (error as Error).message });
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) {
      await collectFiles(full, depth - 1, out, ctx);
    } else if (entry.isFile()) {
      try {
        out.push({ path: full, mtimeMs: (await fs.stat(full)).mtimeMs });
      } catch {
        // removed or rotated away while listing
      }
    }
  }
}
