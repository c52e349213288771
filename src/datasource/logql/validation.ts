/**
 * Where a query is wrong, before it runs (the grammar) and after (the engine's message), as
 * offsets into the text the user sees.
 */
import { parseLogQLSyntax } from '../../shared/logqlSyntax';
import { maskVariables } from './variables';

export interface QueryProblem {
  /** 0-based offsets; `to` > `from` so an editor can underline something. */
  from: number;
  to: number;
  message: string;
}

/** The first syntax problem of `text`, or none for a valid or empty text. */
export function syntaxProblems(text: string): QueryProblem[] {
  if (text.trim() === '') {
    return [];
  }
  const { problem } = parseLogQLSyntax(maskVariables(text));
  return problem ? [underlined(text, problem.offset, problem.message)] : [];
}

// The engine's LogQLSyntaxError, worded as Loki words its parse errors.
const ENGINE_POSITION = /parse error at line (\d+), col (\d+): (.*)/s;

/**
 * The position an engine error names in `text`, or none. The engine parsed the text after
 * Grafana's variables and macros were replaced, so only a position before the first `$` is
 * certainly the same in what the user sees.
 */
export function engineErrorProblem(errorMessage: string, text: string): QueryProblem | undefined {
  const match = ENGINE_POSITION.exec(errorMessage);
  if (!match) {
    return undefined;
  }
  const lines = text.split('\n');
  const line = Number(match[1]);
  const column = Number(match[2]);
  if (line < 1 || line > lines.length || column < 1 || column > lines[line - 1].length + 1) {
    return undefined;
  }
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  const firstVariable = text.indexOf('$');
  if (firstVariable >= 0 && offset >= firstVariable) {
    return undefined;
  }
  return underlined(text, offset, match[3].trim());
}

/** The token at `offset` (at least one character, or the last one at the end of the text). */
function underlined(text: string, offset: number, message: string): QueryProblem {
  const token = /^(?:[\w.$]+|"(?:[^"\\\n]|\\.)*"?|`[^`]*`?|\S)/.exec(text.slice(offset));
  if (token) {
    return { from: offset, to: offset + token[0].length, message };
  }
  const from = Math.max(0, Math.min(offset, text.length) - 1);
  return { from, to: Math.max(from + 1, text.length), message };
}
