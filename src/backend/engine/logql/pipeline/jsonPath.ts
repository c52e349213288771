/**
 * JSON expressions of `| json label="expr"` (Loki's jsonexpr): `a.b.c`, `a[0]`, `a["x y"]`,
 * `["a"].b`. A path is a list of object keys (strings) and array indexes (numbers).
 */
export type JsonPath = Array<string | number>;

const FIELD = /[A-Za-z_][A-Za-z0-9_]*/y;
const INDEX = /\s*(\d+)\s*\]/y;
const QUOTED = /\s*"([^"\]]*)"\s*\]/y;

export function parseJsonPath(expression: string): JsonPath {
  const path: JsonPath = [];
  let pos = 0;
  const expectField = (): void => {
    FIELD.lastIndex = pos;
    const m = FIELD.exec(expression);
    if (!m) {
      throw new Error(`unexpected character at ${pos + 1} in "${expression}"`);
    }
    path.push(m[0]);
    pos = FIELD.lastIndex;
  };
  if (expression[0] !== '[') {
    expectField();
  }
  while (pos < expression.length) {
    const c = expression[pos];
    if (c === '.') {
      pos++;
      expectField();
    } else if (c === '[') {
      pos++;
      for (const [re, isIndex] of [
        [INDEX, true],
        [QUOTED, false],
      ] as const) {
        re.lastIndex = pos;
        const m = re.exec(expression);
        if (m) {
          path.push(isIndex ? Number(m[1]) : m[1]);
          pos = re.lastIndex;
          break;
        }
      }
      if (expression[pos - 1] !== ']') {
        throw new Error(`invalid index or key at ${pos + 1} in "${expression}"`);
      }
    } else {
      throw new Error(`unexpected character "${c}" at ${pos + 1} in "${expression}"`);
    }
  }
  if (path.length === 0) {
    throw new Error('empty JSON expression');
  }
  return path;
}
