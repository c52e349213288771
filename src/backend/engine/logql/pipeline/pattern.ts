/**
 * Loki's pattern syntax (`| pattern "<ip> - <_> [<ts>] <msg>"`): `<name>` captures, `<_>` skips,
 * everything else is literal text that must appear in order.
 */
export type PatternNode = { literal: string } | { capture: string };

const CAPTURE = /<([A-Za-z_][A-Za-z0-9_]*)>/g;

/** Splits a pattern into literals and captures; consecutive captures are an error. */
function tokenizePattern(pattern: string): PatternNode[] {
  const nodes: PatternNode[] = [];
  let last = 0;
  for (const m of pattern.matchAll(CAPTURE)) {
    if (m.index > last) {
      nodes.push({ literal: pattern.slice(last, m.index) });
    } else if (nodes.length > 0 && 'capture' in nodes[nodes.length - 1]) {
      throw new Error(
        `found consecutive capture '<${(nodes[nodes.length - 1] as { capture: string }).capture}><${m[1]}>'`
      );
    }
    nodes.push({ capture: m[1] });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) {
    nodes.push({ literal: pattern.slice(last) });
  }
  return nodes;
}

/** A pattern for the pattern parser: at least one named capture, names unique. */
export function parsePattern(pattern: string): PatternNode[] {
  const nodes = tokenizePattern(pattern);
  const names = captureNames(nodes);
  if (names.length === 0) {
    throw new Error('at least one capture is required');
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`duplicate capture name (${duplicate})`);
  }
  return nodes;
}

/** Named captures in order (`<_>` excluded). */
export function captureNames(nodes: PatternNode[]): string[] {
  return nodes.flatMap((n) => ('capture' in n && n.capture !== '_' ? [n.capture] : []));
}

/**
 * Captured values in the order of `captureNames`, possibly fewer (Loki's rules): a leading
 * literal must start the line; a capture runs up to the next literal's first occurrence, or to
 * the end of the line when that literal is missing (and matching stops there).
 */
export function matchPattern(nodes: PatternNode[], line: string): string[] {
  const out: string[] = [];
  if (line.length === 0 || nodes.length === 0) {
    return out;
  }
  let i = 0;
  let rest = line;
  const first = nodes[0];
  if ('literal' in first) {
    if (!rest.startsWith(first.literal)) {
      return out;
    }
    rest = rest.slice(first.literal.length);
    i = 1;
  }
  while (i < nodes.length) {
    const capture = (nodes[i] as { capture: string }).capture;
    const named = capture !== '_';
    if (i === nodes.length - 1) {
      if (named) {
        out.push(rest);
      }
      return out;
    }
    const literal = (nodes[i + 1] as { literal: string }).literal;
    i += 2;
    const at = rest.indexOf(literal);
    if (at < 0) {
      if (named) {
        out.push(rest);
      }
      return out;
    }
    if (named) {
      out.push(rest.slice(0, at));
    }
    rest = rest.slice(at + literal.length);
  }
  return out;
}

/** A pattern for the `|>` / `!>` line filters: only `<_>` captures are allowed. */
export function parseLinePattern(pattern: string): PatternNode[] {
  const nodes = tokenizePattern(pattern);
  const named = captureNames(nodes);
  if (named.length > 0) {
    throw new Error(`named captures are not allowed: found '<${named[0]}>'`);
  }
  return nodes;
}

/**
 * Does a line match a `|>` pattern (Loki's pattern.Matcher.Test)? Literals must appear in
 * order; a capture between literals must not be empty; a pattern ending with a literal must end
 * the line, one ending with `<_>` must leave text for it. An empty pattern matches empty lines.
 */
export function testLinePattern(nodes: PatternNode[], line: string): boolean {
  if (line.length === 0 || nodes.length === 0) {
    return line.length === 0 && nodes.length === 0;
  }
  let offset = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!('literal' in node)) {
      continue;
    }
    const at = line.indexOf(node.literal, offset);
    if (at < 0 || (i !== 0 && at === offset)) {
      return false;
    }
    offset = at + node.literal.length;
  }
  const endsWithCapture = 'capture' in nodes[nodes.length - 1];
  return endsWithCapture === (offset !== line.length);
}
