/**
 * Number, duration and byte-size parsing with the exact rules Loki uses (Go's strconv,
 * time.ParseDuration, Prometheus' model.ParseDuration and go-humanize's ParseBytes).
 */

const MS_PER_UNIT: Record<string, number> = {
  y: 365 * 24 * 3_600_000,
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const PROM_UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

/** Prometheus `model.ParseDuration`: integer amounts of y/w/d/h/m/s/ms, largest unit first. */
function parsePrometheusDuration(text: string): number | undefined {
  if (text === '0') {
    return 0;
  }
  const part = /(\d+)(ms|y|w|d|h|m|s)/y;
  let pos = 0;
  let total = 0;
  let lastUnit = -1;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) {
      return undefined;
    }
    const unitIndex = PROM_UNIT_ORDER.indexOf(m[2]);
    if (unitIndex <= lastUnit) {
      return undefined;
    }
    lastUnit = unitIndex;
    total += Number(m[1]) * MS_PER_UNIT[m[2]];
    pos = part.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's `time.ParseDuration` ("1h30m", "1.5s", "-300ms", "0"), in milliseconds;
 * undefined when the text is not a Go duration.
 */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') {
    return 0;
  }
  if (s === '') {
    return undefined;
  }
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) {
      return undefined;
    }
    total += Number(m[1]) * GO_UNIT_MS[m[2]];
    pos = part.lastIndex;
  }
  return sign * total;
}

/**
 * A LogQL duration (`[5m]`, `offset 1h30m`, `| latency > 250ms`): Prometheus syntax first, then
 * Go's, as Loki's lexer does. Milliseconds; throws on invalid text.
 */
export function parseDuration(text: string): number {
  const ms = parsePrometheusDuration(text) ?? parseGoDuration(text);
  if (ms === undefined) {
    throw new Error(`invalid duration "${text}"`);
  }
  return ms;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  p: 1e15,
  pb: 1e15,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
  e: 1e18,
  eb: 1e18,
  ei: 1024 ** 6,
  eib: 1024 ** 6,
};

/**
 * go-humanize's `ParseBytes`: "10KB" (×1000), "1MiB" (×1024²), "42 mb", "1,024", "12". Returns
 * whole bytes, or undefined when the text is not a size.
 */
export function tryParseBytes(text: string): number | undefined {
  let digits = 0;
  while (digits < text.length && /[0-9.,]/.test(text[digits])) {
    digits++;
  }
  const num = goParseFloat(text.slice(0, digits).replace(/,/g, ''));
  const factor = BYTE_UNITS[text.slice(digits).trim().toLowerCase()];
  if (num === undefined || factor === undefined || num < 0) {
    return undefined;
  }
  return Math.floor(num * factor);
}

/** `tryParseBytes` that throws on invalid text (query literals). */
export function parseBytes(text: string): number {
  const bytes = tryParseBytes(text);
  if (bytes === undefined) {
    throw new Error(`invalid byte size "${text}"`);
  }
  return bytes;
}

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_SPECIAL_FLOAT = /^[+-]?(?:inf|infinity)$|^nan$/i;

/**
 * Go's `strconv.ParseFloat(s, 64)` for decimal text: "12", "-1.5e3", ".5", "Inf", "NaN".
 * Undefined when Go would return an error (e.g. "", " 1", "12ms", "1_000").
 */
export function goParseFloat(text: string): number | undefined {
  if (GO_FLOAT.test(text)) {
    return Number(text);
  }
  if (GO_SPECIAL_FLOAT.test(text)) {
    return /nan/i.test(text) ? NaN : text.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}
