/**
 * Reads Kamiwaza's `env.sh` as data, never as a program: `export NAME=value` and `NAME=value`
 * lines with single and double quotes, backslash escapes, comments, and `$VAR` / `${VAR}` /
 * `${VAR:-default}` references resolved against earlier lines and then the given environment.
 * Anything the shell would have to execute (command substitution, several commands on a line)
 * or cannot parse is reported with its line number and skipped; the rest still applies.
 */
import type { EnvFileProblem } from '../../../shared/environment';

export interface EnvFileEntry {
  value: string;
  line: number;
}

export interface ParsedEnvFile {
  /** Every assignment, the last one winning, as the shell would leave them. */
  values: Map<string, EnvFileEntry>;
  problems: EnvFileProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

class LineError extends Error {}

export function parseEnvFile(text: string, env: Record<string, string | undefined>): ParsedEnvFile {
  const values = new Map<string, EnvFileEntry>();
  const problems: EnvFileProblem[] = [];
  const lookup = (name: string): string | undefined => values.get(name)?.value ?? env[name];

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    try {
      const assignment = parseLine(trimmed, lookup);
      if (assignment) {
        values.set(assignment.name, { value: assignment.value, line });
        for (const name of assignment.unset) {
          problems.push({ line, message: `$${name} is not set; it expands to an empty string` });
        }
      }
    } catch (error) {
      if (!(error instanceof LineError)) {
        throw error;
      }
      problems.push({ line, message: error.message });
    }
  });
  return { values, problems };
}

interface Assignment {
  name: string;
  value: string;
  /** References that were not set when the line was read. */
  unset: string[];
}

function parseLine(text: string, lookup: (name: string) => string | undefined): Assignment | undefined {
  let rest = text;
  const exported = /^export\s+/.exec(rest);
  if (exported) {
    rest = rest.slice(exported[0].length);
    if (/^[A-Za-z_][A-Za-z0-9_]*\s*(#.*)?$/.test(rest)) {
      return undefined; // `export NAME` marks an existing variable: no new value
    }
  }
  const name = NAME.exec(rest)?.[0];
  if (!name) {
    throw new LineError('not an assignment: expected NAME=value or export NAME=value');
  }
  rest = rest.slice(name.length);
  if (!rest.startsWith('=')) {
    throw new LineError(
      /^\s+=/.test(rest)
        ? `no spaces are allowed around "=" in ${name}=value`
        : `not an assignment: expected "=" after ${name}`
    );
  }
  const reader = new ValueReader(rest.slice(1), lookup);
  const value = reader.read();
  return { name, value, unset: reader.unset };
}

/** One shell word, with the quoting and expansion rules of POSIX sh for an assignment's value. */
class ValueReader {
  private pos = 0;
  readonly unset: string[] = [];

  constructor(
    private readonly text: string,
    private readonly lookup: (name: string) => string | undefined
  ) {}

  read(): string {
    let value = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (/\s/.test(c)) {
        this.expectEnd();
        break;
      }
      if (c === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        if (close < 0) {
          throw new LineError('unterminated single quote (values spanning lines are not supported)');
        }
        value += this.text.slice(this.pos + 1, close);
        this.pos = close + 1;
      } else if (c === '"') {
        value += this.readDoubleQuoted();
      } else if (c === '\\') {
        value += this.text[this.pos + 1] ?? '';
        this.pos += 2;
      } else if (c === '$') {
        value += this.readReference();
      } else if (c === '`') {
        throw new LineError('command substitution (`...`) is not evaluated: env.sh is read, never executed');
      } else if (';&|<>()'.includes(c)) {
        throw new LineError(`"${c}" would make the shell run more than an assignment; not read`);
      } else {
        value += c;
        this.pos++;
      }
    }
    return value;
  }

  /** After a value only a comment may follow: `A=b c` would run `c` as a command. */
  private expectEnd(): void {
    const tail = this.text.slice(this.pos).trim();
    if (tail !== '' && !tail.startsWith('#')) {
      // The rest of the line is not quoted back: it may be part of a secret.
      throw new LineError('unquoted space in the value: the shell would run the rest of the line as a command');
    }
  }

  private readDoubleQuoted(): string {
    let value = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return value;
      }
      if (c === '\\' && '"\\$`'.includes(this.text[this.pos + 1] ?? '')) {
        value += this.text[this.pos + 1];
        this.pos += 2;
      } else if (c === '$') {
        value += this.readReference();
      } else if (c === '`') {
        throw new LineError('command substitution (`...`) is not evaluated: env.sh is read, never executed');
      } else {
        value += c;
        this.pos++;
      }
    }
    throw new LineError('unterminated double quote (values spanning lines are not supported)');
  }

  /** `$NAME`, `${NAME}`, `${NAME:-default}`; `$(...)` is refused; a lone `$` is literal. */
  private readReference(): string {
    const after = this.text.slice(this.pos + 1);
    if (after.startsWith('(')) {
      throw new LineError('command substitution $(...) is not evaluated: env.sh is read, never executed');
    }
    if (after.startsWith('{')) {
      const close = after.indexOf('}');
      if (close < 0) {
        throw new LineError('unterminated ${...} reference');
      }
      const inner = after.slice(1, close);
      this.pos += close + 2;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/.exec(inner);
      if (!match) {
        throw new LineError('unsupported ${...} expansion: only ${NAME} and ${NAME:-default} are read');
      }
      const found = this.lookup(match[1]);
      if (match[2] !== undefined) {
        return found || match[2];
      }
      return this.resolve(match[1], found);
    }
    const name = NAME.exec(after)?.[0];
    if (!name) {
      this.pos++;
      return '$';
    }
    this.pos += name.length + 1;
    return this.resolve(name, this.lookup(name));
  }

  private resolve(name: string, found: string | undefined): string {
    if (found === undefined) {
      this.unset.push(name);
      return '';
    }
    return found;
  }
}
