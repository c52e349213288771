/**
 * hclog-compatible JSON logging on stderr: the format Grafana's go-plugin client parses and
 * re-emits in Grafana's own log (one JSON object per line, `@level`, `@message`, `@timestamp`,
 * `@module`, then key/value pairs).
 *
 * Rules Grafana's reader imposes (a wrong type panics its reader goroutine, a wrong time format
 * turns the line into an unparsed debug line): `@level` and `@message` are always strings,
 * `@level` is one of trace|debug|info|warn|error, `@timestamp` has exactly 6 fractional digits.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** What every backend part receives; nothing outside this module writes to stderr. */
export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (e.g. the data source uid or a refId). */
  with(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/**
 * The level comes from `GF_PLUGIN_LOG_LEVEL`. The Go SDK reads no level variable (it logs at
 * debug and lets Grafana filter), but Grafana turns every key of the `[plugin.<id>]` ini section
 * into `GF_PLUGIN_<KEY>`, so `[plugin.kamiwaza-logs-datasource] log_level = info` reaches us as
 * this variable. Unset or unknown values keep the SDK's default, debug.
 */
export const LOG_LEVEL_ENV = 'GF_PLUGIN_LOG_LEVEL';
export const DEFAULT_LOG_LEVEL: LogLevel = 'debug';

export function logLevelFromEnv(env: NodeJS.ProcessEnv): LogLevel {
  const wanted = (env[LOG_LEVEL_ENV] ?? '').trim().toLowerCase();
  if (wanted === 'warning') {
    return 'warn';
  }
  return LOG_LEVELS.find((level) => level === wanted) ?? DEFAULT_LOG_LEVEL;
}

/** hclog's layout `2006-01-02T15:04:05.000000Z07:00`: ISO-8601 with microseconds, UTC. */
export function hclogTimestamp(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/** go-plugin reads stderr with a 64 KiB line buffer; longer lines are split and logged raw. */
const MAX_LINE_BYTES = 60 * 1024;

export interface HclogOptions {
  level?: LogLevel;
  module?: string;
  /** Where finished lines go (a line includes its "\n"); stderr by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

export function createHclogLogger(options: HclogOptions = {}): Logger {
  const minimum = LOG_LEVELS.indexOf(options.level ?? DEFAULT_LOG_LEVEL);
  const write = options.write ?? writeStderr;
  const now = options.now ?? (() => new Date());
  const base: LogFields = options.module ? { '@module': options.module } : {};

  const make = (context: LogFields): Logger => {
    const log = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < minimum) {
        return;
      }
      write(formatLine(level, message, now(), { ...context, ...fields }));
    };
    return {
      trace: (message, fields) => log('trace', message, fields),
      debug: (message, fields) => log('debug', message, fields),
      info: (message, fields) => log('info', message, fields),
      warn: (message, fields) => log('warn', message, fields),
      error: (message, fields) => log('error', message, fields),
      with: (fields) => make({ ...context, ...fields }),
      enabled: (level) => LOG_LEVELS.indexOf(level) >= minimum,
    };
  };
  return make(base);
}

function formatLine(level: LogLevel, message: string, time: Date, fields: LogFields): string {
  const entry: Record<string, unknown> = {
    '@level': level,
    '@message': String(message),
    '@timestamp': hclogTimestamp(time),
  };
  for (const [key, value] of Object.entries(fields)) {
    // The reserved keys are ours; a caller's field must not replace them with another type.
    const name = key.startsWith('@') && key !== '@module' ? key.slice(1) : key;
    entry[name] = toLoggable(value);
  }
  let line = safeStringify(entry);
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    entry['@message'] = truncate(String(message), MAX_LINE_BYTES / 4);
    for (const key of Object.keys(entry)) {
      if (!key.startsWith('@')) {
        entry[key] = truncate(safeStringify(entry[key]), 1024);
      }
    }
    line = safeStringify(entry);
  }
  return line + '\n';
}

/** A value JSON.stringify can always write: errors as their stack, bigints as text, cycles as text. */
function toLoggable(value: unknown): unknown {
  if (value instanceof Error) {
    return value.stack ?? `${value.name}: ${value.message}`;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value !== null && typeof value === 'object') {
    try {
      JSON.stringify(value, bigintAsText);
    } catch {
      return String(value);
    }
  }
  return value;
}

function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function safeStringify(value: unknown): string {
  return JSON.stringify(value, bigintAsText) ?? 'null';
}

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…(truncated)` : text;
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(line);
  } catch {
    // Grafana has gone (EPIPE): nothing left to tell.
  }
}
