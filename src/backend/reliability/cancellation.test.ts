/**
 * A cancelled query stops using the CPU promptly. Checked by its cancellation checkpoints, not
 * by a clock: after the abort, a scan reads at most the block it was in (CHUNK_BYTES, 1 MiB,
 * a few milliseconds of work), then ends, reporting `truncated: "cancelled"`; a query waiting in
 * the scheduler never starts; a metric query ends with QueryCancelledError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { QueryCancelledError } from '../engine/logql/metric/errors';
import { emptyStats } from '../engine/model';
import { runQuery } from '../engine/query';
import { CHUNK_BYTES, SEARCH_CHUNK_BYTES } from '../engine/scan/chunks';
import { createFileLogStore } from '../engine/store';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-19T00:00:00Z');
const LINES = 200_000; // ~24 MB: many blocks

describe('cancellation', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-'));
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const ts = new Date(T0 + i * 400).toISOString();
      lines.push(
        `{"timestamp":"${ts}","level":"${i % 7 ? 'INFO' : 'ERROR'}","service":"kamiwaza.api","message":"request ${i} done"}`
      );
    }
    fs.writeFileSync(path.join(dir, 'application.jsonl'), lines.join('\n') + '\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['every line', undefined, CHUNK_BYTES],
    ['a literal search', ['ERROR'], SEARCH_CHUNK_BYTES],
  ])('a scan (%s) reads at most one more block after the abort, then ends', async (_name, mustContain, block) => {
    for (const direction of ['forward', 'backward'] as const) {
      const store = createFileLogStore({ roots: [dir] });
      const abort = new AbortController();
      const stats = emptyStats();
      let atAbort = -1;
      for await (const batch of store.scan(
        {
          matchers: [{ name: 'source', op: '=', value: 'application' }],
          fromMs: T0,
          toMs: T0 + 86_400_000,
          direction,
          mustContain,
          signal: abort.signal,
        },
        stats
      )) {
        if (atAbort < 0 && batch.length > 0) {
          atAbort = stats.bytesScanned;
          abort.abort();
        }
      }
      expect(stats.truncated).toBe('cancelled');
      const size = fs.statSync(path.join(dir, 'application.jsonl')).size;
      expect(atAbort).toBeLessThan(size / 2);
      expect(stats.bytesScanned - atAbort).toBeLessThanOrEqual(block);
    }
  });

  it('a metric query cancelled while it runs ends with QueryCancelledError, having read part of the file', async () => {
    const store = createFileLogStore({ roots: [dir] }, { minSplitBytes: 1 << 20 });
    const abort = new AbortController();
    const query = runQuery(store, {
      query: 'sum by (level) (count_over_time({source="application"} | json [1h]))',
      startMs: T0,
      endMs: T0 + 86_400_000,
      stepMs: 3_600_000,
      signal: abort.signal,
    });
    setImmediate(() => abort.abort());
    await expect(query).rejects.toBeInstanceOf(QueryCancelledError);
  });
});
