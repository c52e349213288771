/**
 * Parser for the subset of Go's text/template that Loki's `line_format` / `label_format` use:
 * text, `{{ pipeline }}` actions with `{{-`/`-}}` trimming, comments, `if`/`else if`/`else`/`end`,
 * `with`, variables (`$x := ...`, `$`), fields (`.a`, `.a.b`, `(pipeline).a`), string/raw/number/
 * bool/nil literals, function calls and `|` pipelines. `range`/`define`/`template`/`block` are not
 * supported and fail at parse time, as do unknown functions.
 */
import { unquoteGoString } from '../syntax/strings';

export class TemplateParseError extends Error {}

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: Pipeline }
  | { type: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] };

export interface Pipeline {
  /** `$x := ...` declares, `$x = ...` assigns. */
  variable?: { name: string; declare: boolean };
  commands: Command[];
}

/** A command: a function call (`fn` with args), or a single operand. */
export type Command = { type: 'call'; name: string; args: Operand[] } | { type: 'operand'; operand: Operand };

export type Operand =
  | { type: 'field'; base: 'dot' | { variable: string } | { pipe: Pipeline }; path: string[] }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number | bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'pipe'; pipe: Pipeline }
  | { type: 'function'; name: string };

type Token =
  | { t: 'ident' | 'field' | 'variable' | 'string' | 'number' | 'char'; v: string }
  | { t: '|' | '(' | ')' | ':=' | '=' | ',' | 'end' };

/** Splits the template into text and the token lists of actions. */
function split(src: string): Array<{ text: string } | { tokens: Token[]; at: number }> {
  const out: Array<{ text: string } | { tokens: Token[]; at: number }> = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) {
      text = text.replace(/^\s+/, '');
    }
    if (open < 0) {
      out.push({ text });
      break;
    }
    let start = open + 2;
    if (/^-\s/.test(src.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    out.push({ text });
    if (src.startsWith('/*', src.slice(start).search(/\S/) + start)) {
      const close = src.indexOf('*/', start);
      const end = close < 0 ? -1 : src.indexOf('}}', close);
      if (end < 0) {
        throw new TemplateParseError('unclosed comment');
      }
      trimNext = /\s-$/.test(src.slice(close + 2, end));
      pos = end + 2;
      continue;
    }
    const { tokens, end, trim } = lexAction(src, start);
    trimNext = trim;
    out.push({ tokens, at: open });
    pos = end;
  }
  return out;
}

function lexAction(src: string, start: number): { tokens: Token[]; end: number; trim: boolean } {
  const tokens: Token[] = [];
  let i = start;
  const rx = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(src);
    return m ? m[0] : undefined;
  };
  for (;;) {
    while (i < src.length && /\s/.test(src[i])) {
      if (src[i] === '-') {
        break;
      }
      i++;
    }
    if (i >= src.length) {
      throw new TemplateParseError('unclosed action');
    }
    if (src.startsWith('}}', i)) {
      return { tokens, end: i + 2, trim: false };
    }
    if (src.startsWith('-}}', i) && /\s/.test(src[i - 1])) {
      return { tokens, end: i + 3, trim: true };
    }
    const c = src[i];
    let m: string | undefined;
    if ('|(),'.includes(c)) {
      tokens.push({ t: c as '|' | '(' | ')' | ',' });
      i++;
    } else if (src.startsWith(':=', i)) {
      tokens.push({ t: ':=' });
      i += 2;
    } else if (c === '=') {
      tokens.push({ t: '=' });
      i++;
    } else if (c === '"' || c === '`') {
      m = rx(c === '"' ? /"(?:[^"\\\n]|\\.)*"/y : /`[^`]*`/y);
      if (!m) {
        throw new TemplateParseError('unterminated quoted string');
      }
      tokens.push({ t: 'string', v: m });
      i += m.length;
    } else if (c === "'") {
      m = rx(/'(?:[^'\\]|\\.[^']*)'/y);
      if (!m) {
        throw new TemplateParseError('unterminated character constant');
      }
      tokens.push({ t: 'char', v: m });
      i += m.length;
    } else if (
      (m = rx(/[-+]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/y)) &&
      !(c === '.' && !/\d/.test(src[i + 1]))
    ) {
      tokens.push({ t: 'number', v: m });
      i += m.length;
    } else if ((m = rx(/(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y))) {
      tokens.push({ t: 'field', v: m });
      i += m.length;
    } else if (c === '.') {
      tokens.push({ t: 'field', v: '' });
      i++;
    } else if ((m = rx(/\$[A-Za-z0-9_]*/y))) {
      tokens.push({ t: 'variable', v: m });
      i += m.length;
    } else if ((m = rx(/[A-Za-z_][A-Za-z0-9_]*/y))) {
      tokens.push({ t: 'ident', v: m });
      i += m.length;
    } else {
      throw new TemplateParseError(`unexpected "${c}" in command`);
    }
  }
}

const UNSUPPORTED_KEYWORDS = new Set(['range', 'define', 'template', 'block', 'break', 'continue']);

/** Parses a template; `isFunction` decides which identifiers are known functions. */
export function parseTemplateNodes(src: string, isFunction: (name: string) => boolean): Node[] {
  const parts = split(src);
  let index = 0;

  const parseList = (terminators: string[]): { nodes: Node[]; ended: string; endTokens: Token[] } => {
    const nodes: Node[] = [];
    while (index < parts.length) {
      const part = parts[index++];
      if ('text' in part) {
        if (part.text) {
          nodes.push({ type: 'text', text: part.text });
        }
        continue;
      }
      const tokens = part.tokens;
      const head = tokens[0];
      const keyword = head && head.t === 'ident' ? head.v : undefined;
      if (keyword && terminators.includes(keyword)) {
        return { nodes, ended: keyword, endTokens: tokens.slice(1) };
      }
      if (keyword === 'end' || keyword === 'else') {
        throw new TemplateParseError(`unexpected {{${keyword}}}`);
      }
      if (keyword === 'if' || keyword === 'with') {
        nodes.push(parseBranch(keyword, tokens.slice(1)));
      } else if (keyword && UNSUPPORTED_KEYWORDS.has(keyword)) {
        throw new TemplateParseError(`{{${keyword}}} is not supported`);
      } else {
        if (tokens.length === 0) {
          throw new TemplateParseError('missing value for command');
        }
        nodes.push({ type: 'action', pipe: parsePipeline(tokens) });
      }
    }
    if (terminators.length) {
      throw new TemplateParseError('unexpected EOF: missing {{end}}');
    }
    return { nodes, ended: '', endTokens: [] };
  };

  const parseBranch = (kind: 'if' | 'with', condition: Token[]): Node => {
    if (condition.length === 0) {
      throw new TemplateParseError(`missing value for ${kind}`);
    }
    const pipe = parsePipeline(condition);
    const body = parseList(['else', 'end']);
    let elseNodes: Node[] = [];
    if (body.ended === 'else') {
      const rest = body.endTokens;
      if (rest.length && rest[0].t === 'ident' && (rest[0].v === 'if' || rest[0].v === 'with')) {
        // `else if`: a nested branch sharing this one's {{end}}
        elseNodes = [parseBranch(rest[0].v as 'if' | 'with', rest.slice(1))];
      } else {
        elseNodes = parseList(['end']).nodes;
      }
    }
    return { type: kind, pipe, then: body.nodes, else: elseNodes };
  };

  const parsePipeline = (tokens: Token[]): Pipeline => {
    let pos = 0;
    const pipe: Pipeline = { commands: [] };
    if (tokens.length >= 2 && tokens[0].t === 'variable' && (tokens[1].t === ':=' || tokens[1].t === '=')) {
      pipe.variable = { name: tokens[0].v, declare: tokens[1].t === ':=' };
      pos = 2;
    }
    const operand = (): Operand | undefined => {
      const tok = tokens[pos];
      if (!tok) {
        return undefined;
      }
      let result: Operand;
      switch (tok.t) {
        case 'field':
          pos++;
          return { type: 'field', base: 'dot', path: tok.v.split('.').slice(1) };
        case 'variable': {
          pos++;
          const next = tokens[pos];
          if (next?.t === 'field' && next.v) {
            pos++;
            return { type: 'field', base: { variable: tok.v }, path: next.v.split('.').slice(1) };
          }
          return { type: 'field', base: { variable: tok.v }, path: [] };
        }
        case 'string':
          pos++;
          try {
            return { type: 'string', value: unquoteGoString(tok.v) };
          } catch (e) {
            throw new TemplateParseError((e as Error).message);
          }
        case 'char': {
          pos++;
          const ch = unquoteGoString(`"${tok.v.slice(1, -1).replace(/"/g, '\\"')}"`);
          return { type: 'number', value: BigInt(ch.codePointAt(0) ?? 0) };
        }
        case 'number':
          pos++;
          return { type: 'number', value: numberConstant(tok.v) };
        case 'ident':
          pos++;
          if (tok.v === 'true' || tok.v === 'false') {
            return { type: 'bool', value: tok.v === 'true' };
          }
          if (tok.v === 'nil') {
            return { type: 'nil' };
          }
          if (!isFunction(tok.v)) {
            throw new TemplateParseError(`function "${tok.v}" not defined`);
          }
          return { type: 'function', name: tok.v };
        case '(': {
          pos++;
          const depthStart = pos;
          let depth = 1;
          while (pos < tokens.length && depth > 0) {
            const t = tokens[pos++].t;
            depth += t === '(' ? 1 : t === ')' ? -1 : 0;
          }
          if (depth !== 0) {
            throw new TemplateParseError('unclosed left paren');
          }
          const inner = parsePipeline(tokens.slice(depthStart, pos - 1));
          const next = tokens[pos];
          if (next?.t === 'field' && next.v) {
            pos++;
            return { type: 'field', base: { pipe: inner }, path: next.v.split('.').slice(1) };
          }
          result = { type: 'pipe', pipe: inner };
          return result;
        }
        default:
          return undefined;
      }
    };
    for (;;) {
      const args: Operand[] = [];
      for (let op = operand(); op; op = operand()) {
        args.push(op);
      }
      if (args.length === 0) {
        throw new TemplateParseError(
          pos < tokens.length ? `unexpected "${tokenText(tokens[pos])}" in command` : 'missing value for command'
        );
      }
      const [first, ...rest] = args;
      if (first.type === 'function') {
        pipe.commands.push({ type: 'call', name: first.name, args: rest });
      } else if (rest.length) {
        throw new TemplateParseError(`can't give argument to non-function ${describe(first)}`);
      } else {
        pipe.commands.push({ type: 'operand', operand: first });
      }
      if (pos >= tokens.length) {
        return pipe;
      }
      if (tokens[pos].t !== '|') {
        throw new TemplateParseError(`unexpected "${tokenText(tokens[pos])}" in command`);
      }
      pos++;
    }
  };

  return parseList([]).nodes;
}

/** Go's untyped constants: integers become int, anything with `.eEpP` becomes float64. */
function numberConstant(text: string): number | bigint {
  const clean = text.replace(/_/g, '');
  if (/^[-+]?0[xX]/.test(clean) || !/[.eEpP]/.test(clean)) {
    try {
      return BigInt.asIntN(64, BigInt(clean.replace(/^\+/, '')));
    } catch {
      throw new TemplateParseError(`bad number syntax: "${text}"`);
    }
  }
  const value = Number(clean);
  if (Number.isNaN(value)) {
    throw new TemplateParseError(`bad number syntax: "${text}"`);
  }
  return value;
}

function tokenText(tok: Token): string {
  return 'v' in tok ? tok.v : tok.t;
}

function describe(op: Operand): string {
  switch (op.type) {
    case 'string':
      return JSON.stringify(op.value);
    case 'number':
      return String(op.value);
    case 'field':
      return op.path.length ? '.' + op.path.join('.') : '.';
    default:
      return op.type;
  }
}
