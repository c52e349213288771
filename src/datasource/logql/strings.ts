/** LogQL string literals (Go syntax) and regex escaping, for the builder and completion. */

/** A double-quoted LogQL string: JSON's escapes are a subset of Go's. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** The value of a `"…"` or `` `…` `` literal, or undefined for an escape JSON does not share with Go. */
export function unquote(literal: string): string | undefined {
  if (literal.startsWith('`')) {
    return literal.slice(1, -1);
  }
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const REGEX_META = /[.*+?^${}()|[\]\\]/g;

export function escapeRegex(value: string): string {
  return value.replace(REGEX_META, '\\$&');
}

/** `a|b|c` of plain alternatives → their literal values; undefined when it is any other regex. */
export function regexAlternatives(regex: string): string[] | undefined {
  const values: string[] = [];
  for (const part of regex.split(/(?<!\\)\|/)) {
    const literal = part.replace(/\\(.)/g, '$1');
    if (part === '' || escapeRegex(literal) !== part) {
      return undefined;
    }
    values.push(literal);
  }
  return values;
}
