/**
 * A small JSON scanner for the json/unpack parsers. It keeps numbers as their source text (Loki
 * extracts `1.50` as "1.50", not "1.5") and reports fields as it goes, so fields before a syntax
 * error are still extracted, as with Loki's jsonparser.
 */
import type { JsonPath } from './jsonPath';

export class JsonSyntaxError extends Error {}

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

/** Receives scalar fields of nested objects: the object keys leading to it, its key, its value. */
export type FieldVisitor = (parents: string[], key: string, type: JsonType, value: string) => void;

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = [
  ['true', 'boolean'],
  ['false', 'boolean'],
  ['null', 'null'],
] as const;

const CONTROL_CHARS = /[\u0000-\u001f]/g;

/**
 * Decodes a double-quoted literal with JSON escapes (quotes included); undefined when an escape
 * is invalid. Raw control characters (tabs in hand-written lines) are tolerated, as Go's
 * decoders do.
 */
export function decodeQuoted(raw: string): string | undefined {
  if (raw.indexOf('\\') < 0) {
    return raw.slice(1, -1);
  }
  try {
    return JSON.parse(
      raw.replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    ) as string;
  } catch {
    return undefined;
  }
}

/** A JSON string value as Loki extracts it: "" when an escape is invalid, U+FFFD as a space. */
export function unescapeJsonString(raw: string): string {
  const value = decodeQuoted(raw) ?? '';
  return value.indexOf('\ufffd') < 0 ? value : value.replace(/\ufffd/g, ' ');
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) {
      c = s.charCodeAt(++this.pos);
    }
  }

  expect(ch: string): void {
    this.ws();
    if (this.s[this.pos] !== ch) {
      this.fail(this.pos >= this.s.length ? `unexpected end of JSON, expecting '${ch}'` : `expecting '${ch}'`);
    }
    this.pos++;
  }

  /** Raw string literal at pos, quotes included. */
  string(): string {
    const s = this.s;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const q = s.indexOf('"', i);
      if (q < 0) {
        this.pos = s.length;
        this.fail('unterminated string');
      }
      let backslashes = 0;
      for (let j = q - 1; j > start && s[j] === '\\'; j--) {
        backslashes++;
      }
      if (backslashes % 2 === 0) {
        this.pos = q + 1;
        return s.slice(start, q + 1);
      }
      i = q + 1;
    }
  }

  /** The next value: its type and raw text. */
  value(): { type: JsonType; raw: string } {
    this.ws();
    const s = this.s;
    const start = this.pos;
    const c = s[start];
    if (c === '"') {
      return { type: 'string', raw: this.string() };
    }
    if (c === '{' || c === '[') {
      this.skipContainer();
      return { type: c === '{' ? 'object' : 'array', raw: s.slice(start, this.pos) };
    }
    for (const [word, type] of LITERALS) {
      if (s.startsWith(word, start)) {
        this.pos += word.length;
        return { type, raw: word };
      }
    }
    NUMBER.lastIndex = start;
    if (NUMBER.test(s)) {
      this.pos = NUMBER.lastIndex;
      return { type: 'number', raw: s.slice(start, this.pos) };
    }
    return this.fail(start >= s.length ? 'unexpected end of JSON' : `unexpected character '${c}'`);
  }

  skipContainer(): void {
    const s = this.s;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          this.pos++;
          return;
        }
      }
      this.pos++;
    }
    this.fail('unterminated object or array');
  }

  /** Iterates an object's members; the callback must consume the value. pos is after '{'. */
  members(onMember: (key: string) => void): void {
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') {
        this.fail('expecting an object key');
      }
      const key = this.string().slice(1, -1);
      this.expect(':');
      onMember(key);
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') {
        return;
      }
      if (c !== ',') {
        this.pos--;
        this.fail("expecting ',' or '}'");
      }
    }
  }

  /** Iterates an array's elements; the callback must consume the value. pos is after '['. */
  elements(onElement: (index: number) => void): void {
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      onElement(i);
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') {
        return;
      }
      if (c !== ',') {
        this.pos--;
        this.fail("expecting ',' or ']'");
      }
    }
  }
}

/**
 * Number tokens whose JavaScript rendering differs from their JSON text ("1.50", "1e3", "-0",
 * "0.0000001", 16+ digits). Lines without them can go through the native JSON.parse and still
 * give Loki's number text; the pattern may over-match (inside strings), never under-match.
 */
const NUMBER_TEXT_MATTERS = /[:,[]\s*(?:-?\d+(?:\.\d*0(?!\d)|(?:\.\d+)?[eE]|(?:\.?\d){15})|-0(?![\d.])|-?0\.0{6})/;

/** The line as a parsed JSON value when the native parser gives exact results, else undefined. */
export function parseJsonExactly(line: string): unknown {
  if (NUMBER_TEXT_MATTERS.test(line)) {
    return undefined;
  }
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined; // the scanner reports the error (and the fields before it)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects nested deeper than this are a parse error (bounds recursion on hostile lines). */
const MAX_DEPTH = 64;

function tooDeep(): never {
  throw new JsonSyntaxError(`objects nested deeper than ${MAX_DEPTH} levels`);
}

function visitParsed(obj: Record<string, unknown>, parents: string[], visit: FieldVisitor): void {
  if (parents.length >= MAX_DEPTH) {
    tooDeep();
  }
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    switch (typeof v) {
      case 'string':
        visit(parents, key, 'string', v.indexOf('\ufffd') < 0 ? v : v.replace(/\ufffd/g, ' '));
        break;
      case 'number':
        visit(parents, key, 'number', String(v));
        break;
      case 'boolean':
        visit(parents, key, 'boolean', v ? 'true' : 'false');
        break;
      case 'object':
        if (isObject(v)) {
          visitParsed(v, [...parents, key], visit);
        }
        break;
    }
  }
}

/**
 * Visits every string/number/boolean field of the top-level object, descending into nested
 * objects (arrays and nulls are skipped, as Loki does). Throws JsonSyntaxError when the text is
 * not an object; fields visited before the error stay visited.
 *
 * Well-formed lines go through the native JSON.parse (fast); there, a duplicated key yields its
 * last value (Loki keeps the first) and escaped keys are decoded (Loki keeps them raw).
 */
export function visitJsonFields(line: string, visit: FieldVisitor): void {
  const parsed = parseJsonExactly(line);
  if (isObject(parsed)) {
    visitParsed(parsed, [], visit);
    return;
  }
  const sc = new Scanner(line);
  sc.expect('{');
  const walk = (parents: string[]): void => {
    if (parents.length >= MAX_DEPTH) {
      tooDeep();
    }
    sc.members((key) => {
      sc.ws();
      if (sc.s[sc.pos] === '{') {
        sc.pos++;
        walk([...parents, key]);
        return;
      }
      const { type, raw } = sc.value();
      if (type === 'string') {
        visit(parents, key, type, unescapeJsonString(raw));
      } else if (type === 'number' || type === 'boolean') {
        visit(parents, key, type, raw);
      }
    });
  };
  walk([]);
}

/**
 * The value at `path` (Loki's json expression semantics): strings decoded, numbers/booleans as
 * text, objects and arrays as their JSON text, null as "". Undefined when the path is absent.
 */
export function jsonValueAt(line: string, path: JsonPath): string | undefined {
  const sc = new Scanner(line);
  let result: string | undefined;
  const found = Symbol('found');
  const descend = (depth: number): void => {
    const { type, raw } = depth === path.length ? sc.value() : peekContainer();
    if (depth === path.length) {
      result = type === 'string' ? unescapeJsonString(raw) : type === 'null' ? '' : raw;
      throw found; // stop scanning: later syntax errors do not concern this path
    }
    const step = path[depth];
    const onValue = (matches: boolean): void => {
      if (matches) {
        descend(depth + 1);
      } else {
        sc.value();
      }
    };
    if (type === 'object') {
      sc.members((key) => onValue(key === step));
    } else if (type === 'array') {
      sc.elements((index) => onValue(index === step));
    }
  };
  /** Enters the container at pos (consuming its opening bracket) or skips a scalar. */
  const peekContainer = (): { type: JsonType; raw: string } => {
    sc.ws();
    const c = sc.s[sc.pos];
    if (c === '{' || c === '[') {
      sc.pos++;
      return { type: c === '{' ? 'object' : 'array', raw: '' };
    }
    return sc.value();
  };
  try {
    descend(0);
  } catch (e) {
    if (e !== found) {
      throw e;
    }
  }
  return result;
}

/**
 * Visits the top-level members of an object (unpack): type and raw text of each value.
 * Throws JsonSyntaxError when the text is not an object.
 */
export function visitTopLevelMembers(line: string, visit: (key: string, type: JsonType, raw: string) => void): void {
  const sc = new Scanner(line);
  sc.expect('{');
  sc.members((key) => {
    const { type, raw } = sc.value();
    visit(key, type, raw);
  });
}
