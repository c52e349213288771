/**
 * Command-line parsing for `npm run generate`. Pure: argv and the current time in, options or a
 * usage error out.
 */
import { parseArgs } from 'node:util';

import { DEFAULT_ACCESS_LOG_PATH, KAMIWAZA_LOG_FILE_NAMES, type KamiwazaLogFile } from '../shared/kamiwaza';

/** Every file the generator can write, as paths relative to the output directory. */
export const FILES = [...KAMIWAZA_LOG_FILE_NAMES, DEFAULT_ACCESS_LOG_PATH] as const;
export type FileId = KamiwazaLogFile | typeof DEFAULT_ACCESS_LOG_PATH;

export type AccessFormat = 'clf' | 'json';

export interface GeneratorOptions {
  out: string;
  /** Approximate total uncompressed bytes across the selected files. */
  sizeBytes: number;
  days: number;
  seed: number;
  /** End of the history, epoch microseconds. */
  endUs: number;
  /** True when `--end` was not given and `endUs` came from the clock. */
  endDefaulted: boolean;
  follow: boolean;
  files: FileId[];
  rotate: boolean;
  /** Size at which application.jsonl rotates; undefined = a quarter of its share of --size. */
  rotateBytes?: number;
  accessFormat: AccessFormat;
  /** Probability that a line is damaged. */
  damageRate: number;
  partialLastLine: boolean;
}

export type GeneratorCommand = { kind: 'help' } | { kind: 'run'; options: GeneratorOptions };

export class UsageError extends Error {}

export const USAGE = `npm run generate -- [options]: write realistic Kamiwaza sample logs

Options:
  --out DIR               output directory (default data/logs)
  --size SIZE             approximate total size across files, e.g. 200MB, 1GB (default 200MB)
  --days N                days of history ending at --end (default 7)
  --seed N                random seed; same arguments give byte-identical files (default 1)
  --end ISO               end of the history (default: the current hour; now with --follow)
  --follow                after the history, keep appending events in real time (Ctrl-C stops)
  --only FILE[,FILE]      write only these files (${FILES.join(', ')}; access.log for short)
  --no-rotate             one application.jsonl, no rotated siblings
  --rotate-size SIZE      rotate application.jsonl at this size (default: a quarter of its share)
  --access-format F       clf (Traefik common log format, default) or json
  --damage-rate R         share of damaged lines, e.g. 1/50000 (default) or 0
  --partial-last-line     leave application.jsonl's last line without its newline
  -h, --help              this text`;

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** `200MB`, `1.5GB`, `512KiB`, `1000` (bytes) → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?\s*$/i.exec(text);
  if (!m) {
    throw new UsageError(`invalid size "${text}" (examples: 500KB, 200MB, 1GB)`);
  }
  const unit = `${m[2].toUpperCase()}B`;
  const bytes = Math.round(parseFloat(m[1]) * UNITS[unit]);
  if (bytes <= 0) {
    throw new UsageError(`size must be positive: "${text}"`);
  }
  return bytes;
}

function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  const rate = m ? parseFloat(m[1]) / (m[2] ? parseFloat(m[2]) : 1) : NaN;
  if (!Number.isFinite(rate) || rate < 0 || rate > 0.5) {
    throw new UsageError(`invalid damage rate "${text}" (examples: 1/50000, 0.0001, 0)`);
  }
  return rate;
}

function parseEnd(text: string): number {
  // A timestamp without a zone is UTC, as in docs/log-formats.md.
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !/\d\d:\d\d/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) {
    throw new UsageError(`invalid --end "${text}" (example: 2026-11-20T10:00:00Z)`);
  }
  return ms * 1000;
}

function parseFiles(text: string): FileId[] {
  const wanted = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files = wanted.map((name) => {
    const file = FILES.find((f) => f === name || (name === 'access.log' && f.endsWith('/access.log')));
    if (!file) {
      throw new UsageError(`unknown file "${name}" in --only (known: ${FILES.join(', ')})`);
    }
    return file;
  });
  if (files.length === 0) {
    throw new UsageError('--only needs at least one file');
  }
  return FILES.filter((f) => files.includes(f));
}

function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${name} must be a positive number, got "${text}"`);
  }
  return n;
}

export function parseGeneratorArgs(argv: string[], nowMs: number): GeneratorCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        size: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        end: { type: 'string' },
        follow: { type: 'boolean' },
        only: { type: 'string' },
        'no-rotate': { type: 'boolean' },
        'rotate-size': { type: 'string' },
        'access-format': { type: 'string' },
        'damage-rate': { type: 'string' },
        'partial-last-line': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    return { kind: 'help' };
  }
  const follow = v.follow ?? false;
  const seed = Number(v.seed ?? '1');
  if (!Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed must be an integer, got "${v.seed}"`);
  }
  const accessFormat = v['access-format'] ?? 'clf';
  if (accessFormat !== 'clf' && accessFormat !== 'json') {
    throw new UsageError(`--access-format must be clf or json, got "${accessFormat}"`);
  }
  // Without --end: the start of the current hour, so reruns within the hour are identical;
  // with --follow the history runs up to now, where the live part takes over.
  const endUs =
    v.end !== undefined ? parseEnd(v.end) : (follow ? nowMs : Math.floor(nowMs / 3_600_000) * 3_600_000) * 1000;
  return {
    kind: 'run',
    options: {
      out: v.out ?? 'data/logs',
      sizeBytes: parseSize(v.size ?? '200MB'),
      days: positiveNumber('--days', v.days ?? '7'),
      seed,
      endUs: Math.floor(endUs),
      endDefaulted: v.end === undefined,
      follow,
      files: v.only !== undefined ? parseFiles(v.only) : [...FILES],
      rotate: !(v['no-rotate'] ?? false),
      rotateBytes: v['rotate-size'] !== undefined ? parseSize(v['rotate-size']) : undefined,
      accessFormat,
      damageRate: v['damage-rate'] !== undefined ? parseRate(v['damage-rate']) : 1 / 50_000,
      partialLastLine: v['partial-last-line'] ?? false,
    },
  };
}
