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

/** Decodes a JSON string literal (quotes included); U+FFFD becomes a space as in Loki. */
export function unescapeJsonString(raw: string): string {
  let value: string;
  if (raw.indexOf('\\') < 0) {
    value = raw.slice(1, -1);
  } else {
    try {
      value = JSON.parse(raw) as string;
    } catch {
      return '';
    }
  }
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
    for (const [word, type] of [
      ['true', 'boolean'],
      ['false', 'boolean'],
      ['null', 'null'],
    ] as const) {
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
 * Visits every string/number/boolean field of the top-level object, descending into nested
 * objects (arrays and nulls are skipped, as Loki does). Throws JsonSyntaxError when the text is
 * not an object; fields visited before the error stay visited.
 */
export function visitJsonFields(line: string, visit: FieldVisitor): void {
  const sc = new Scanner(line);
  sc.expect('{');
  const walk = (parents: string[]): void => {
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
