/**
 * Block-index benchmarks (issue 10), through the data source executable's gRPC interface as
 * Grafana calls it, over a 7-day log directory (all sources): trace-id searches against `rg -F`
 * over the whole directory, dashboard metric queries against the same executable without the
 * index (KAMIWAZA_LOGS_INDEX=off), each shipped dashboard opened with every panel's queries at
 * once, the index's build time, size (its cache files: the same arrays as in memory) and the
 * plugin's peak RSS, and a restart that answers from the persisted index.
 *
 * Corpus: BENCH_INDEX_DIR, else a 1.7 GB 7-day directory generated into bench/.data/week, without
 * rotation (one application.jsonl, as in the issue): `rg -F` does not search gzipped siblings.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { connectPlugin, dataSourceContext, type PluginClient } from '../src/backend/protocol/testing/client';
import { decodeGrafanaFrame } from '../src/backend/protocol/testing/grafana-frame';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from '../src/backend/protocol/testing/spawn';
import {
  allPanels,
  dashboardFiles,
  defaultSelection,
  readDashboard,
  type DashboardTarget,
} from '../src/backend/services/dashboards/dashboards';
import { interpolate } from '../src/backend/services/dashboards/interpolate';
import type { BenchRow } from './report';

const ROOT = path.resolve(import.meta.dir, '..');
const END = '2026-11-20T00:00:00Z';
const END_MS = Date.parse(END);
const WEEK_MS = 7 * 86_400_000;
const MB = 1e6;
/** Trace ids asked once the index is warm (each a first call for that id). */
const WARM_TRACES = 20;
/** Grafana's intervals for dashboard panels (whole minutes over days). */
const STEPS_MS = [60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** The 7-day corpus: BENCH_INDEX_DIR, else generated (once) into bench/.data/week. */
export function corpusDir(): string {
  const given = process.env.BENCH_INDEX_DIR;
  if (given) {
    return given;
  }
  const dir = path.join(ROOT, 'bench', '.data', 'week');
  const args = [
    '--out',
    dir,
    '--size',
    process.env.BENCH_INDEX_SIZE ?? '1.7GB',
    '--days',
    '7',
    '--seed',
    '7',
    '--no-rotate',
  ];
  const marker = path.join(dir, '.args');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== [...args, '--end', END].join(' ')) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating the 7-day corpus in ${dir}...\n`);
    const gen = Bun.spawnSync([process.execPath, path.join(ROOT, 'src/generator/main.ts'), ...args, '--end', END], {
      stdout: 'inherit',
      stderr: 'inherit',
    });
    if (gen.exitCode !== 0) {
      throw new Error('generator failed');
    }
    writeFileSync(marker, [...args, '--end', END].join(' '));
  }
  return dir;
}

/** Every file under `dir` (the corpus's logs, rotated siblings included). */
export function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.startsWith('.') ? [] : [path.join(dir, e.name)]
  );
}

/** Trace ids at random offsets of application.jsonl (a fixed seed: the same ids every run). */
function traceIds(dir: string, count: number): string[] {
  const file = path.join(dir, 'application.jsonl');
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const ids: string[] = [];
  let seed = 12345;
  const buf = Buffer.alloc(64 << 10);
  while (ids.length < count) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    readSync(fd, buf, 0, buf.length, Math.floor((seed / 2 ** 31) * (size - buf.length)));
    const match = /"trace_id":"([0-9a-f]{32})"/.exec(buf.toString('latin1'));
    if (match && !ids.includes(match[1])) {
      ids.push(match[1]);
    }
  }
  closeSync(fd);
  return ids;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function timed(cmd: string[]): number {
  const started = performance.now();
  const result = Bun.spawnSync(cmd, { stdout: 'ignore', stderr: 'pipe' });
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`${cmd.join(' ')} failed: ${result.stderr.toString()}`);
  }
  return performance.now() - started;
}

/** Peak resident set of a process (Linux VmHWM), MB. */
function peakRssMB(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1000 : NaN;
}

interface Answer {
  ms: number;
  stats: Record<string, number>;
  rows: number;
}

/** A QueryData request of one query, as Grafana sends it. */
function queryRequest(
  context: Record<string, unknown>,
  expr: string,
  fromMs: number,
  toMs: number,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    pluginContext: context,
    queries: [
      {
        refId: 'A',
        maxDataPoints: '1000',
        intervalMS: String(extra.intervalMS ?? 60_000),
        timeRange: { fromEpochMS: String(fromMs), toEpochMS: String(toMs) },
        json: Buffer.from(JSON.stringify({ refId: 'A', expr, maxLines: 5000, ...extra })),
      },
    ],
  };
}

class Plugin {
  private constructor(
    readonly started: StartedPlugin,
    private readonly client: PluginClient,
    private readonly context: Record<string, unknown>
  ) {}

  static async start(dir: string, env: Record<string, string>): Promise<Plugin> {
    const started = await startPlugin({ env: grafanaEnv({ GF_PLUGIN_LOG_LEVEL: 'info', ...env }) });
    const client = connectPlugin(started.handshake.network, started.handshake.address);
    // go-plugin dials and pings a plugin once it has started, before Grafana sends it a call:
    // the first query's time then holds no connection set-up.
    await client.call('Health', 'Check', { service: 'plugin' });
    const context = dataSourceContext({ logDirs: [dir] });
    client.prepare('Data', 'QueryData', queryRequest(context, '{source="x"}', 0, 1), {
      responses: { A: { frames: [Buffer.alloc(1)], status: 200, error: '' } },
    });
    return new Plugin(started, client, context);
  }

  async query(expr: string, fromMs: number, toMs: number, extra: Record<string, unknown> = {}): Promise<Answer> {
    const began = performance.now();
    const reply = await this.client.call('Data', 'QueryData', queryRequest(this.context, expr, fromMs, toMs, extra));
    const ms = performance.now() - began;
    const response = (reply.responses as Record<string, { frames: Buffer[]; status: number; error: string }>).A;
    if (response.status !== 200) {
      throw new Error(`${expr}: ${response.status} ${response.error}`);
    }
    const frames = response.frames.map((f) => decodeGrafanaFrame(f));
    const stats: Record<string, number> = {};
    for (const stat of (frames[0]?.meta?.stats ?? []) as Array<{ displayName: string; value: number }>) {
      stats[stat.displayName] = stat.value;
    }
    const rows = frames.reduce((n, f) => n + (f.fields[0]?.values.length ?? 0), 0);
    return { ms, stats, rows };
  }

  /** One panel's queries in one call, as Grafana sends them; the errors of those that failed. */
  async panel(targets: DashboardTarget[], fromMs: number, toMs: number, intervalMs: number): Promise<string[]> {
    const reply = await this.client.call('Data', 'QueryData', {
      pluginContext: this.context,
      queries: targets.map((t) => ({
        refId: t.refId,
        queryType: t.queryType ?? '',
        maxDataPoints: '1000',
        intervalMS: String(intervalMs),
        timeRange: { fromEpochMS: String(fromMs), toEpochMS: String(toMs) },
        json: Buffer.from(JSON.stringify(t)),
      })),
    });
    return Object.entries(reply.responses as Record<string, { status: number; error: string }>)
      .filter(([, r]) => r.status !== 200)
      .map(([refId, r]) => `${refId}: ${r.status} ${r.error}`);
  }

  async stop(): Promise<void> {
    this.client.close();
    await stopPlugin(this.started);
  }
}

const SUMMARY_LINES = 'Index: lines counted from summaries';

/** Dashboard metric queries over 7 days at a random never-asked end and Grafana step. */
function dashboardQueries(
  seed: number
): Array<{ name: string; expr: string; fromMs: number; toMs: number; extra: Record<string, unknown> }> {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const toMs = END_MS - Math.floor(next() * 86_400_000);
  const fromMs = toMs - WEEK_MS;
  const step = STEPS_MS[Math.floor(next() * STEPS_MS.length)];
  const range = { fromMs, toMs, extra: { intervalMS: step } };
  return [
    {
      name: 'count by source, level',
      expr: 'sum by (source, detected_level) (count_over_time({source=~".+"} [$__auto]))',
      ...range,
    },
    { name: 'bytes by source', expr: 'sum by (source) (bytes_over_time({source=~".+"} [$__auto]))', ...range },
    { name: 'rate by service', expr: 'sum by (service_name) (rate({source="application"} [$__auto]))', ...range },
    {
      name: 'log volume by detected_level',
      expr: 'sum by (detected_level) (count_over_time({source=~".+"} [$__auto]))',
      ...range,
    },
    {
      name: 'errors by service',
      expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [$__auto]))',
      ...range,
    },
    {
      name: 'errors by service, 7 d instant',
      expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [$__auto]))',
      fromMs,
      toMs,
      extra: { queryType: 'instant' },
    },
  ];
}

/**
 * Grafana's interval for a 7-day panel about 1000 pixels wide (the range over the width, rounded
 * to the next of its steps): 10 minutes.
 */
const DASHBOARD_INTERVAL_MS = 600_000;

/**
 * Each shipped dashboard opened over the 7 days up to END: every panel's queries sent at once (one
 * call per panel, variables as a user first sees them), timed until the last panel's answer. The
 * goal is the first opening's (`again` false), in a process that has not run these queries before
 * (their code not compiled yet, record columns still on disk); `again`: opened once more, as a
 * refresh does.
 */
async function dashboardLoads(plugin: Plugin, traceId: string, again: boolean): Promise<BenchRow[]> {
  const ctx = { variables: defaultSelection(traceId), rangeMs: WEEK_MS, intervalMs: DASHBOARD_INTERVAL_MS };
  const rows: BenchRow[] = [];
  const failed: string[] = [];
  for (const file of dashboardFiles()) {
    const dashboard = readDashboard(file);
    const panels = allPanels(dashboard).filter((p) => (p.targets ?? []).length > 0);
    const began = performance.now();
    const errors = await Promise.all(
      panels.map((p) =>
        plugin.panel(
          p.targets!.map((t) => ({ ...t, expr: interpolate(t.expr, ctx) })),
          END_MS - WEEK_MS,
          END_MS,
          DASHBOARD_INTERVAL_MS
        )
      )
    );
    rows.push({
      name: `dashboard "${dashboard.title}", ${again ? 'again' : `${panels.length} panels at once, 7 d`}`,
      value: performance.now() - began,
      unit: 'ms',
      goalValue: again ? undefined : 1000,
    });
    failed.push(...errors.flat().map((error) => `${dashboard.title}, ${error}`));
  }
  // Every query must answer; one that does not is reported, not allowed to end the run.
  rows.push({
    name: `dashboard queries that failed${again ? ', again' : ''}${failed.length > 0 ? ` (first: ${failed[0].slice(0, 120)})` : ''}`,
    value: failed.length,
    unit: 'count',
    goalValue: 0,
  });
  return rows;
}

/** Milliseconds from `startedAt` until the cache covers every file (to within 1 MiB). */
/**
 * A cache file's header line, read alone: polling whole files (tens of MB with the access log's
 * record columns) five times a second took the plugin's cores from the build it measures.
 */
function headerLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    for (let at = 0; ;) {
      const chunk = Buffer.alloc(1 << 16);
      const n = readSync(fd, chunk, 0, chunk.length, at);
      const nl = chunk.subarray(0, n).indexOf(10);
      chunks.push(chunk.subarray(0, nl >= 0 ? nl : n));
      if (nl >= 0 || n === 0) {
        return Buffer.concat(chunks).toString('utf8');
      }
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

export async function coveredAfter(cache: string, logFiles: string[], startedAt: number): Promise<number> {
  const sizes = new Map(logFiles.map((f) => [f, statSync(f).size]));
  for (;;) {
    const covered = new Set<string>();
    for (const name of existsSync(cache) ? readdirSync(cache) : []) {
      if (!name.endsWith('.kli')) {
        continue;
      }
      try {
        const header = JSON.parse(headerLine(path.join(cache, name))) as { path: string; end: number };
        if (header.end >= (sizes.get(header.path) ?? Infinity) - (1 << 20)) {
          covered.add(header.path);
        }
      } catch {
        // being written
      }
    }
    if ([...sizes].every(([f, size]) => size === 0 || covered.has(f))) {
      return performance.now() - startedAt;
    }
    if (performance.now() - startedAt > 900_000) {
      throw new Error('the index did not cover the corpus within 15 minutes');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Reads every file once, so that what follows reads from the page cache (the issue's condition).
 * Again before each phase: this machine's proactive reclaim drops pages not read for a few
 * minutes (seen: 5 % of application.jsonl gone before the dashboards, whose scattered reads of
 * error records then went to the disk and took up to twice as long).
 */
function warmPageCache(logFiles: string[]): void {
  Bun.spawnSync(['cat', ...logFiles], { stdout: 'ignore' });
}

export async function benchIndex(): Promise<BenchRow[]> {
  const dir = corpusDir();
  const all = files(dir);
  const totalBytes = all.reduce((n, f) => n + statSync(f).size, 0);
  const gb = totalBytes / 1e9;
  warmPageCache(all);
  const ids = traceIds(dir, WARM_TRACES + 2);
  const cache = mkdtempSync(path.join(tmpdir(), 'kw-index-bench-'));
  const rows: BenchRow[] = [];
  const tag = `${gb.toFixed(1)} GB, 7 d`;
  try {
    const rgMs = median([0, 1, 2].map(() => timed(['rg', '-F', ids[0], dir])));

    // Before: the same executable without the index.
    const scanning = await Plugin.start(dir, { KAMIWAZA_LOGS_INDEX: 'off' });
    const before = new Map<string, number>();
    before.set('trace', (await scanning.query(`{source=~".+"} |= "${ids[0]}"`, END_MS - WEEK_MS, END_MS)).ms);
    // BENCH_INDEX_BEFORE=trace: only the trace search before (full scans of a large corpus take minutes).
    for (const q of process.env.BENCH_INDEX_BEFORE === 'trace' ? [] : dashboardQueries(1)) {
      before.set(q.name, (await scanning.query(q.expr, q.fromMs, q.toMs, q.extra)).ms);
    }
    await scanning.stop();

    // Cold start with an empty cache: the first call scans while the index builds.
    warmPageCache(all);
    const startedAt = performance.now();
    const plugin = await Plugin.start(dir, { KAMIWAZA_LOGS_INDEX_DIR: cache });
    const first = await plugin.query(`{source=~".+"} |= "${ids[0]}"`, END_MS - WEEK_MS, END_MS);
    rows.push({
      name: `trace id, 1st call at start-up (index building), ${tag}`,
      value: first.ms,
      unit: 'ms',
      baselineName: 'rg -F over the directory',
      baselineValue: rgMs,
      goalRatio: 1.5,
    });
    rows.push({
      name: 'same without the index (before)',
      value: before.get('trace')!,
      unit: 'ms',
      baselineName: 'rg -F',
      baselineValue: rgMs,
    });
    // Built when every file's cache file covers it (read from the headers: polling with queries
    // would slow the build down).
    const built = await coveredAfter(cache, all, startedAt);
    rows.push({ name: `index build at start-up, per GB (${tag})`, value: built / gb / 1000, unit: 's', goalValue: 5 });

    warmPageCache(all);
    const warm: number[] = [];
    for (const id of ids.slice(2)) {
      warm.push((await plugin.query(`{source=~".+"} |= "${id}"`, END_MS - WEEK_MS, END_MS)).ms);
      warm.push((await plugin.query(`{source=~".+"} | trace_id="${id}"`, END_MS - WEEK_MS, END_MS)).ms);
    }
    rows.push({
      name: `trace id warm, worst of ${warm.length} (|= and | trace_id=)`,
      value: Math.max(...warm),
      unit: 'ms',
      goalValue: 50,
    });
    rows.push({
      name: 'trace id warm, median',
      value: median(warm),
      unit: 'ms',
      baselineName: 'rg -F',
      baselineValue: rgMs,
    });

    for (const seed of [2, 3]) {
      for (const q of dashboardQueries(seed)) {
        const answer = await plugin.query(q.expr, q.fromMs, q.toMs, q.extra);
        if (!(answer.stats[SUMMARY_LINES] > 0)) {
          throw new Error(`${q.name} was not answered from summaries`);
        }
        rows.push({
          name: `${q.name}, 7 d${seed === 2 ? '' : ' (other range/step)'}`,
          value: answer.ms,
          unit: 'ms',
          baselineName: seed === 2 && before.has(q.name) ? 'without index' : undefined,
          baselineValue: seed === 2 ? before.get(q.name) : undefined,
          goalValue: 100,
        });
      }
    }
    const cacheBytes = readdirSync(cache).reduce((n, f) => n + statSync(path.join(cache, f)).size, 0);
    rows.push({
      name: 'index + summaries size per GB of logs',
      value: cacheBytes / MB / gb,
      unit: 'MB',
      goalValue: 50,
    });
    rows.push({
      name: 'plugin peak RSS (index build and queries)',
      value: peakRssMB(plugin.started.child.pid!),
      unit: 'MB',
      goalValue: 250,
    });
    warmPageCache(all);
    rows.push(...(await dashboardLoads(plugin, ids[0], false)));
    // Every panel of a dashboard at once is the load bench's case: its goal.
    rows.push({
      name: 'plugin peak RSS after the dashboards',
      value: peakRssMB(plugin.started.child.pid!),
      unit: 'MB',
      goalValue: 300,
    });
    rows.push(...(await dashboardLoads(plugin, ids[0], true)));
    rows.push({
      name: 'plugin peak RSS after opening them again',
      value: peakRssMB(plugin.started.child.pid!),
      unit: 'MB',
    });
    await plugin.stop();

    // Restart: warm at once from the persisted index.
    const restarted = await Plugin.start(dir, { KAMIWAZA_LOGS_INDEX_DIR: cache });
    const again = await restarted.query(`{source=~".+"} |= "${ids[1]}"`, END_MS - WEEK_MS, END_MS);
    rows.push({
      name: 'trace id, 1st call after a restart (persisted index)',
      value: again.ms,
      unit: 'ms',
      baselineName: 'rg -F',
      baselineValue: rgMs,
      goalRatio: 1.5,
    });
    const metric = dashboardQueries(4)[3];
    const restartedMetric = await restarted.query(metric.expr, metric.fromMs, metric.toMs, metric.extra);
    rows.push({ name: 'log volume, 1st call after a restart', value: restartedMetric.ms, unit: 'ms', goalValue: 100 });
    await restarted.stop();
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  return rows;
}
