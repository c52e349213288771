/**
 * Explore's backend through the built executable's gRPC interface, as Grafana calls it:
 * - live tail: append → packet latency (p50, p95) for lines appended to a live file at irregular
 *   intervals (goal ≤ 1 s; the store polls every 300 ms, so typically ≤ 250 ms);
 * - completion resources over the last hour of the 1 GB corpus: labels, label values (a stream
 *   label and a structured-metadata field) and detected_fields, median of RUNS calls after
 *   WARM_UP calls (goal ≤ 50 ms each).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { connectPlugin, dataSourceContext, readAll, type PluginClient } from '../src/backend/protocol/testing/client';
import { grafanaEnv, startPlugin } from '../src/backend/protocol/testing/spawn';
import type { BenchRow } from './report';

const RUNS = 15;
const WARM_UP = 3;
const TAIL_LINES = 30;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function withPlugin<T>(use: (client: PluginClient) => Promise<T>): Promise<T> {
  const plugin = await startPlugin({ env: grafanaEnv({ PATH: process.env.PATH }), cwd: os.tmpdir() });
  const client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
  try {
    return await use(client);
  } finally {
    client.close();
    plugin.child.kill('SIGTERM');
    await plugin.exited;
  }
}

async function tailLatency(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tail-'));
  const live = path.join(dir, 'application.jsonl');
  fs.writeFileSync(live, '');
  try {
    const latencies = await withPlugin(async (client) => {
      const pluginContext = dataSourceContext({ logDirs: [dir] });
      const data = Buffer.from(JSON.stringify({ expr: '{source="application"} |= "bench-tail"' }));
      const stream = client.stream('Stream', 'RunStream', { pluginContext, path: 'tail/bench', data });
      stream.on('error', () => undefined); // cancelled at the end
      const written = new Map<string, number>();
      const out: number[] = [];
      stream.on('data', (packet: { data: Buffer }) => {
        const now = performance.now();
        const frame = JSON.parse(String(packet.data));
        const body = frame.schema.fields.findIndex((f: { name: string }) => f.name === 'body');
        for (const line of frame.data.values[body] as string[]) {
          const sent = written.get(JSON.parse(line).message);
          if (sent !== undefined) {
            out.push(now - sent);
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 800)); // the tail starts at the file's end
      for (let i = 0; i < TAIL_LINES; i++) {
        // Irregular gaps, so appends land anywhere in the poll cycle.
        await new Promise((resolve) => setTimeout(resolve, 150 + ((i * 97) % 350)));
        const message = `bench-tail ${i}`;
        written.set(message, performance.now());
        fs.appendFileSync(live, `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'INFO', message })}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1200));
      stream.cancel();
      return out;
    });
    if (latencies.length !== TAIL_LINES) {
      throw new Error(`live tail delivered ${latencies.length} of ${TAIL_LINES} appended lines`);
    }
    return [
      {
        name: `live tail append → packet p50 (${TAIL_LINES} appends)`,
        value: percentile(latencies, 50),
        unit: 'ms',
        goalValue: 250,
      },
      {
        name: `live tail append → packet p95 (${TAIL_LINES} appends)`,
        value: percentile(latencies, 95),
        unit: 'ms',
        goalValue: 1000,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function completion(corpusDir: string, endMs: number): Promise<BenchRow[]> {
  const ns = (ms: number) => `${ms}000000`;
  const range = `start=${ns(endMs - 3_600_000)}&end=${ns(endMs)}`;
  const selector = encodeURIComponent('{source="application"}');
  const calls: Array<[string, string]> = [
    ['labels', `labels?${range}`],
    ['label/service_name/values', `label/service_name/values?query=${selector}&${range}`],
    ['label/level/values', `label/level/values?query=${selector}&${range}`],
    ['detected_fields', `detected_fields?query=${selector}&${range}`],
  ];
  return withPlugin(async (client) => {
    const pluginContext = dataSourceContext({ logDirs: [corpusDir] });
    const call = async (url: string) => {
      const started = performance.now();
      const messages = await readAll(
        client.stream('Resource', 'CallResource', { pluginContext, path: url.split('?')[0], method: 'GET', url })
      );
      if (messages[0].code !== 200) {
        throw new Error(`${url}: ${messages[0].code} ${String(messages[0].body)}`);
      }
      return performance.now() - started;
    };
    const rows: BenchRow[] = [];
    for (const [name, url] of calls) {
      for (let i = 0; i < WARM_UP; i++) {
        await call(url); // the first calls compile the hot paths
      }
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        times.push(await call(url));
      }
      rows.push({
        name: `${name}, last hour of 1 GB (median of ${RUNS})`,
        value: percentile(times, 50),
        unit: 'ms',
        goalValue: 50,
      });
    }
    return rows;
  });
}

export async function benchExplore(corpusDir: string, endMs: number): Promise<BenchRow[]> {
  return [...(await tailLatency()), ...(await completion(corpusDir, endMs))];
}
