/** LogQL string literals: Go interpreted strings ("...") with Go escapes, or raw strings (`...`). */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * Go's `strconv.Unquote` for a double-quoted or backtick literal (quotes included).
 * Throws an Error naming the offending escape; the caller adds the position.
 */
export function unquoteGoString(literal: string): string {
  if (literal.startsWith('`')) {
    if (literal.length < 2 || !literal.endsWith('`')) {
      throw new Error('unterminated raw string');
    }
    return literal.slice(1, -1);
  }
  if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) {
    throw new Error('unterminated string');
  }
  const body = literal.slice(1, -1);
  if (!body.includes('\\')) {
    return body;
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e !== undefined && e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
        throw new Error(`invalid escape \\${e}${hex}`);
      }
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) {
        throw new Error(`invalid escape \\${e}${hex}`);
      }
      // \x is a byte in Go; bytes ≥ 0x80 alone are not valid UTF-8, read as U+FFFD.
      out += e === 'x' && code >= 0x80 ? '\ufffd' : String.fromCodePoint(code);
      i += width;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) {
        throw new Error(`invalid escape \\${oct}`);
      }
      const code = parseInt(oct, 8);
      out += code >= 0x80 ? '\ufffd' : String.fromCharCode(code);
      i += 2;
    } else {
      throw new Error(`invalid escape \\${e ?? ''}`);
    }
  }
  return out;
}
