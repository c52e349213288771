/**
 * Regular expressions with RE2 semantics (re2js: linear time, so hostile patterns cannot hang the
 * process). Plain literals and literal alternations are answered with string operations instead.
 *
 * - Line filters (`|~`, `!~`) are unanchored: the pattern may match anywhere in the line.
 * - Label matchers (`=~`, `!~` in selectors, label filters, drop/keep) are anchored: the pattern
 *   must match the whole value, as in Prometheus and Loki.
 */
import { RE2JS } from 're2js';
import type { LabelMatcher } from '../model';

export class RegexError extends Error {
  constructor(pattern: string, reason: string) {
    super(`error parsing regexp: ${reason}: \`${pattern}\``);
    this.name = 'RegexError';
  }
}

/** Compiled patterns, shared by all queries; bounded so hostile query streams cannot grow it. */
const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 1000;

/** Compiles `pattern` with RE2 syntax (cached). Throws `RegexError` for invalid patterns. */
export function compileRegex(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      const reason =
        e instanceof Error ? ((e as { getDescription?: () => string }).getDescription?.() ?? e.message) : String(e);
      throw new RegexError(pattern, reason);
    }
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(pattern, re);
  }
  return re;
}

export type StringTest = (value: string) => boolean;

const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

/** The text a pattern matches when it is a plain literal (`foo`, `a\.b`), else undefined. */
export function regexLiteral(pattern: string): string | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || /[0-9A-Za-z]/.test(n)) {
        return undefined;
      }
      out += n;
      i++;
    } else if (META.has(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** `a|b|c` with literal alternatives (no groups), else undefined. */
function literalAlternatives(pattern: string): string[] | undefined {
  const literals: string[] = [];
  for (const alternative of topLevelAlternatives(pattern)) {
    const literal = regexLiteral(alternative);
    if (literal === undefined) {
      return undefined;
    }
    literals.push(literal);
  }
  return literals;
}

const CASE_INSENSITIVE_PREFIX = '(?i)';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `literal` as a JavaScript regular expression's source that matches exactly it. */
function escapeForRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The longest literal every match of `pattern` must contain, when a conservative scan can prove
 * one (no alternation, no flags); used to skip the regex engine on lines that cannot match.
 */
export function regexRequiredLiteral(pattern: string): string | undefined {
  if (pattern.includes('(?')) {
    return undefined;
  }
  let best = '';
  let run = '';
  const endRun = (): void => {
    if (run.length > best.length) {
      best = run;
    }
    run = '';
  };
  const dropLastChar = (): void => {
    const last = run.charCodeAt(run.length - 1);
    run = run.slice(0, last >= 0xdc00 && last <= 0xdfff ? -2 : -1);
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '|') {
      return undefined;
    } else if (c === '(' || c === '[') {
      endRun();
      const end = skipBracketed(pattern, i);
      if (end < 0) {
        return undefined;
      }
      // A group's content may be required too; scanning it separately is not worth it.
      i = end - 1;
    } else if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) {
        return undefined;
      }
      if (/[0-9A-Za-z]/.test(n)) {
        if (!'dDwWsSbBAz'.includes(n)) {
          return undefined;
        }
        endRun();
      } else {
        run += n;
      }
      i++;
    } else if (c === '*' || c === '?') {
      dropLastChar();
      endRun();
    } else if (c === '{') {
      const rep = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i));
      if (rep) {
        dropLastChar();
        endRun();
        i += rep[0].length - 1;
      } else {
        run += c;
      }
    } else if (c === '+') {
      endRun();
    } else if (c === '.' || c === '^' || c === '$') {
      endRun();
    } else {
      run += c;
    }
  }
  endRun();
  return best || undefined;
}

/**
 * A pattern's top-level alternatives (`a|b(c|d)` → `a`, `b(c|d)`): split at the `|` outside groups,
 * classes and escapes. A pattern with flags (`(?i)...`) is one alternative: its flags apply to all.
 */
export function topLevelAlternatives(pattern: string): string[] {
  if (pattern.startsWith('(?')) {
    return [pattern];
  }
  const alternatives: string[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (c === '(' || c === '[') {
      const end = skipBracketed(pattern, i);
      if (end < 0) {
        return [pattern];
      }
      i = end - 1;
    } else if (c === '|') {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}

/** Index just past the group or class opening at `start`, honouring escapes; -1 if unclosed. */
function skipBracketed(pattern: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']' && !(pattern[i - 1] === '[' || (pattern[i - 1] === '^' && pattern[i - 2] === '['))) {
        inClass = false;
        if (depth === 0) {
          return i + 1;
        }
      }
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  return -1;
}

/** Whether `s` contains one of `literals` (a loop: a callback would be a function made per line). */
function includesAny(s: string, literals: readonly string[]): boolean {
  for (const literal of literals) {
    if (s.includes(literal)) {
      return true;
    }
  }
  return false;
}

/** Unanchored test: does `pattern` match anywhere in the value (line filters)? */
export function unanchoredTest(pattern: string): StringTest {
  const re = compileRegex(pattern); // validates even when a fast path answers
  const alternatives = literalAlternatives(pattern);
  if (alternatives) {
    if (alternatives.length === 1) {
      const literal = alternatives[0];
      return (s) => s.includes(literal);
    }
    return (s) => includesAny(s, alternatives);
  }
  if (pattern.startsWith(CASE_INSENSITIVE_PREFIX)) {
    const literal = regexLiteral(pattern.slice(CASE_INSENSITIVE_PREFIX.length));
    if (literal !== undefined && PRINTABLE_ASCII.test(literal)) {
      // A pure literal cannot backtrack, so the native engine is safe here; the `u` flag gives
      // Unicode simple case folding like RE2's (?i) (e.g. the Kelvin sign matches "k").
      const native = new RegExp(escapeForRegExp(literal), 'iu');
      return (s) => native.test(s);
    }
  }
  const required = regexRequiredLiteral(pattern);
  if (required) {
    return (s) => s.includes(required) && re.test(s);
  }
  return (s) => re.test(s);
}

/** Anchored test: does `pattern` match the whole value (label matchers)? */
export function anchoredTest(pattern: string): StringTest {
  const re = compileRegex(pattern);
  if (pattern === '.*') {
    return (s) => !s.includes('\n');
  }
  if (pattern === '.+') {
    return (s) => s.length > 0 && !s.includes('\n');
  }
  const alternatives = literalAlternatives(pattern);
  if (alternatives) {
    if (alternatives.length === 1) {
      const literal = alternatives[0];
      return (s) => s === literal;
    }
    const set = new Set(alternatives);
    return (s) => set.has(s);
  }
  return wildcardLiteralTest(pattern) ?? ((s) => re.matches(s));
}

/**
 * Whole-value tests of a literal with `.*` before it, after it or both, case-insensitive after
 * `(?i)` (`foo.*`, `.*foo.*`, `(?i)permission denied.*`): the literal's place in the value, and no
 * newline in it (RE2's `.` is anything but one). RE2JS allocated several objects per value tested.
 * Undefined for any other pattern.
 */
function wildcardLiteralTest(pattern: string): StringTest | undefined {
  const caseless = pattern.startsWith(CASE_INSENSITIVE_PREFIX);
  let body = caseless ? pattern.slice(CASE_INSENSITIVE_PREFIX.length) : pattern;
  const before = body.startsWith('.*');
  body = before ? body.slice(2) : body;
  // `a\.*` (an escaped dot, repeated) leaves `a\`, which is no literal.
  const after = body.endsWith('.*');
  body = after ? body.slice(0, -2) : body;
  const literal = regexLiteral(body);
  if (!(before || after) || literal === undefined || literal === '' || !PRINTABLE_ASCII.test(literal)) {
    return undefined;
  }
  if (caseless) {
    // As for unanchored (?i) literals: the native engine on a literal cannot backtrack, and its
    // `u` flag folds case as RE2 does.
    const escaped = escapeForRegExp(literal);
    const native = new RegExp(before && after ? escaped : after ? `^${escaped}` : `${escaped}$`, 'iu');
    return (s) => native.test(s) && !s.includes('\n');
  }
  if (before && after) {
    return (s) => s.includes(literal) && !s.includes('\n');
  }
  return after ? (s) => s.startsWith(literal) && !s.includes('\n') : (s) => s.endsWith(literal) && !s.includes('\n');
}

/**
 * A label matcher as a value test. A missing label is the empty string, as in Prometheus:
 * `{a=""}` matches streams without `a`, `{a!="x"}` matches them too.
 */
export function matcherTest(matcher: LabelMatcher): StringTest {
  const { op, value } = matcher;
  switch (op) {
    case '=':
      return (s) => s === value;
    case '!=':
      return (s) => s !== value;
    case '=~': {
      const test = anchoredTest(value);
      return (s) => test(s);
    }
    case '!~': {
      const test = anchoredTest(value);
      return (s) => !test(s);
    }
  }
}
