/**
 * Load test through the built executable's gRPC interface, as Grafana drives it: 50 concurrent
 * QueryData calls of five kinds over the 1 GB+ week corpus, each kind issued by ten dashboards at
 * once, while light queries (last hour of one service, limit 1000) keep arriving. Reports p50/p95
 * per kind, the light queries' latency during the heavy load, and the process's peak RSS (VmHWM).
 *
 * `bun bench/load.ts`, part of `npm run bench`, on the index benchmark's corpus (BENCH_INDEX_DIR, else
 * generated into bench/.data/week). Not in CI: it needs the corpus and minutes of CPU.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { connectPlugin, dataSourceContext } from '../src/backend/protocol/testing/client';
import { grafanaEnv, startPlugin, stopPlugin } from '../src/backend/protocol/testing/spawn';
import { corpusDir, coveredAfter, files } from './index';
import type { BenchRow } from './report';

const END = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PER_KIND = 10;
const LIGHT_PROBES = 10;

interface Kind {
  name: string;
  expr: string;
  fromMs: number;
  queryType?: 'instant';
  maxLines?: number;
  intervalMS?: number;
}

const LIGHT: Kind = {
  name: 'last hour of a service (limit 1000)',
  expr: '{source="application", service_name="kamiwaza.api"}',
  fromMs: END - HOUR,
  maxLines: 1000,
};

const KINDS: Kind[] = [
  LIGHT,
  {
    name: '7-day volume by level, step 1 h',
    expr: 'sum by (detected_level) (count_over_time({source="application"}[1h]))',
    fromMs: END - 7 * DAY,
    intervalMS: HOUR,
  },
  {
    name: 'errors by service, 7 d instant',
    expr: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [7d]))',
    fromMs: END - 7 * DAY,
    queryType: 'instant',
  },
  {
    name: 'failed audit events, 7 d',
    expr: '{source="audit"} | json | outcome="failure"',
    fromMs: END - 7 * DAY,
    maxLines: 1000,
  },
  {
    name: 'kamiwazad errors, 7 d',
    expr: '{source=~"kamiwazad.*"} |= "ERROR"',
    fromMs: END - 7 * DAY,
    maxLines: 1000,
  },
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

export async function benchLoad(): Promise<BenchRow[]> {
  const corpus = corpusDir();
  // Its own index cache, built before the load starts: a plugin that has been running a while.
  const cache = fs.mkdtempSync(path.join(tmpdir(), 'kw-load-index-'));
  const plugin = await startPlugin({
    env: grafanaEnv({ GF_PLUGIN_LOG_LEVEL: 'warn', KAMIWAZA_LOGS_INDEX_DIR: cache }),
  });
  const client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
  const pluginContext = dataSourceContext({ logDirs: [corpus], queryTimeoutSeconds: 600 });
  let waitedNotices = 0;
  const ask = async (kind: Kind, refId: string): Promise<number> => {
    const started = performance.now();
    const reply = await client.call('Data', 'QueryData', {
      pluginContext,
      queries: [
        {
          refId,
          queryType: kind.queryType ?? '',
          maxDataPoints: '1000',
          intervalMS: String(kind.intervalMS ?? 60_000),
          timeRange: { fromEpochMS: String(kind.fromMs), toEpochMS: String(END) },
          json: Buffer.from(
            JSON.stringify({ refId, expr: kind.expr, queryType: kind.queryType ?? 'range', maxLines: kind.maxLines })
          ),
        },
      ],
    });
    const response = (reply.responses as Record<string, { error: string; frames: Buffer[] }>)[refId];
    if (response.error) {
      throw new Error(`${kind.name}: ${response.error}`);
    }
    if (response.frames.some((frame) => frame.toString('latin1').includes('waited'))) {
      waitedNotices++;
    }
    return performance.now() - started;
  };
  try {
    // Warm-up: page cache and the engine's file indexes, one query of each kind; then the block
    // index (built from the first query on) covers the corpus.
    for (const kind of KINDS) {
      await ask(kind, 'warm');
    }
    await coveredAfter(cache, files(corpus), performance.now());
    // Each kind alone, page cache and indexes warm: what the load is compared with.
    const alone = new Map<string, number>();
    for (const kind of KINDS) {
      alone.set(kind.name, await ask(kind, 'alone'));
    }
    const baseline = peakRssBytes(plugin.child.pid!);
    const times = new Map<string, number[]>(KINDS.map((k) => [k.name, []]));
    const started = performance.now();
    const heavy = KINDS.flatMap((kind) =>
      Array.from({ length: PER_KIND }, (_, i) =>
        ask(kind, `${kind.name}-${i}`).then((ms) => times.get(kind.name)!.push(ms))
      )
    );
    // Light probes arriving while the heavy load runs.
    const light: number[] = [];
    const probes = (async () => {
      for (let i = 0; i < LIGHT_PROBES; i++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        light.push(await ask(LIGHT, `probe-${i}`));
      }
    })();
    await Promise.all([...heavy, probes]);
    const wallMs = performance.now() - started;
    const peak = peakRssBytes(plugin.child.pid!);
    const rows: BenchRow[] = [];
    for (const kind of KINDS) {
      const values = times.get(kind.name)!;
      rows.push({ name: `alone: ${kind.name}`, value: Math.round(alone.get(kind.name)!), unit: 'ms' });
      rows.push({
        name: `load: ${kind.name} p50 (${values.length} concurrent)`,
        value: Math.round(percentile(values, 50)),
        unit: 'ms',
      });
      rows.push({ name: `load: ${kind.name} p95`, value: Math.round(percentile(values, 95)), unit: 'ms' });
    }
    process.stderr.write(`light probes: ${light.map((ms) => Math.round(ms)).join(' ')} ms\n`);
    rows.push({
      name: `load: light query during the load, worst of ${light.length}`,
      value: Math.round(Math.max(...light)),
      unit: 'ms',
      goalValue: 1000,
    });
    rows.push({ name: 'load: all 50 queries, wall time', value: Math.round(wallMs), unit: 'ms' });
    rows.push({ name: 'load: peak RSS (VmHWM)', value: Math.round(peak / 1e6), unit: 'MB', goalValue: 300 });
    rows.push({ name: 'load: RSS after warm-up', value: Math.round(baseline / 1e6), unit: 'MB' });
    rows.push({ name: 'load: answers carrying a "waited" notice', value: waitedNotices, unit: 'count' });
    return rows;
  } finally {
    client.close();
    await stopPlugin(plugin);
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const rows = await benchLoad();
  for (const row of rows) {
    const goal = row.goalValue === undefined ? '' : `  (goal ≤ ${row.goalValue} ${row.unit})`;
    console.log(`${row.name.padEnd(60)} ${String(row.value).padStart(8)} ${row.unit}${goal}`);
  }
}
