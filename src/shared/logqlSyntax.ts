/**
 * The first syntax error of a LogQL text, as the engine reports it and as the query editor marks
 * it before the query runs: one definition, so the editor never flags what the engine accepts.
 * Built on @grafana/lezer-logql (the grammar Grafana's Loki editor uses).
 */
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode, Tree } from '@lezer/common';

export interface LogQLSyntaxProblem {
  /** 0-based offset into the text. */
  offset: number;
  message: string;
}

/** Deeper nesting than any real query; bounds the recursion of a tree walk. */
export const MAX_NESTING = 256;

export type LogQLSyntax = { tree: Tree; problem?: undefined } | { tree?: undefined; problem: LogQLSyntaxProblem };

/** The text's lezer tree, or its first problem (lexical, then grammatical). */
export function parseLogQLSyntax(text: string): LogQLSyntax {
  const lexical = lexicalProblem(text);
  if (lexical) {
    return { problem: lexical };
  }
  if (text.trim() === '') {
    return { problem: { offset: 0, message: 'syntax error: unexpected end of input' } };
  }
  const tree = parser.parse(text);
  const error = firstErrorNode(tree.topNode);
  if (error) {
    const token = /^\s*([A-Za-z_][\w]*|\d[\w.]*|"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s\w])/.exec(text.slice(error.from));
    const offset = error.from + (token ? token[0].length - token[1].length : 0);
    return { problem: { offset, message: `syntax error: unexpected ${token ? `"${token[1]}"` : 'end of input'}` } };
  }
  if (!tree.topNode.getChild('Expr')) {
    return { problem: { offset: 0, message: 'syntax error: unexpected end of input' } };
  }
  return { tree };
}

/**
 * A lexical pre-pass: lezer recovers from an unterminated string silently far away, so report
 * it at its start; and reject absurd nesting before a recursive tree walk sees it.
 */
function lexicalProblem(text: string): LogQLSyntaxProblem | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '(' && ++depth > MAX_NESTING) {
      return { offset: i, message: `syntax error: parentheses nested deeper than ${MAX_NESTING} levels` };
    } else if (c === ')') {
      depth--;
    } else if (c === '"' || c === '`') {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === '\\') {
          i++;
        } else if (c === '"' && text[i] === '\n') {
          break;
        }
      }
      if (i >= text.length || text[i] !== c) {
        return { offset: start, message: 'syntax error: unterminated string' };
      }
    }
  }
  return undefined;
}

function firstErrorNode(top: SyntaxNode): SyntaxNode | undefined {
  const cursor = top.cursor();
  do {
    if (cursor.type.isError && !isGrammarGap(cursor.node)) {
      return cursor.node;
    }
  } while (cursor.next());
  return undefined;
}

/**
 * Error nodes that stand for valid LogQL the lezer grammar lacks: juxtaposed label filters
 * (`| a="b" c="d"`, an empty error node between them) and `offset` after a pipeline followed by
 * unwrap (`{...} | json | unwrap x [1m] offset 5m`, two error nodes after the range).
 */
export function isGrammarGap(node: SyntaxNode): boolean {
  const prev = node.prevSibling;
  if (node.from === node.to && node.parent?.name === 'LabelFilter') {
    return prev?.name === 'LabelFilter' && node.nextSibling?.name === 'LabelFilter';
  }
  if (node.parent?.name === 'RangeAggregationExpr') {
    return (
      (node.firstChild?.name === 'Offset' && prev?.name === 'LogRangeExpr' && !!prev.getChild('UnwrapExpr')) ||
      (!!prev?.type.isError && prev.firstChild?.name === 'Offset')
    );
  }
  return false;
}
