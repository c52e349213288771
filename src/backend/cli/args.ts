/**
 * Command-line parsing for `kamiwaza-logs`. Pure: argv and env in, a command out (or a usage
 * error), so it is testable without spawning the binary.
 */
import { parseArgs } from 'node:util';
import { resolveLogDirs } from '../../shared/settings';
import { parseDuration } from '../engine/logql/parser';
import { parseTimestamp } from '../engine/time';
import type { Direction } from '../engine/model';

export type OutputFormat = 'loki-json' | 'jsonl' | 'table';

export interface StoreOptions {
  roots: string[];
  accessLogPath?: string;
  kamiwazaRoot?: string;
}

export type Command =
  | { kind: 'help' }
  | {
      kind: 'query';
      store: StoreOptions;
      query: string;
      startMs: number;
      endMs: number;
      instant: boolean;
      limit: number;
      direction: Direction;
      stepMs?: number;
      output: OutputFormat;
    }
  | { kind: 'labels'; store: StoreOptions; startMs: number; endMs: number; output: OutputFormat }
  | { kind: 'label-values'; store: StoreOptions; name: string; startMs: number; endMs: number; output: OutputFormat }
  | { kind: 'tail'; store: StoreOptions; query: string; startMs?: number; output: OutputFormat }
  | { kind: 'sources'; store: StoreOptions; output: OutputFormat };

export class UsageError extends Error {}

export const USAGE = `kamiwaza-logs: LogQL over the Kamiwaza log directory

Usage:
  kamiwaza-logs query '<LogQL>' [options]   run a log or metric query
  kamiwaza-logs labels [options]            label names seen in the range
  kamiwaza-logs label-values NAME [options] values of one label in the range
  kamiwaza-logs tail '<LogQL>' [options]    follow new lines as they are written
  kamiwaza-logs sources [options]           the log files found and their problems

Options:
  --dir DIR            log root (repeatable); default $KAMIWAZA_LOG_DIR, else $KAMIWAZA_ROOT/logs
  --access-log PATH    Traefik access log (absolute, or relative to a root or $KAMIWAZA_ROOT)
  --from ISO           range start (default: --since before --to)
  --to ISO             range end (default: now)
  --since DUR          range length when --from is absent (default 1h), e.g. 15m, 7d
  --instant            evaluate a metric query once, at --to
  --limit N            maximum log lines (default 100)
  --direction D        backward (newest first, default) or forward
  --step DUR           metric resolution (default: Loki's, range/250 at least 1s)
  --output FMT         loki-json (Loki's HTTP API shape), jsonl or table (default)
  -h, --help           this text

Timestamps without a zone are UTC. Exit status: 0 ok, 1 query failed, 2 usage error.`;

const OPTIONS = {
  dir: { type: 'string', multiple: true },
  'access-log': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  since: { type: 'string' },
  instant: { type: 'boolean' },
  limit: { type: 'string' },
  direction: { type: 'string' },
  step: { type: 'string' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCommand(argv: string[], env: Record<string, string | undefined>, nowMs: number): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || !name || name === 'help') {
    return { kind: 'help' };
  }
  const store: StoreOptions = {
    roots: resolveLogDirs({ logDirs: values.dir }, env),
    accessLogPath: values['access-log'],
    kamiwazaRoot: env.KAMIWAZA_ROOT,
  };
  const output = parseOutput(values.output);
  const range = () => parseRange(values, nowMs);

  switch (name) {
    case 'query': {
      const query = single(rest, 'query needs one LogQL argument');
      return {
        kind: 'query',
        store,
        query,
        ...range(),
        instant: values.instant ?? false,
        limit: parsePositiveInt(values.limit ?? '100', '--limit'),
        direction: parseDirection(values.direction),
        stepMs: values.step === undefined ? undefined : durationOption(values.step, '--step'),
        output,
      };
    }
    case 'labels':
      none(rest, 'labels takes no arguments');
      return { kind: 'labels', store, ...range(), output };
    case 'label-values':
      return {
        kind: 'label-values',
        store,
        name: single(rest, 'label-values needs one label name'),
        ...range(),
        output,
      };
    case 'tail': {
      const query = single(rest, 'tail needs one LogQL argument');
      const replay = values.from !== undefined || values.since !== undefined;
      return { kind: 'tail', store, query, startMs: replay ? range().startMs : undefined, output };
    }
    case 'sources':
      none(rest, 'sources takes no arguments');
      return { kind: 'sources', store, output };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

function parseRange(values: { from?: string; to?: string; since?: string }, nowMs: number) {
  const endMs = values.to === undefined ? nowMs : timeOption(values.to, '--to');
  const startMs =
    values.from === undefined
      ? endMs - durationOption(values.since ?? '1h', '--since')
      : timeOption(values.from, '--from');
  if (!(startMs < endMs)) {
    throw new UsageError('the range is empty: --from must be before --to');
  }
  return { startMs, endMs };
}

function timeOption(text: string, option: string): number {
  const ms = parseTimestamp(text);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`${option}: "${text}" is not a timestamp (ISO-8601 or epoch)`);
  }
  return ms;
}

function durationOption(text: string, option: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) {
      return ms;
    }
  } catch {
    // reported below with the option's name
  }
  throw new UsageError(`${option}: "${text}" is not a positive duration (e.g. 30s, 15m, 7d)`);
}

function parsePositiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`${option}: "${text}" is not a positive integer`);
  }
  return n;
}

function parseDirection(text: string | undefined): Direction {
  if (text === undefined || text === 'backward' || text === 'forward') {
    return text ?? 'backward';
  }
  throw new UsageError(`--direction: "${text}" must be backward or forward`);
}

function parseOutput(text: string | undefined): OutputFormat {
  if (text === undefined || text === 'loki-json' || text === 'jsonl' || text === 'table') {
    return text ?? 'table';
  }
  throw new UsageError(`--output: "${text}" must be loki-json, jsonl or table`);
}

function single(rest: string[], message: string): string {
  if (rest.length !== 1) {
    throw new UsageError(message);
  }
  return rest[0];
}

function none(rest: string[], message: string): void {
  if (rest.length > 0) {
    throw new UsageError(message);
  }
}
