/**
 * Plugin process benchmarks: exec → handshake time and resident memory of the built launcher
 * (as Grafana starts it), and the size of each executable and of the plugin zip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DIST_DATASOURCE, grafanaEnv, residentBytes, startPlugin } from '../src/backend/protocol/testing/spawn';
import type { BenchRow } from './report';

const SPAWNS = 20;
const ROOT = path.resolve(__dirname, '..');
const MB = 1e6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function benchProtocol(): Promise<BenchRow[]> {
  const startups: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < SPAWNS; i++) {
    const plugin = await startPlugin({ env: grafanaEnv({ GF_PLUGIN_LOG_LEVEL: 'info' }) });
    startups.push(plugin.startupMs);
    rss.push(residentBytes(plugin.child.pid!));
    plugin.child.kill('SIGTERM');
    await plugin.exited;
  }

  const rows: BenchRow[] = [
    {
      name: `plugin exec → handshake (median of ${SPAWNS})`,
      value: round(median(startups)),
      unit: 'ms',
      goalValue: 150,
    },
    {
      name: `plugin RSS after handshake (median of ${SPAWNS})`,
      value: round(median(rss) / MB),
      unit: 'MB',
      goalValue: 80,
    },
  ];
  for (const file of fs.readdirSync(DIST_DATASOURCE).sort()) {
    const size = fs.statSync(path.join(DIST_DATASOURCE, file)).size;
    if (file.startsWith('gpx_') && size > MB) {
      rows.push({ name: `executable size ${file}`, value: round(size / MB), unit: 'MB' });
    }
  }
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const zip = path.join(ROOT, `kamiwaza-observability-app-${version}.zip`);
  if (fs.existsSync(zip)) {
    rows.push({ name: `plugin zip ${path.basename(zip)}`, value: round(fs.statSync(zip).size / MB), unit: 'MB' });
  }
  return rows;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
