/**
 * The block index through the BUILT executable: its segments are built by worker threads (which
 * Node under jest cannot run), more jobs than workers so that each worker builds several, and
 * persisted to the cache directory. Then trace-id searches skip what the index rules out and
 * dashboard counts come from the summaries, with the answers of the same executable without the
 * index. Fails (never skips) without `npm run build`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateSample, SAMPLE_END_MS } from './testing/sample';
import { connectPlugin, dataSourceContext, panelQuery, type PluginClient } from './protocol/testing/client';
import { decodeGrafanaFrame } from './protocol/testing/grafana-frame';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from './protocol/testing/spawn';
import { PARALLEL_PARTS } from './engine/scan/parts';
import { threadsOf } from './testing/threads';

jest.setTimeout(180_000);

const DAYS = 2;

interface Running {
  plugin: StartedPlugin;
  client: PluginClient;
}

interface Answer {
  frames: Array<{ name: string; values: unknown[] }>;
  bodies: string[];
  stats: Record<string, number>;
}

/**
 * Every log file under `dir` and the offset its index must reach: a gzip sibling is indexed whole;
 * a plain file up to its last line (which the build leaves to the next one, as the file may grow).
 */
function indexEnds(dir: string): Map<string, number> {
  return new Map(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        const bytes = fs.readFileSync(file);
        return [file, file.endsWith('.gz') ? bytes.length : bytes.lastIndexOf(10, bytes.length - 2) + 1];
      })
  );
}

/** The files whose cache file (its header line) reaches its end in `ends`. */
function coveredFiles(cacheDir: string, ends: Map<string, number>): string[] {
  return fs.readdirSync(cacheDir).flatMap((name) => {
    try {
      const data = fs.readFileSync(path.join(cacheDir, name));
      const header = JSON.parse(data.toString('utf8', 0, data.indexOf(10))) as { path: string; end: number };
      return header.end >= (ends.get(header.path) ?? Infinity) ? [header.path] : [];
    } catch {
      return []; // being written
    }
  });
}

describe('built executable: the block index built in worker threads', () => {
  let logDir: string;
  let cacheDir: string;
  let indexed: Running;
  let scanning: Running;

  async function start(env: Record<string, string>): Promise<Running> {
    const plugin = await startPlugin({ env: grafanaEnv({ PATH: process.env.PATH, ...env }), cwd: os.tmpdir() });
    return { plugin, client: connectPlugin(plugin.handshake.network, plugin.handshake.address) };
  }

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-index-exe-'));
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-index-exe-cache-'));
    await generateSample(logDir, { seed: 8, size: '40MB', days: DAYS, rotate: true });
    indexed = await start({ KAMIWAZA_LOGS_INDEX_DIR: cacheDir });
    scanning = await start({ KAMIWAZA_LOGS_INDEX: 'off' });
  });

  afterAll(async () => {
    for (const running of [indexed, scanning]) {
      running?.client.close();
      if (running) {
        await stopPlugin(running.plugin);
      }
    }
    fs.rmSync(logDir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  async function query(running: Running, expr: string): Promise<Answer> {
    const reply = await running.client.call('Data', 'QueryData', {
      pluginContext: dataSourceContext({ logDirs: [logDir] }, { uid: logDir }),
      queries: [panelQuery({ expr, maxLines: 5000 }, SAMPLE_END_MS - DAYS * 86_400_000, SAMPLE_END_MS)],
    });
    const response = (reply.responses as Record<string, { frames: Buffer[]; error: string }>).A;
    expect(response.error).toBe('');
    const frames = response.frames.map((bytes) => decodeGrafanaFrame(bytes));
    const stats = Object.fromEntries(
      ((frames[0]?.meta?.stats ?? []) as Array<{ displayName: string; value: number }>).map((s) => [
        s.displayName,
        s.value,
      ])
    );
    const body = frames[0]?.fields.find((f) => f.name === 'body');
    return {
      frames: frames.map((f) => ({ name: f.name ?? '', values: f.fields.map((field) => field.values.map(String)) })),
      bodies: ((body?.values ?? []) as string[]).slice().sort(),
      stats,
    };
  }

  it('builds every file in more jobs than workers and persists each file whole', async () => {
    const ends = indexEnds(logDir);
    expect([...ends.keys()].some((file) => file.endsWith('.gz'))).toBe(true);
    expect(ends.size).toBeGreaterThan(2 * PARALLEL_PARTS);
    // The first query starts the builds.
    await query(indexed, '{source=~".+"} |= "no such line"');
    const pid = indexed.plugin.child.pid!;
    const workerNices = new Set<number>();
    const deadline = Date.now() + 120_000;
    while (coveredFiles(cacheDir, ends).length < ends.size && Date.now() < deadline) {
      const threads = threadsOf(pid);
      // The main thread and the search worker (kept from the query) serve queries at full priority,
      // and so do the threads all of them share (compilers, collectors, the file system's pool).
      expect(threads.find((t) => t.tid === pid)?.nice).toBe(0);
      expect(threads.filter((t) => t.name !== 'Worker' && t.nice !== 0)).toEqual([]);
      threads.filter((t) => t.name === 'Worker').forEach((t) => workerNices.add(t.nice));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(coveredFiles(cacheDir, ends).sort()).toEqual([...ends.keys()].sort());
    // Build workers are the scheduler's last choice: they take no cores from queries.
    expect([...workerNices].sort()).toEqual([0, 19]);
  });

  it('answers trace-id searches from the index with the lines a scan finds', async () => {
    const live = fs.readFileSync(path.join(logDir, 'application.jsonl'), 'latin1');
    const ids = [0.1, 0.5, 0.9].map((at) => /"trace_id":"([0-9a-f]{32})"/.exec(live.slice(live.length * at))![1]);
    for (const id of ids) {
      const fromIndex = await query(indexed, `{source=~".+"} |= "${id}"`);
      const fromScan = await query(scanning, `{source=~".+"} |= "${id}"`);
      expect(fromIndex.bodies.length).toBeGreaterThan(0);
      expect(fromIndex.bodies).toEqual(fromScan.bodies);
      expect(fromIndex.stats['Index: bytes skipped (trace-id index, level lists, columns)']).toBeGreaterThan(0);
    }
  });

  const SUMMARIES = 'Index: lines counted from summaries';
  const COLUMNS = 'Index: lines read from columns';
  it.each([
    [
      'lines by source and level',
      'sum by (source, detected_level) (count_over_time({source=~".+"} [$__auto]))',
      SUMMARIES,
    ],
    ['bytes by source', 'sum by (source) (bytes_over_time({source=~".+"} [$__auto]))', SUMMARIES],
    [
      'HTTP latency percentiles',
      'quantile_over_time(0.95, {source="access"} | Duration!="" | unwrap Duration | __error__="" [$__auto]) by (source)',
      COLUMNS,
    ],
    ['HTTP top paths', 'topk(5, sum by (RequestPath) (count_over_time({source="access"} [$__auto])))', COLUMNS],
  ])('answers dashboard %s from the index as a scan does', async (_, expr, stat) => {
    const fromIndex = await query(indexed, expr);
    const fromScan = await query(scanning, expr);
    expect(fromIndex.stats[stat]).toBeGreaterThan(0);
    expect(fromIndex.frames.length).toBeGreaterThan(0);
    expect(fromIndex.frames).toEqual(fromScan.frames);
  });

  it('restarted, answers from the saved index and record columns at once, as a scan does', async () => {
    const restarted = await start({ KAMIWAZA_LOGS_INDEX_DIR: cacheDir });
    try {
      const percentile =
        'quantile_over_time(0.95, {source="access"} | Duration!="" | unwrap Duration | __error__="" [$__auto]) by (source)';
      for (const [expr, stat] of [
        [percentile, COLUMNS],
        ['sum by (source, detected_level) (count_over_time({source=~".+"} [$__auto]))', SUMMARIES],
      ]) {
        const fromSaved = await query(restarted, expr);
        expect(fromSaved.stats[stat]).toBeGreaterThan(0);
        expect(fromSaved.frames).toEqual((await query(scanning, expr)).frames);
      }
      const live = fs.readFileSync(path.join(logDir, 'application.jsonl'), 'latin1');
      const id = /"trace_id":"([0-9a-f]{32})"/.exec(live.slice(live.length / 3))![1];
      const fromSaved = await query(restarted, `{source=~".+"} |= "${id}"`);
      expect(fromSaved.stats['Index: bytes skipped (trace-id index, level lists, columns)']).toBeGreaterThan(0);
      expect(fromSaved.bodies).toEqual((await query(scanning, `{source=~".+"} |= "${id}"`)).bodies);
    } finally {
      restarted.client.close();
      await stopPlugin(restarted.plugin);
    }
  });
});
