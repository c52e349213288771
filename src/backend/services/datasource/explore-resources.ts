/**
 * Explore's resources (src/shared/resources.ts):
 * - `GET detected_fields?query&start&end&limit`: Loki's `/detected_fields` from the newest `limit`
 *   lines passing the query (default 500: enough to name the fields, cheap enough for completion;
 *   Loki's is 1000), reading at most 16 MiB (engine/explore/fields.ts).
 * - `GET index/stats?query&start&end`: what the query would read, from file sizes and the time
 *   index, without a scan; `entries` is an estimate (engine/explore/stats.ts).
 * - `GET context?id&before&after&query`: lines around one row of a logs frame (its `id` field),
 *   from the same file, in file order, with the query's pipeline applied when given.
 * Omitted `start`/`end` cover all time the files span. Ids come from browsers: an id that names
 * no file found under the log roots, or no line start, is a 400, never a read elsewhere.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

import { MAX_CONTEXT, recordContext, UnknownRecordError } from '../../engine/explore/context';
import { detectFields } from '../../engine/explore/fields';
import { readStats } from '../../engine/explore/stats';
import { PluginError } from '../../protocol/handlers';
import { jsonResponse } from '../../protocol/messages';
import {
  type DetectedFieldsResponse,
  type IndexStatsResponse,
  type LogContextResponse,
  ResourcePath,
} from '../../../shared/resources';
import type { DataSourceInstance } from './instance';
import { intParam, queryParam, rangeOf, requiredQueryParam, selectorOf } from './resource-params';
import type { ResourceRouter } from './resources';

const DEFAULT_FIELD_LINES = 500;
const MAX_FIELD_LINES = 5000;
const MAX_FIELDS = 1000;
const DEFAULT_CONTEXT = 10;

export function addExploreResources(router: ResourceRouter): ResourceRouter {
  return router
    .add('GET', ResourcePath.DetectedFields, async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const lineLimit = intParam(call, 'limit', DEFAULT_FIELD_LINES, 1, MAX_FIELD_LINES);
      const result = await detectFields(call.instance.store, {
        query: requiredQueryParam(call),
        fromMs: startMs,
        toMs: endMs,
        lineLimit,
        fieldLimit: MAX_FIELDS,
        signal: call.signal,
      });
      return jsonResponse(200, { fields: result.fields, limit: lineLimit } satisfies DetectedFieldsResponse);
    })
    .add('GET', ResourcePath.IndexStats, async (call) => {
      const { startMs, endMs } = rangeOf(call);
      const stats = await readStats(call.instance.store, selectorOf(call), startMs, endMs);
      return jsonResponse(200, stats satisfies IndexStatsResponse);
    })
    .add('GET', ResourcePath.Context, async (call) => {
      const id = call.query.get('id') ?? '';
      const before = intParam(call, 'before', DEFAULT_CONTEXT, 0, MAX_CONTEXT);
      const after = intParam(call, 'after', DEFAULT_CONTEXT, 0, MAX_CONTEXT);
      const query = queryParam(call);
      const located = call.instance.store.locateRecord(id);
      if (located === undefined) {
        throw new PluginError(
          `id ${JSON.stringify(id.slice(0, 80))} names no row of a log file under the log directories`,
          400,
          'downstream'
        );
      }
      try {
        const context = await recordContext(located, { before, after }, query);
        const body: LogContextResponse = {
          file: relativeToRoots(call.instance, located.path),
          before: context.before,
          after: context.after,
        };
        return jsonResponse(200, body);
      } catch (error) {
        if (error instanceof UnknownRecordError) {
          throw new PluginError(error.message, 400, 'downstream');
        }
        throw error;
      }
    });
}

/** The file's path below the log directory holding it (the access log may lie elsewhere: its name). */
function relativeToRoots(instance: DataSourceInstance, file: string): string {
  for (const dir of instance.logDirs) {
    let root: string;
    try {
      root = realpathSync(dir);
    } catch {
      continue;
    }
    const relative = path.relative(root, file);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      return relative;
    }
  }
  return path.basename(file);
}
