/**
 * The logfmt scanner Loki uses (go-logfmt's decoder): `key=value`, `key="quoted \" value"`, bare
 * `key` (empty value). Control characters and spaces separate pairs. Malformed pairs are skipped;
 * the first error is reported (positions are 1-based character offsets).
 */

import { decodeQuoted } from './jsonScan';

/** Calls `onPair` for each pair; returns the first syntax error's text, if any. */
export function scanLogfmt(
  line: string,
  stopAtError: boolean,
  onPair: (key: string, value: string) => void
): string | undefined {
  let pos = 0;
  let error: string | undefined;
  const n = line.length;
  const fail = (at: number, message: string): void => {
    error ??= `logfmt syntax error at pos ${at + 1} : ${message}`;
  };
  const skipToSpace = (): void => {
    while (pos < n && line.charCodeAt(pos) > 32) {
      pos++;
    }
  };
  while (pos < n) {
    // garbage before the key
    while (pos < n && line.charCodeAt(pos) <= 32) {
      pos++;
    }
    if (pos >= n) {
      break;
    }
    const keyStart = pos;
    let key: string | undefined;
    let ok = true;
    while (pos < n) {
      const c = line.charCodeAt(pos);
      if (c === 61 /* = */ || c === 34 /* " */ || c <= 32) {
        break;
      }
      pos++;
    }
    const c = pos < n ? line.charCodeAt(pos) : -1;
    if (c === 34) {
      fail(pos, "unexpected '\"'");
      skipToSpace();
      ok = false;
    } else {
      key = line.slice(keyStart, pos);
      if (key.includes('\ufffd')) {
        fail(pos, 'invalid key');
        if (c === 61) {
          skipToSpace();
        }
        ok = false;
      } else if (c === 61 && key === '') {
        fail(pos, "unexpected '='");
        skipToSpace();
        ok = false;
      }
    }
    let value = '';
    if (ok && c === 61) {
      pos++; // '='
      const v = pos < n ? line.charCodeAt(pos) : -1;
      if (v === 34) {
        const quoted = readQuoted(line, pos);
        if (quoted.error) {
          fail(quoted.end, quoted.error);
          pos = quoted.end;
          ok = false;
        } else {
          value = quoted.value;
          pos = quoted.end;
        }
      } else if (v > 32) {
        const start = pos;
        while (pos < n) {
          const d = line.charCodeAt(pos);
          if (d === 61 || d === 34) {
            fail(pos, `unexpected '${line[pos]}'`);
            skipToSpace();
            ok = false;
            break;
          }
          if (d <= 32) {
            break;
          }
          pos++;
        }
        if (ok) {
          value = line.slice(start, pos);
        }
      }
    }
    if (ok && key !== undefined) {
      onPair(key, value);
    } else if (stopAtError) {
      break;
    }
  }
  return error;
}

/** A quoted value starting at `start` (the opening quote), JSON escapes decoded. */
function readQuoted(line: string, start: number): { value: string; end: number; error?: string } {
  let escaped = false;
  let hasEscape = false;
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i];
    if (escaped) {
      escaped = false;
    } else if (c === '\\') {
      hasEscape = true;
      escaped = true;
    } else if (c === '"') {
      const raw = line.slice(start, i + 1);
      const value = hasEscape ? decodeQuoted(raw) : raw.slice(1, -1);
      return value === undefined ? { value: '', end: i + 1, error: 'invalid quoted value' } : { value, end: i + 1 };
    }
  }
  return { value: '', end: line.length, error: 'unterminated quoted value' };
}
