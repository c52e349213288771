/**
 * Test support: a small sample written by the project's own generator, and the answers a query
 * must give over it computed independently of the engine (plain JSON.parse of the raw files).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { parseGeneratorArgs } from '../../generator/args';
import { generateHistory } from '../../generator/generate';

export const SAMPLE_END_MS = Date.parse('2026-11-20T00:00:00Z');

export interface SampleOptions {
  seed?: number;
  /** All files together (default 2MB). */
  size?: string;
  days?: number;
  /** Rotate application.jsonl by size (default); kamiwazad's logs rotate daily either way. */
  rotate?: boolean;
}

/** `days` of history (default 1) ending at SAMPLE_END_MS, from the project's generator. */
export async function generateSample(dir: string, options: SampleOptions = {}): Promise<void> {
  const { seed = 11, size = '2MB', days = 1, rotate = true } = options;
  const args = ['--out', dir, '--size', size, '--days', String(days), '--seed', String(seed)];
  const end = new Date(SAMPLE_END_MS).toISOString();
  const command = parseGeneratorArgs([...args, ...(rotate ? [] : ['--no-rotate']), '--end', end], SAMPLE_END_MS);
  if (command.kind !== 'run') {
    throw new Error('generator arguments not accepted');
  }
  await generateHistory(command.options);
}

/** Every application.jsonl line, live file and rotated siblings (gzip included). */
function applicationLines(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith('application.jsonl'))
    .flatMap((name) => {
      const raw = fs.readFileSync(path.join(dir, name));
      return (name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8').split('\n');
    });
}

/** ERROR records per service with a timestamp in (fromMs, toMs]: a range aggregation's window. */
export function sampleErrorsByService(dir: string, fromMs: number, toMs: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of applicationLines(dir)) {
    let record: { timestamp?: string; level?: string; service?: string };
    try {
      record = JSON.parse(line);
    } catch {
      continue; // malformed lines carry no level
    }
    const ts = Date.parse(record.timestamp ?? '');
    if (record.level === 'ERROR' && record.service && ts > fromMs && ts <= toMs) {
      counts[record.service] = (counts[record.service] ?? 0) + 1;
    }
  }
  return counts;
}
