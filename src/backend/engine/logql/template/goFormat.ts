/** Go's fmt.Sprintf verbs and time layouts, as far as log templates use them. */
import { formatFloat, formatValue, goTypeName, GoTime, type Value } from './values';

/** fmt.Sprintf: verbs v s d f F e E g G q x X t c o b %, flags `-+ 0#`, width and precision. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argIndex = 0;
  const spec = /%([-+ 0#]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/y;
  for (let i = 0; i < format.length;) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    spec.lastIndex = pct;
    const m = spec.exec(format);
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i = spec.lastIndex;
    const [, flags, widthText, precisionText, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++];
    const precision = precisionText === undefined ? undefined : Number(precisionText || '0');
    const body = formatVerb(verb, arg, flags, precision);
    out += padTo(body, widthText ? Number(widthText) : 0, flags, verb);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${goTypeName(a)}=${formatValue(a)}`)
      .join(', ')})`;
  }
  return out;
}

function padTo(body: string, width: number, flags: string, verb: string): string {
  if (body.length >= width) {
    return body;
  }
  if (flags.includes('-')) {
    return body.padEnd(width);
  }
  if (flags.includes('0') && 'dfFeEgGxXob'.includes(verb)) {
    const sign = /^[-+ ]/.test(body) ? body[0] : '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width);
}

function badVerb(verb: string, arg: Value): string {
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function withSign(s: string, flags: string): string {
  if (s.startsWith('-')) {
    return s;
  }
  return flags.includes('+') ? '+' + s : flags.includes(' ') ? ' ' + s : s;
}

function formatVerb(verb: string, arg: Value, flags: string, precision: number | undefined): string {
  switch (verb) {
    case 'v':
      return typeof arg === 'number' || typeof arg === 'bigint' ? withSign(formatValue(arg), flags) : formatValue(arg);
    case 's':
      if (typeof arg === 'number' || typeof arg === 'bigint' || typeof arg === 'boolean') {
        return badVerb(verb, arg);
      }
      return precision === undefined ? formatValue(arg) : [...formatValue(arg)].slice(0, precision).join('');
    case 'q':
      return typeof arg === 'string' ? JSON.stringify(arg) : badVerb(verb, arg);
    case 't':
      return typeof arg === 'boolean' ? String(arg) : badVerb(verb, arg);
    case 'd':
      return typeof arg === 'bigint' ? withSign(arg.toString(), flags) : badVerb(verb, arg);
    case 'c':
      return typeof arg === 'bigint' ? String.fromCodePoint(Number(arg)) : badVerb(verb, arg);
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      const radix = verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
      let s: string;
      if (typeof arg === 'bigint') {
        s = arg.toString(radix);
      } else if (typeof arg === 'string' && radix === 16) {
        s = Buffer.from(arg, 'utf8').toString('hex');
      } else {
        return badVerb(verb, arg);
      }
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') {
        return badVerb(verb, arg);
      }
      if (!Number.isFinite(arg)) {
        return withSign(formatFloat(arg), flags);
      }
      let s: string;
      if (verb === 'f' || verb === 'F') {
        s = arg.toFixed(precision ?? 6);
      } else if (verb === 'e' || verb === 'E') {
        s = arg.toExponential(precision ?? 6).replace(/e([-+])(\d)$/, 'e$10$2');
      } else {
        s = precision === undefined ? formatFloat(arg) : Number(arg.toPrecision(Math.max(precision, 1))).toString();
      }
      s = withSign(s, flags);
      return verb === 'E' || verb === 'G' ? s.toUpperCase() : s;
    }
    default:
      return badVerb(verb, arg);
  }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Layout elements of Go's time package, longest first so prefixes do not shadow them. */
const LAYOUT_TOKENS = [
  'January',
  'Monday',
  'Z07:00:00',
  '-07:00:00',
  'Z07:00',
  '-07:00',
  'Z0700',
  '-0700',
  '2006',
  '002',
  'Jan',
  'Mon',
  'MST',
  'Z07',
  '-07',
  '__2',
  '_2',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];
const FRACTION = /^[.,](0+|9+)(?!\d)/;

type LayoutPart = { token: string } | { literal: string } | { fraction: string };

function tokenizeLayout(layout: string): LayoutPart[] {
  const parts: LayoutPart[] = [];
  let literal = '';
  for (let i = 0; i < layout.length;) {
    const frac = FRACTION.exec(layout.slice(i));
    // A fraction only counts right after a seconds element, as in Go.
    if (frac && parts.length && /^0?5$/.test((parts[parts.length - 1] as { token?: string }).token ?? '') && !literal) {
      parts.push({ fraction: frac[0] });
      i += frac[0].length;
      continue;
    }
    const token = LAYOUT_TOKENS.find((t) => layout.startsWith(t, i));
    if (token) {
      if (literal) {
        parts.push({ literal });
        literal = '';
      }
      parts.push({ token });
      i += token.length;
    } else {
      literal += layout[i++];
    }
  }
  if (literal) {
    parts.push({ literal });
  }
  return parts;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** time.Format in UTC. */
export function formatTime(t: GoTime, layout: string): string {
  const d = new Date(Number(t.unixSeconds) * 1000);
  const year = d.getUTCFullYear();
  const hour = d.getUTCHours();
  const startOfYear = Date.UTC(year, 0, 1);
  const yearDay = Math.floor((d.getTime() - startOfYear) / 86_400_000) + 1;
  return tokenizeLayout(layout)
    .map((part) => {
      if ('literal' in part) {
        return part.literal;
      }
      if ('fraction' in part) {
        const digits = part.fraction.length - 1;
        const frac = String(t.nanos).padStart(9, '0').slice(0, digits);
        if (part.fraction[1] === '9') {
          const trimmed = frac.replace(/0+$/, '');
          return trimmed ? part.fraction[0] + trimmed : '';
        }
        return part.fraction[0] + frac;
      }
      switch (part.token) {
        case 'January':
          return MONTHS[d.getUTCMonth()];
        case 'Jan':
          return MONTHS[d.getUTCMonth()].slice(0, 3);
        case 'Monday':
          return DAYS[d.getUTCDay()];
        case 'Mon':
          return DAYS[d.getUTCDay()].slice(0, 3);
        case 'MST':
          return 'UTC';
        case '2006':
          return String(year).padStart(4, '0');
        case '06':
          return p2(year % 100);
        case '01':
          return p2(d.getUTCMonth() + 1);
        case '1':
          return String(d.getUTCMonth() + 1);
        case '02':
          return p2(d.getUTCDate());
        case '2':
          return String(d.getUTCDate());
        case '_2':
          return String(d.getUTCDate()).padStart(2, ' ');
        case '002':
          return String(yearDay).padStart(3, '0');
        case '__2':
          return String(yearDay).padStart(3, ' ');
        case '15':
          return p2(hour);
        case '03':
          return p2(hour % 12 || 12);
        case '3':
          return String(hour % 12 || 12);
        case '04':
          return p2(d.getUTCMinutes());
        case '4':
          return String(d.getUTCMinutes());
        case '05':
          return p2(d.getUTCSeconds());
        case '5':
          return String(d.getUTCSeconds());
        case 'PM':
          return hour >= 12 ? 'PM' : 'AM';
        case 'pm':
          return hour >= 12 ? 'pm' : 'am';
        case 'Z07:00:00':
        case 'Z07:00':
        case 'Z0700':
        case 'Z07':
          return 'Z';
        case '-07:00:00':
          return '+00:00:00';
        case '-07:00':
          return '+00:00';
        case '-0700':
          return '+0000';
        case '-07':
          return '+00';
        default:
          return part.token;
      }
    })
    .join('');
}

/** time.Parse in UTC for numeric layouts; undefined when the value does not fit the layout. */
export function parseTime(layout: string, value: string): GoTime | undefined {
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let offsetMin = 0;
  let pm: boolean | undefined;
  let pos = 0;
  const num = (min: number, max: number): number | undefined => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value.slice(pos));
    if (!m) {
      return undefined;
    }
    pos += m[0].length;
    return Number(m[0]);
  };
  for (const part of tokenizeLayout(layout)) {
    if ('literal' in part) {
      if (!value.startsWith(part.literal, pos)) {
        return undefined;
      }
      pos += part.literal.length;
      continue;
    }
    if ('fraction' in part) {
      const m = /^[.,](\d+)/.exec(value.slice(pos));
      if (m) {
        nanos = Number(m[1].slice(0, 9).padEnd(9, '0'));
        pos += m[0].length;
      }
      continue;
    }
    let n: number | undefined = 0;
    const t = part.token;
    if (t === 'January' || t === 'Jan') {
      const names = t === 'Jan' ? MONTHS.map((x) => x.slice(0, 3)) : MONTHS;
      const idx = names.findIndex((x) => value.startsWith(x, pos));
      if (idx < 0) {
        return undefined;
      }
      month = idx + 1;
      pos += names[idx].length;
    } else if (t === 'Monday' || t === 'Mon') {
      const names = t === 'Mon' ? DAYS.map((x) => x.slice(0, 3)) : DAYS;
      const idx = names.findIndex((x) => value.startsWith(x, pos));
      if (idx < 0) {
        return undefined;
      }
      pos += names[idx].length;
    } else if (t === 'MST') {
      const m = /^[A-Z]{3,5}/.exec(value.slice(pos));
      pos += m ? m[0].length : 0;
    } else if (t === 'PM' || t === 'pm') {
      const m = /^(AM|PM)/i.exec(value.slice(pos));
      if (!m) {
        return undefined;
      }
      pm = m[0].toUpperCase() === 'PM';
      pos += 2;
    } else if (t.startsWith('Z') || t.startsWith('-')) {
      if (t.startsWith('Z') && value[pos] === 'Z') {
        pos++;
        continue;
      }
      const m = /^([-+])(\d{2}):?(\d{2})?(?::?\d{2})?/.exec(value.slice(pos));
      if (!m) {
        return undefined;
      }
      offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
      pos += m[0].length;
    } else {
      const ranges: Record<string, [number, number, (v: number) => void]> = {
        '2006': [4, 4, (v) => (year = v)],
        '06': [2, 2, (v) => (year = v + (v >= 69 ? 1900 : 2000))],
        '01': [2, 2, (v) => (month = v)],
        '1': [1, 2, (v) => (month = v)],
        '02': [2, 2, (v) => (day = v)],
        '2': [1, 2, (v) => (day = v)],
        _2: [1, 2, (v) => (day = v)],
        '15': [1, 2, (v) => (hour = v)],
        '03': [2, 2, (v) => (hour = v)],
        '3': [1, 2, (v) => (hour = v)],
        '04': [2, 2, (v) => (minute = v)],
        '4': [1, 2, (v) => (minute = v)],
        '05': [2, 2, (v) => (second = v)],
        '5': [1, 2, (v) => (second = v)],
      };
      const range = ranges[t];
      if (!range) {
        return undefined;
      }
      if (t === '_2' && value[pos] === ' ') {
        pos++;
      }
      n = num(range[0], range[1]);
      if (n === undefined) {
        return undefined;
      }
      range[2](n);
      // Go accepts a fraction after seconds even when the layout has none.
      if ((t === '05' || t === '5') && /^[.,]\d/.test(value.slice(pos))) {
        const m = /^[.,](\d+)/.exec(value.slice(pos))!;
        nanos = Number(m[1].slice(0, 9).padEnd(9, '0'));
        pos += m[0].length;
      }
    }
  }
  if (
    pos !== value.length ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  if (pm !== undefined) {
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const seconds = BigInt(date.getTime() / 1000) - BigInt(offsetMin * 60);
  return new GoTime(seconds * BigInt(1_000_000_000) + BigInt(nanos));
}
