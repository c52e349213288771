/**
 * Reading single top-level fields of a JSON object line straight from its bytes, without
 * JSON.parse: a small walker that skips over values (strings, nested objects, arrays) and stops
 * at the first wanted key. It is exact for well-formed lines (nested keys of the same name are
 * never mistaken for top-level ones) and reports malformed input so callers can fall back.
 */

import { recurringText } from './recurringText';

export const FOUND = 1;
export const ABSENT = 0;
export const MALFORMED = -1;

/** Where the last found value lies: `b[start, end)`, and which of the wanted keys matched. */
export interface ValueSpan {
  start: number;
  end: number;
  keyIndex: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(b[i])) {
    i++;
  }
  return i;
}

/** `i` at an opening quote → index just after the closing quote, or -1. */
function skipString(b: Uint8Array, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) {
      return i + 1;
    }
    if (c === BACKSLASH) {
      i++;
    }
  }
  return -1;
}

/** Index just after the value starting at `i`, or -1 when malformed. */
function skipValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === QUOTE) {
    return skipString(b, i, end);
  }
  if (c === 123 || c === 91) {
    let depth = 0;
    while (i < end) {
      const d = b[i];
      if (d === QUOTE) {
        i = skipString(b, i, end);
        if (i < 0) {
          return -1;
        }
        continue;
      }
      if (d === 123 || d === 91) {
        depth++;
      } else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) {
          return i + 1;
        }
      }
      i++;
    }
    return -1;
  }
  const from = i;
  while (i < end) {
    const d = b[i];
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) {
      break;
    }
    i++;
  }
  return i > from ? i : -1;
}

function keyEquals(b: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) {
    return false;
  }
  for (let j = 0; j < key.length; j++) {
    if (b[start + j] !== key[j]) {
      return false;
    }
  }
  return true;
}

/**
 * Looks for the first top-level key (in line order) among `keys` in the object `b[start, end)`.
 * Returns FOUND (with `out` set), ABSENT, or MALFORMED.
 */
export function findTopLevel(b: Uint8Array, start: number, end: number, keys: Uint8Array[], out: ValueSpan): number {
  let i = skipSpace(b, start, end);
  if (b[i] !== 123) {
    return MALFORMED;
  }
  i = skipSpace(b, i + 1, end);
  if (b[i] === 125) {
    return ABSENT;
  }
  while (i < end) {
    if (b[i] !== QUOTE) {
      return MALFORMED;
    }
    const keyStart = i + 1;
    const keyEnd = skipString(b, i, end);
    if (keyEnd < 0) {
      return MALFORMED;
    }
    i = skipSpace(b, keyEnd, end);
    if (b[i] !== 58) {
      return MALFORMED;
    }
    i = skipSpace(b, i + 1, end);
    const valueEnd = skipValue(b, i, end);
    if (valueEnd < 0) {
      return MALFORMED;
    }
    for (let k = 0; k < keys.length; k++) {
      if (keyEquals(b, keyStart, keyEnd - 1, keys[k])) {
        out.start = i;
        out.end = valueEnd;
        out.keyIndex = k;
        return FOUND;
      }
    }
    i = skipSpace(b, valueEnd, end);
    if (b[i] === 44) {
      i = skipSpace(b, i + 1, end);
      continue;
    }
    return b[i] === 125 ? ABSENT : MALFORMED;
  }
  return MALFORMED;
}

function hasByte(b: Uint8Array, byte: number, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (b[i] === byte) {
      return true;
    }
  }
  return false;
}

/**
 * A found value as Loki's json parser renders scalars: strings unquoted, numbers and booleans as
 * written, `null` as "". Objects and arrays give undefined (not a single label value).
 * `recurring`: a field whose few values recur on nearly every line (service, level).
 */
export function scalarText(b: Buffer, span: ValueSpan, recurring = false): string | undefined {
  const c = b[span.start];
  if (c === QUOTE) {
    if (!hasByte(b, BACKSLASH, span.start + 1, span.end - 1)) {
      return recurring
        ? recurringText(b, span.start + 1, span.end - 1)
        : b.toString('utf8', span.start + 1, span.end - 1);
    }
    try {
      return JSON.parse(b.toString('utf8', span.start, span.end)) as string;
    } catch {
      return undefined;
    }
  }
  if (c === 123 || c === 91) {
    return undefined;
  }
  const text = b.toString('latin1', span.start, span.end);
  return text === 'null' ? '' : text;
}

/** Encodes key names once for `findTopLevel`. */
export function keyBytes(keys: string[]): Uint8Array[] {
  return keys.map((k) => Buffer.from(k, 'utf8'));
}
