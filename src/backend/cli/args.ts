/**
 * Command-line parsing for `kamiwaza-logs`. Pure: argv, env and the clock in, a command out (or a
 * usage error that names the command it is about), so it is testable without spawning the binary.
 * The help texts live in `help.ts`.
 */
import { parseArgs } from 'node:util';
import { resolveLogDirs } from '../../shared/settings';
import { parseDuration } from '../engine/logql/parser';
import type { Direction } from '../engine/model';
import { parseTimeOption } from './times';

export type OutputFormat = 'loki-json' | 'jsonl' | 'table';

export const COMMAND_NAMES = ['query', 'labels', 'label-values', 'tail', 'sources'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface StoreOptions {
  roots: string[];
  /** How `roots` were chosen, for messages when they hold no logs. */
  rootsFrom: '--dir' | 'KAMIWAZA_LOG_DIR' | 'KAMIWAZA_ROOT' | 'default';
  accessLogPath?: string;
  kamiwazaRoot?: string;
}

export type Command =
  | { kind: 'help'; topic?: CommandName }
  | { kind: 'version' }
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

/** A mistake in the command line; `command` says which command's usage line to show. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName
  ) {
    super(message);
  }
}

export const DEFAULT_SINCE = '1h';
export const DEFAULT_LIMIT = 100;

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
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = { [K in OptionName]?: (typeof OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

export function parseCommand(argv: string[], env: Record<string, string | undefined>, nowMs: number): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: joinDashedValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const mentioned = COMMAND_NAMES.find((c) => argv.includes(c));
    throw new UsageError(plainParseError((err as Error).message), mentioned);
  }
  const values = parsed.values as Values & { dir?: string[] };
  const [first, ...rest] = parsed.positionals;
  const command = COMMAND_NAMES.find((c) => c === first);
  if (values.version || first === 'version') {
    return { kind: 'version' };
  }
  if (first === 'help') {
    return { kind: 'help', topic: helpTopic(rest) };
  }
  if (first === undefined) {
    if (values.help) {
      return { kind: 'help' };
    }
    throw new UsageError('no command given');
  }
  if (!command) {
    throw new UsageError(`unknown command "${first}"`);
  }
  if (values.help) {
    return { kind: 'help', topic: command };
  }
  return buildCommand(command, rest, values, env, nowMs);
}

function buildCommand(
  name: CommandName,
  rest: string[],
  values: Values & { dir?: string[] },
  env: Record<string, string | undefined>,
  nowMs: number
): Command {
  const fail = (message: string): never => {
    throw new UsageError(message, name);
  };
  const store = storeOptions(values.dir, values['access-log'], env);
  const output = parseOutput(values.output, fail);
  const range = () => parseRange(values, nowMs, fail);
  const single = (what: string) =>
    rest.length === 1 ? rest[0] : fail(`${name} needs one ${what}, got ${rest.length}`);
  const none = () => (rest.length === 0 ? undefined : fail(`${name} takes no arguments, got "${rest.join(' ')}"`));

  switch (name) {
    case 'query':
      return {
        kind: 'query',
        store,
        query: single('LogQL argument'),
        ...range(),
        instant: values.instant ?? false,
        limit: positiveInteger(values.limit ?? String(DEFAULT_LIMIT), '--limit', 'the number of log lines', fail),
        direction: parseDirection(values.direction, fail),
        stepMs: values.step === undefined ? undefined : positiveDuration(values.step, '--step', fail),
        output,
      };
    case 'labels':
      none();
      return { kind: 'labels', store, ...range(), output };
    case 'label-values':
      return { kind: 'label-values', store, name: single('label name'), ...range(), output };
    case 'tail': {
      const query = single('LogQL argument');
      const replay = values.from !== undefined || values.since !== undefined;
      return { kind: 'tail', store, query, startMs: replay ? range().startMs : undefined, output };
    }
    case 'sources':
      none();
      return { kind: 'sources', store, output };
  }
}

function storeOptions(
  dirs: string[] | undefined,
  accessLogPath: string | undefined,
  env: Record<string, string | undefined>
): StoreOptions {
  const rootsFrom: StoreOptions['rootsFrom'] = dirs?.length
    ? '--dir'
    : env.KAMIWAZA_LOG_DIR
      ? 'KAMIWAZA_LOG_DIR'
      : env.KAMIWAZA_ROOT
        ? 'KAMIWAZA_ROOT'
        : 'default';
  return { roots: resolveLogDirs({ logDirs: dirs }, env), rootsFrom, accessLogPath, kamiwazaRoot: env.KAMIWAZA_ROOT };
}

/**
 * `--limit -1` and `--since -1h` are what people type; node's parser calls a value that starts
 * with a dash ambiguous. Joining them as `--limit=-1` lets the option's own check say what is wrong.
 */
function joinDashedValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const option = arg.startsWith('--') ? (arg.slice(2) as OptionName) : undefined;
    const next = argv[i + 1];
    if (option && OPTIONS[option]?.type === 'string' && next?.startsWith('-') && !isOption(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function isOption(arg: string): boolean {
  return arg === '-h' || (arg.startsWith('--') && arg.slice(2).split('=')[0] in OPTIONS);
}

/** node's messages mention its own syntax (`'--x'`, positional hints): keep the first sentence. */
function plainParseError(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    return `unknown option ${unknown[1]}`;
  }
  const missing = /^Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) {
    return `${missing[1].replace(/^-\w, /, '')} needs a value`;
  }
  return message.split('\n')[0].replace(/\.$/, '');
}

function helpTopic(rest: string[]): CommandName | undefined {
  if (rest.length === 0) {
    return undefined;
  }
  const topic = COMMAND_NAMES.find((c) => c === rest[0]);
  if (!topic || rest.length > 1) {
    throw new UsageError(`no help for "${rest.join(' ')}": commands are ${COMMAND_NAMES.join(', ')}`);
  }
  return topic;
}

function parseRange(values: Values, nowMs: number, fail: (message: string) => never) {
  const time = (text: string, option: string) => {
    const parsed = parseTimeOption(text, nowMs);
    return typeof parsed === 'number' ? parsed : fail(`${option}: ${parsed.error}`);
  };
  const endMs = values.to === undefined ? nowMs : time(values.to, '--to');
  if (values.from !== undefined && values.since !== undefined) {
    fail('give --from or --since, not both');
  }
  const startMs =
    values.from === undefined
      ? endMs - positiveDuration(values.since ?? DEFAULT_SINCE, '--since', fail)
      : time(values.from, '--from');
  if (!(startMs < endMs)) {
    fail(
      `the range is empty: --from (${new Date(startMs).toISOString()}) must be before --to (${new Date(endMs).toISOString()})`
    );
  }
  return { startMs, endMs };
}

function positiveDuration(text: string, option: string, fail: (message: string) => never): number {
  if (text.trim().startsWith('-')) {
    return fail(`${option}: "${text}" is negative; give a positive duration such as 15m, 1h or 7d`);
  }
  let ms = NaN;
  try {
    ms = parseDuration(text.trim());
  } catch {
    // reported below with the option's name
  }
  return ms > 0 ? ms : fail(`${option}: "${text}" is not a positive duration (e.g. 30s, 15m, 1h, 7d)`);
}

function positiveInteger(text: string, option: string, meaning: string, fail: (message: string) => never): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0 || text.trim() === '') {
    return fail(`${option}: "${text}" is not a positive whole number (${meaning}, e.g. ${option} ${DEFAULT_LIMIT})`);
  }
  return n;
}

function parseDirection(text: string | undefined, fail: (message: string) => never): Direction {
  if (text === undefined || text === 'backward' || text === 'forward') {
    return text ?? 'backward';
  }
  return fail(`--direction: "${text}" must be backward (newest first) or forward (oldest first)`);
}

function parseOutput(text: string | undefined, fail: (message: string) => never): OutputFormat {
  if (text === undefined || text === 'loki-json' || text === 'jsonl' || text === 'table') {
    return text ?? 'table';
  }
  return fail(`--output: "${text}" must be table, jsonl or loki-json`);
}
