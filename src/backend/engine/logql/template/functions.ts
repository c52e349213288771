/**
 * Template functions: Go's builtins, Loki's own (ToUpper, regexReplaceAll, unixToTime, ...) and
 * the sprig functions Loki enables (default, contains, add, date, ...), with Go's argument types.
 */
import { compileRegex } from '../regex';
import { goParseFloat, parseGoDuration, tryParseBytes } from '../syntax/units';
import { formatTime, parseTime, sprintf } from './goFormat';
import { formatValue, goTypeName, GoTime, TemplateExecError, truthy, type Value } from './values';

/** What functions can see of the record being formatted. */
export interface CallContext {
  line: string;
  tsMs: number;
}

function fail(message: string): never {
  throw new TemplateExecError(message);
}

function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    fail(`wrong number of args for ${name}: want ${min === max ? min : `${min}-${max}`} got ${args.length}`);
  }
}

function str(v: Value, fn: string): string {
  return typeof v === 'string' ? v : fail(`${fn}: wrong type for value; expected string; got ${goTypeName(v)}`);
}

function int(v: Value, fn: string): number {
  if (typeof v === 'bigint') {
    return Number(v);
  }
  if (typeof v === 'number' && Number.isInteger(v)) {
    return v;
  }
  return fail(`${fn}: wrong type for value; expected int; got ${goTypeName(v)}`);
}

function time(v: Value, fn: string): GoTime {
  return v instanceof GoTime ? v : fail(`${fn}: wrong type for value; expected time.Time; got ${goTypeName(v)}`);
}

/** spf13/cast ToInt64 (used by sprig's arithmetic): lenient, 0 when not convertible. */
function toInt64(v: Value): bigint {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      return Number.isFinite(v) ? BigInt(Math.trunc(v)) : BigInt(0);
    case 'boolean':
      return v ? BigInt(1) : BigInt(0);
    case 'string': {
      const s = v.replace(/\.0*$/, '');
      return /^[-+]?\d+$/.test(s) ? BigInt.asIntN(64, BigInt(s)) : BigInt(0);
    }
    default:
      return BigInt(0);
  }
}

/** spf13/cast ToFloat64: lenient, 0 when not convertible. */
function toFloat64(v: Value): number {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return goParseFloat(v) ?? 0;
    default:
      return 0;
  }
}

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Go's strings.Trim family: cutset is a set of characters. */
function trimSet(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (left && start < end && set.has(chars[start])) {
    start++;
  }
  while (right && end > start && set.has(chars[end - 1])) {
    end--;
  }
  return chars.slice(start, end).join('');
}

/** Go's regexp Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandReplacement(template: string, group: (name: string) => string): string {
  return template.replace(/\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (all, braced?: string, bare?: string) =>
    all === '$$' ? '$' : group((braced ?? bare)!)
  );
}

function regexReplace(pattern: string, s: string, repl: string, literal: boolean): string {
  const re = compileRegex(pattern);
  const m = re.matcher(s);
  let out = '';
  let last = 0;
  while (m.find()) {
    out += s.slice(last, m.start());
    out += literal
      ? repl
      : expandReplacement(repl, (name) => {
          try {
            return (/^\d+$/.test(name) ? m.group(Number(name)) : m.group(name)) ?? '';
          } catch {
            return ''; // unknown group names expand to nothing, as in Go
          }
        });
    last = m.end();
  }
  return out + s.slice(last);
}

/** Go's zero-value test used by sprig's `default` and `empty`. */
function isEmpty(v: Value): boolean {
  return !truthy(v);
}

function compare(a: Value, b: Value, fn: string): number {
  const kind = (v: Value): string =>
    typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v === 'string' ? 'string' : 'other';
  if (kind(a) !== kind(b) || kind(a) === 'other') {
    if (fn === 'eq' || fn === 'ne') {
      if (typeof a === 'boolean' && typeof b === 'boolean') {
        return a === b ? 0 : 1;
      }
      if (a === null || b === null) {
        return a === b ? 0 : 1;
      }
    }
    fail(`error calling ${fn}: incompatible types for comparison`);
  }
  return a! < b! ? -1 : a! > b! ? 1 : 0;
}

function unixToTime(epoch: string): GoTime {
  if (!/^[-+]?\d+$/.test(epoch)) {
    fail(`unable to parse time '${epoch}'`);
  }
  const n = BigInt(epoch);
  const nsPer: Record<number, bigint> = {
    5: BigInt(86_400_000_000_000),
    10: BigInt(1_000_000_000),
    13: BigInt(1_000_000),
    16: BigInt(1_000),
    19: BigInt(1),
  };
  const factor = nsPer[epoch.length];
  return factor ? new GoTime(n * factor) : fail(`unable to parse time '${epoch}'`);
}

function base64Decode(v: string): string {
  let s = v;
  const remainder = s.length % 4;
  if (remainder !== 0 && remainder !== 1) {
    s += '='.repeat(4 - remainder);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    return `illegal base64 data at input byte ${Math.max(0, s.search(/[^A-Za-z0-9+/=]/))}`;
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

function align(count: number, src: string, left: boolean): string {
  const chars = [...src];
  if (count < 0 || count === chars.length) {
    return src;
  }
  if (count > chars.length) {
    const padding = ' '.repeat(count - chars.length);
    return left ? src + padding : padding + src;
  }
  return (left ? chars.slice(0, count) : chars.slice(chars.length - count)).join('');
}

/** sprig's substr: start < 0 → s[:end]; end < 0 or past the end → s[start:]. Bytes in Go; characters here. */
function substr(start: number, end: number, s: string): string {
  if (start < 0) {
    return s.slice(0, end);
  }
  if (end < 0 || end > s.length) {
    return s.slice(start);
  }
  return s.slice(start, end);
}

function round(a: Value, p: number, rOpt = 0.5): number {
  const f = toFloat64(a);
  const pow = 10 ** p;
  const digit = pow * f;
  const [, frac] = [Math.trunc(digit), digit - Math.trunc(digit)];
  const rounded = frac >= rOpt ? Math.ceil(digit) : Math.floor(digit);
  return rounded / pow;
}

function fromJson(s: string): Value {
  try {
    return JSON.parse(s) as Value;
  } catch {
    return null;
  }
}

/** url.QueryEscape: spaces as '+', everything but unreserved characters percent-encoded. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function queryUnescape(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return fail(`invalid URL escape in "${s}"`);
  }
}

type Fn = (a: Value[], ctx: CallContext) => Value;

const fixed =
  (name: string, n: number, fn: (...a: Value[]) => Value): Fn =>
  (args) => {
    arity(name, args, n);
    return fn(...args);
  };

export const FUNCTIONS: Record<string, Fn> = {
  // Go builtins (and/or are evaluated lazily by the executor)
  not: fixed('not', 1, (a) => !truthy(a)),
  eq: (args) => {
    if (args.length < 2) {
      fail('missing argument for comparison');
    }
    return args.slice(1).some((b) => compare(args[0], b, 'eq') === 0);
  },
  ne: fixed('ne', 2, (a, b) => compare(a, b, 'ne') !== 0),
  lt: fixed('lt', 2, (a, b) => compare(a, b, 'lt') < 0),
  le: fixed('le', 2, (a, b) => compare(a, b, 'le') <= 0),
  gt: fixed('gt', 2, (a, b) => compare(a, b, 'gt') > 0),
  ge: fixed('ge', 2, (a, b) => compare(a, b, 'ge') >= 0),
  len: fixed('len', 1, (a) =>
    typeof a === 'string'
      ? BigInt(Buffer.byteLength(a))
      : Array.isArray(a)
        ? BigInt(a.length)
        : a && typeof a === 'object' && !(a instanceof GoTime)
          ? BigInt(Object.keys(a).length)
          : fail(`len of type ${goTypeName(a)}`)
  ),
  index: (args) => {
    let v = args[0] ?? null;
    for (const k of args.slice(1)) {
      if (Array.isArray(v)) {
        v = v[Number(k)] ?? fail(`error calling index: index out of range: ${formatValue(k)}`);
      } else if (v && typeof v === 'object' && !(v instanceof GoTime)) {
        v = (v as Record<string, Value>)[str(k, 'index')] ?? null;
      } else {
        fail(`can't index item of type ${goTypeName(v)}`);
      }
    }
    return v;
  },
  print: (args) =>
    args
      .map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + formatValue(a))
      .join(''),
  println: (args) => args.map(formatValue).join(' ') + '\n',
  printf: (args) => {
    if (args.length < 1) {
      fail('wrong number of args for printf: want at least 1 got 0');
    }
    return sprintf(str(args[0], 'printf'), args.slice(1));
  },
  urlquery: (args) => queryEscape(args.map(formatValue).join('')),

  // Loki
  ToLower: fixed('ToLower', 1, (s) => str(s, 'ToLower').toLowerCase()),
  ToUpper: fixed('ToUpper', 1, (s) => str(s, 'ToUpper').toUpperCase()),
  Replace: fixed('Replace', 4, (s, o, n, c) => {
    let count = int(c, 'Replace');
    const [src, old, repl] = [str(s, 'Replace'), str(o, 'Replace'), str(n, 'Replace')];
    if (count < 0) {
      return src.split(old).join(repl);
    }
    let out = src;
    let from = 0;
    while (count-- > 0) {
      const at = out.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out = out.slice(0, at) + repl + out.slice(at + old.length);
      from = at + repl.length + (old === '' ? 1 : 0);
    }
    return out;
  }),
  Trim: fixed('Trim', 2, (s, c) => trimSet(str(s, 'Trim'), str(c, 'Trim'), true, true)),
  TrimLeft: fixed('TrimLeft', 2, (s, c) => trimSet(str(s, 'TrimLeft'), str(c, 'TrimLeft'), true, false)),
  TrimRight: fixed('TrimRight', 2, (s, c) => trimSet(str(s, 'TrimRight'), str(c, 'TrimRight'), false, true)),
  TrimPrefix: fixed('TrimPrefix', 2, (s, p) => {
    const [v, prefix] = [str(s, 'TrimPrefix'), str(p, 'TrimPrefix')];
    return v.startsWith(prefix) ? v.slice(prefix.length) : v;
  }),
  TrimSuffix: fixed('TrimSuffix', 2, (s, p) => {
    const [v, suffix] = [str(s, 'TrimSuffix'), str(p, 'TrimSuffix')];
    return suffix && v.endsWith(suffix) ? v.slice(0, -suffix.length) : v;
  }),
  TrimSpace: fixed('TrimSpace', 1, (s) => str(s, 'TrimSpace').trim()),
  regexReplaceAll: fixed('regexReplaceAll', 3, (r, s, repl) =>
    regexReplace(str(r, 'regexReplaceAll'), str(s, 'regexReplaceAll'), str(repl, 'regexReplaceAll'), false)
  ),
  regexReplaceAllLiteral: fixed('regexReplaceAllLiteral', 3, (r, s, repl) =>
    regexReplace(
      str(r, 'regexReplaceAllLiteral'),
      str(s, 'regexReplaceAllLiteral'),
      str(repl, 'regexReplaceAllLiteral'),
      true
    )
  ),
  count: fixed('count', 2, (r, s) => {
    const m = compileRegex(str(r, 'count')).matcher(str(s, 'count'));
    let n = BigInt(0);
    while (m.find()) {
      n++;
    }
    return n;
  }),
  urldecode: fixed('urldecode', 1, (s) => queryUnescape(str(s, 'urldecode'))),
  urlencode: fixed('urlencode', 1, (s) => queryEscape(str(s, 'urlencode'))),
  bytes: fixed('bytes', 1, (s) => tryParseBytes(str(s, 'bytes')) ?? fail(`invalid byte size "${formatValue(s)}"`)),
  duration: fixed('duration', 1, (s) => durationSeconds(str(s, 'duration'))),
  duration_seconds: fixed('duration_seconds', 1, (s) => durationSeconds(str(s, 'duration_seconds'))),
  unixEpochMillis: fixed('unixEpochMillis', 1, (t) =>
    (time(t, 'unixEpochMillis').epochNs / BigInt(1_000_000)).toString()
  ),
  unixEpochNanos: fixed('unixEpochNanos', 1, (t) => time(t, 'unixEpochNanos').epochNs.toString()),
  toDateInZone: fixed(
    'toDateInZone',
    3,
    (f, _zone, s) => parseTime(str(f, 'toDateInZone'), str(s, 'toDateInZone')) ?? GoTime.zero()
  ),
  unixToTime: fixed('unixToTime', 1, (s) => unixToTime(str(s, 'unixToTime'))),
  alignLeft: fixed('alignLeft', 2, (c, s) => align(int(c, 'alignLeft'), str(s, 'alignLeft'), true)),
  alignRight: fixed('alignRight', 2, (c, s) => align(int(c, 'alignRight'), str(s, 'alignRight'), false)),
  b64dec: fixed('b64dec', 1, (s) => base64Decode(str(s, 'b64dec'))),
  __line__: (args, ctx) => (arity('__line__', args, 0), ctx.line),
  __timestamp__: (args, ctx) => (arity('__timestamp__', args, 0), GoTime.fromMs(ctx.tsMs)),

  // sprig
  b64enc: fixed('b64enc', 1, (s) => Buffer.from(str(s, 'b64enc'), 'utf8').toString('base64')),
  lower: fixed('lower', 1, (s) => str(s, 'lower').toLowerCase()),
  upper: fixed('upper', 1, (s) => str(s, 'upper').toUpperCase()),
  title: fixed('title', 1, (s) =>
    str(s, 'title').replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase())
  ),
  trunc: fixed('trunc', 2, (c, s) => {
    const [n, v] = [int(c, 'trunc'), str(s, 'trunc')];
    return n < 0 && v.length + n > 0 ? v.slice(v.length + n) : n >= 0 && v.length > n ? v.slice(0, n) : v;
  }),
  substr: fixed('substr', 3, (a, b, s) => substr(int(a, 'substr'), int(b, 'substr'), str(s, 'substr'))),
  contains: fixed('contains', 2, (sub, s) => str(s, 'contains').includes(str(sub, 'contains'))),
  hasPrefix: fixed('hasPrefix', 2, (p, s) => str(s, 'hasPrefix').startsWith(str(p, 'hasPrefix'))),
  hasSuffix: fixed('hasSuffix', 2, (p, s) => str(s, 'hasSuffix').endsWith(str(p, 'hasSuffix'))),
  indent: fixed('indent', 2, (n, s) => {
    const pad = ' '.repeat(Math.max(0, int(n, 'indent')));
    return pad + str(s, 'indent').replace(/\n/g, '\n' + pad);
  }),
  nindent: fixed('nindent', 2, (n, s) => {
    const pad = ' '.repeat(Math.max(0, int(n, 'nindent')));
    return '\n' + pad + str(s, 'nindent').replace(/\n/g, '\n' + pad);
  }),
  replace: fixed('replace', 3, (o, n, s) => str(s, 'replace').split(str(o, 'replace')).join(str(n, 'replace'))),
  repeat: fixed('repeat', 2, (c, s) => {
    const n = int(c, 'repeat');
    const v = str(s, 'repeat');
    if (n < 0 || v.length * n > 1_000_000) {
      fail('repeat: count out of range');
    }
    return v.repeat(n);
  }),
  trim: fixed('trim', 1, (s) => str(s, 'trim').trim()),
  trimAll: fixed('trimAll', 2, (c, s) => trimSet(str(s, 'trimAll'), str(c, 'trimAll'), true, true)),
  trimSuffix: fixed('trimSuffix', 2, (x, s) => {
    const [suffix, v] = [str(x, 'trimSuffix'), str(s, 'trimSuffix')];
    return suffix && v.endsWith(suffix) ? v.slice(0, -suffix.length) : v;
  }),
  trimPrefix: fixed('trimPrefix', 2, (x, s) => {
    const [prefix, v] = [str(x, 'trimPrefix'), str(s, 'trimPrefix')];
    return v.startsWith(prefix) ? v.slice(prefix.length) : v;
  }),
  int: fixed('int', 1, (v) => toInt64(v)),
  float64: fixed('float64', 1, (v) => toFloat64(v)),
  add: (args) => i64(args.reduce<bigint>((sum, v) => sum + toInt64(v), BigInt(0))),
  sub: fixed('sub', 2, (a, b) => i64(toInt64(a) - toInt64(b))),
  mul: (args) => (arity('mul', args, 1, Infinity), i64(args.reduce<bigint>((p, v) => p * toInt64(v), BigInt(1)))),
  div: fixed('div', 2, (a, b) => {
    const d = toInt64(b);
    return d === BigInt(0) ? fail('error calling div: runtime error: integer divide by zero') : i64(toInt64(a) / d);
  }),
  mod: fixed('mod', 2, (a, b) => {
    const d = toInt64(b);
    return d === BigInt(0) ? fail('error calling mod: runtime error: integer divide by zero') : toInt64(a) % d;
  }),
  addf: (args) => args.reduce<number>((sum, v) => sum + toFloat64(v), 0),
  subf: (args) => (
    arity('subf', args, 1, Infinity),
    args.slice(1).reduce<number>((r, v) => r - toFloat64(v), toFloat64(args[0]))
  ),
  mulf: (args) => (arity('mulf', args, 1, Infinity), args.reduce<number>((r, v) => r * toFloat64(v), 1)),
  divf: (args) => (
    arity('divf', args, 1, Infinity),
    args.slice(1).reduce<number>((r, v) => r / toFloat64(v), toFloat64(args[0]))
  ),
  max: (args) => (arity('max', args, 1, Infinity), args.map(toInt64).reduce((a, b) => (b > a ? b : a))),
  min: (args) => (arity('min', args, 1, Infinity), args.map(toInt64).reduce((a, b) => (b < a ? b : a))),
  maxf: (args) => (arity('maxf', args, 1, Infinity), Math.max(...args.map(toFloat64))),
  minf: (args) => (arity('minf', args, 1, Infinity), Math.min(...args.map(toFloat64))),
  ceil: fixed('ceil', 1, (a) => Math.ceil(toFloat64(a))),
  floor: fixed('floor', 1, (a) => Math.floor(toFloat64(a))),
  round: (args) => (
    arity('round', args, 2, 3),
    round(args[0], int(args[1], 'round'), args[2] === undefined ? undefined : toFloat64(args[2]))
  ),
  fromJson: fixed('fromJson', 1, (s) => fromJson(str(s, 'fromJson'))),
  date: fixed('date', 2, (f, t) => formatTime(toTime(t), str(f, 'date'))),
  toDate: fixed('toDate', 2, (f, s) => parseTime(str(f, 'toDate'), str(s, 'toDate')) ?? GoTime.zero()),
  now: fixed('now', 0, () => GoTime.fromMs(Date.now())),
  unixEpoch: fixed('unixEpoch', 1, (t) => time(t, 'unixEpoch').unixSeconds.toString()),
  default: (args) => {
    arity('default', args, 1, Infinity);
    return args.length < 2 || isEmpty(args[1]) ? args[0] : args[1];
  },
};

/** sprig's date accepts time.Time or Unix seconds (int). */
function toTime(v: Value): GoTime {
  if (v instanceof GoTime) {
    return v;
  }
  if (typeof v === 'bigint') {
    return new GoTime(v * BigInt(1_000_000_000));
  }
  return GoTime.fromMs(Date.now());
}

function durationSeconds(s: string): number {
  const ms = parseGoDuration(s);
  return ms === undefined ? fail(`time: invalid duration "${s}"`) : ms / 1000;
}

/** Names the executor evaluates itself (short-circuit), so they exist but are not in FUNCTIONS. */
export const LAZY_FUNCTIONS = new Set(['and', 'or']);

export function isKnownFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name) || LAZY_FUNCTIONS.has(name);
}
