/**
 * Parser stages (json, logfmt, regexp, pattern, unpack) with Loki's rules (pkg/logql/log/parser.go):
 * - extracted names are sanitised: every character outside [A-Za-z0-9_] becomes `_`, a leading
 *   digit gets a `_` prefix, surrounding spaces are trimmed;
 * - a name that is already a stream label or structured-metadata field gets the `_extracted` suffix;
 * - a name an earlier parser already extracted for this record is not overwritten;
 * - parse errors set `__error__` (JSONParserErr, LogfmtParserErr) and keep the record.
 */
import type { ExtractionParam, ParserStage } from '../ast';
import { compileRegex } from '../regex';
import { parseJsonPath, type JsonPath } from './jsonPath';
import {
  jsonValueAt,
  JsonSyntaxError,
  parseJsonExactly,
  unescapeJsonString,
  visitJsonFields,
  visitTopLevelMembers,
} from './jsonScan';
import { scanLogfmt } from './logfmt';
import { captureNames, matchPattern, parsePattern } from './pattern';
import type { LineState } from './state';

export const JSON_PARSER_ERR = 'JSONParserErr';
export const LOGFMT_PARSER_ERR = 'LogfmtParserErr';
const DUPLICATE_SUFFIX = '_extracted';

export type StageFn = (state: LineState) => boolean;

/** Loki's sanitizeLabelKey. */
export function sanitizeLabelName(key: string): string {
  const trimmed = key.trim();
  if (trimmed === '') {
    return '';
  }
  const prefixed = trimmed.charCodeAt(0) >= 48 && trimmed.charCodeAt(0) <= 57 ? '_' + trimmed : trimmed;
  return /^[A-Za-z0-9_]*$/.test(prefixed) ? prefixed : prefixed.replace(/[^A-Za-z0-9_]/gu, '_');
}

/** Memoises per-pipeline name computations; bounded so lines with random keys cannot grow it. */
class NameCache {
  private readonly map = new Map<string, string>();
  get(key: string, compute: () => string): string {
    let v = this.map.get(key);
    if (v === undefined) {
      v = compute();
      if (this.map.size > 10_000) {
        this.map.clear();
      }
      this.map.set(key, v);
    }
    return v;
  }
}

/** Sets an extracted label under Loki's naming rules; `name` is already sanitised. */
function extract(state: LineState, name: string, value: string): void {
  const key = state.baseHas(name) ? name + DUPLICATE_SUFFIX : name;
  if (!state.wasExtracted(key)) {
    state.set(key, value);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function compileParser(stage: ParserStage): StageFn {
  switch (stage.kind) {
    case 'json':
      return stage.params.length ? jsonWithParams(stage.params) : jsonAll();
    case 'logfmt':
      return stage.params.length
        ? logfmtWithParams(stage.params, stage.strict)
        : logfmtAll(stage.strict, stage.keepEmpty);
    case 'regexp':
      return regexpParser(stage.pattern);
    case 'pattern':
      return patternParser(stage.pattern);
    case 'unpack':
      return unpack();
  }
}

/**
 * `| json`: every string/number/boolean field; nested objects flatten with `_`
 * (`{"a":{"b":1}}` → `a_b="1"`); arrays and nulls are skipped; numbers keep their text.
 */
function jsonAll(): StageFn {
  const names = new NameCache();
  const nameOf = (parents: string[], key: string): string => {
    const parts = [...parents, key].map((p) => p.trim()).filter((p) => p !== '');
    return parts.length === 0 ? '' : sanitizeLabelName(parts.join('_'));
  };
  return (state) => {
    try {
      visitJsonFields(state.line, (parents, key, _type, value) => {
        const name =
          parents.length === 0
            ? names.get(key, () => sanitizeLabelName(key))
            : names.get(parents.join('\u0000') + '\u0000' + key, () => nameOf(parents, key));
        if (name === '') {
          return;
        }
        if (parents.length > 0 && state.baseHas(name)) {
          // Nested conflicts suffix the last key: a_b_extracted.
          const suffixed = nameOf(parents, key + DUPLICATE_SUFFIX);
          if (!state.wasExtracted(suffixed)) {
            state.set(suffixed, value);
          }
          return;
        }
        extract(state, name, value);
      });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) {
        throw e;
      }
      state.setError(JSON_PARSER_ERR, e.message);
    }
    return true;
  };
}

/**
 * `| json a="b.c", d="e[0]"`: each expression's value (objects/arrays as JSON text); a label
 * whose path is absent is set to "" unless it already exists.
 */
function jsonWithParams(params: ExtractionParam[]): StageFn {
  const compiled = params.map((p) => ({ label: p.label, path: parseJsonPath(p.expression) }));
  return (state) => {
    const line = state.line;
    if (line === '') {
      return true;
    }
    const first = line[0];
    if (first !== '{' && first !== '[' && first !== '"') {
      state.setError(JSON_PARSER_ERR);
      return true;
    }
    const parsed = parseJsonExactly(line);
    for (const { label, path } of compiled) {
      const found = parsed === undefined ? undefined : scalarAt(parsed, path);
      let value = found === ABSENT ? undefined : found;
      if (found === undefined) {
        // Absent, an object/array (Loki returns its source text) or a line needing the scanner.
        try {
          value = jsonValueAt(line, path);
        } catch (e) {
          if (!(e instanceof JsonSyntaxError)) {
            throw e;
          }
          state.setError(JSON_PARSER_ERR, e.message);
        }
      }
      if (value !== undefined) {
        state.set(state.baseHas(label) ? label + DUPLICATE_SUFFIX : label, value);
      } else if (state.get(label) === undefined) {
        state.set(label, '');
      }
    }
    return true;
  };
}

const ABSENT = Symbol('absent');

/**
 * A string/number/boolean/null at `path` of a parsed value, as Loki renders it; ABSENT when the
 * path does not exist; undefined for objects and arrays (their source text needs the scanner).
 */
function scalarAt(root: unknown, path: JsonPath): string | typeof ABSENT | undefined {
  let v = root;
  for (const step of path) {
    if (typeof step === 'number' ? !Array.isArray(v) : typeof v !== 'object' || v === null || Array.isArray(v)) {
      return ABSENT;
    }
    const container = v as Record<string | number, unknown>;
    if (!Object.hasOwn(container, step)) {
      return ABSENT;
    }
    v = container[step];
  }
  switch (typeof v) {
    case 'string':
      return v.indexOf('\ufffd') < 0 ? v : v.replace(/\ufffd/g, ' ');
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? '' : undefined;
  }
}

/** U+FFFD (invalid UTF-8 in the source) becomes a space in logfmt values, as in Loki. */
function cleanLogfmtValue(value: string): string {
  return value.indexOf('\ufffd') < 0 ? value : value.replace(/\ufffd/g, ' ');
}

/**
 * `| logfmt [--strict] [--keep-empty]`: every key=value pair. Without --strict, malformed pairs
 * are skipped silently; with it, scanning stops at the first error and sets LogfmtParserErr.
 * Empty values (`a=` or a bare `a`) are dropped unless --keep-empty.
 */
function logfmtAll(strict: boolean, keepEmpty: boolean): StageFn {
  const names = new NameCache();
  return (state) => {
    const error = scanLogfmt(state.line, strict, (key, value) => {
      const name = names.get(key, () => sanitizeLabelName(key));
      if (name === '' || (!keepEmpty && value === '')) {
        return;
      }
      extract(state, name, cleanLogfmtValue(value));
    });
    if (strict && error) {
      state.setError(LOGFMT_PARSER_ERR, error);
    }
    return true;
  };
}

/** `| logfmt a, b="c"`: only the named keys, renamed; each label exists ("" when absent). */
function logfmtWithParams(params: ExtractionParam[], strict: boolean): StageFn {
  const byKey = new Map<string, string[]>();
  for (const p of params) {
    byKey.set(p.expression, [...(byKey.get(p.expression) ?? []), p.label]);
  }
  return (state) => {
    for (const p of params) {
      if (!state.baseHas(p.label)) {
        state.set(p.label, '');
      }
    }
    const error = scanLogfmt(state.line, strict, (key, value) => {
      const labels = byKey.get(sanitizeLabelName(key));
      if (!labels) {
        return;
      }
      // Values with invalid UTF-8 are dropped (Loki sets them empty).
      const clean = value.indexOf('\ufffd') < 0 ? value : '';
      for (const label of labels) {
        state.set(state.baseHas(label) ? label + DUPLICATE_SUFFIX : label, clean);
      }
    });
    if (strict && error) {
      state.setError(LOGFMT_PARSER_ERR, error);
    }
    return true;
  };
}

/** `| regexp "(?P<name>...)"`: named groups of the first match; no match extracts nothing. */
function regexpParser(pattern: string): StageFn {
  const re = compileRegex(pattern);
  const groups = Object.entries(re.namedGroups())
    .map(([name, index]) => ({ name: sanitizeLabelName(name), index }))
    .filter((g) => g.name !== '');
  return (state) => {
    const m = re.matcher(state.line);
    if (!m.find()) {
      return true;
    }
    for (const g of groups) {
      extract(state, g.name, m.group(g.index) ?? '');
    }
    return true;
  };
}

/** `| pattern "<ip> - <_> <msg>"` (see pattern.ts for the matching rules). */
function patternParser(pattern: string): StageFn {
  const nodes = parsePattern(pattern);
  const names = captureNames(nodes);
  return (state) => {
    const values = matchPattern(nodes, state.line);
    values.forEach((value, i) => extract(state, names[i], value));
    return true;
  };
}

/**
 * `| unpack`: Promtail's packed entries. Top-level string fields become labels and `_entry`
 * replaces the line — only when the line has an `_entry` field (otherwise nothing changes).
 */
function unpack(): StageFn {
  const names = new NameCache();
  return (state) => {
    const line = state.line;
    if (line === '') {
      return true;
    }
    if (line[0] !== '{') {
      state.setError(JSON_PARSER_ERR, 'expecting json object(6), but it is not');
      return true;
    }
    let entry: string | undefined;
    const found: Array<[string, string]> = [];
    try {
      visitTopLevelMembers(line, (key, type, raw) => {
        if (type !== 'string') {
          return;
        }
        if (key === '_entry') {
          entry = unescapeJsonString(raw);
          return;
        }
        const name = state.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
        if (!state.wasExtracted(name)) {
          found.push([names.get(name, () => sanitizeLabelName(name)), unescapeJsonString(raw)]);
        }
      });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) {
        throw e;
      }
      state.setError(JSON_PARSER_ERR, errorText(e));
      return true;
    }
    if (entry !== undefined) {
      for (const [name, value] of found) {
        state.set(name, value);
      }
      state.line = entry;
    }
    return true;
  };
}
