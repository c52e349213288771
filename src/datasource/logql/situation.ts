/**
 * What to complete at a cursor offset of a LogQL text: the grammar's tree of the text before the
 * cursor (@grafana/lezer-logql) says where the cursor is; the surrounding query gives the
 * selector and log query that scope label values and fields.
 */
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode, Tree } from '@lezer/common';

import { maskVariables } from './variables';

export type Situation =
  /** Start of a query, or inside a function's parentheses: functions and a selector. */
  | { kind: 'expression' }
  /** Inside `{…}` where a label name goes; `selector` holds the other complete matchers. */
  | { kind: 'labelName'; selector: string }
  /** After `name=` (or `!=`, `=~`, `!~`) inside `{…}`. */
  | { kind: 'labelValue'; label: string; selector: string; op: string; inQuotes: boolean }
  /** After a complete log expression and a space: line filters, `|` stages, a range in a range function. */
  | { kind: 'afterLogExpr'; logQuery: string; inRangeFunction: boolean }
  /** After `|`: parsers, formatting stages, and label filters on the fields `logQuery` carries. */
  | { kind: 'pipe'; logQuery: string }
  /** After `| name=` in a pipeline: values of a field. */
  | { kind: 'fieldValue'; field: string; logQuery: string; op: string; inQuotes: boolean }
  /** After `| unwrap`, `| keep`, `| drop`: field names. */
  | { kind: 'fieldName'; logQuery: string }
  /** Inside `[`. */
  | { kind: 'range' }
  /** Inside `by (` / `without (`. */
  | { kind: 'grouping'; logQuery: string }
  /** After a complete vector aggregation's operator or body: `by`, `without`. */
  | { kind: 'afterAggregation' }
  | { kind: 'none' };

const LABEL_OPS: Record<string, string> = { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' };

export function situationAt(text: string, offset: number): Situation {
  const before = maskVariables(text.slice(0, offset));
  if (before.trim() === '') {
    return { kind: 'expression' };
  }
  const tree = parser.parse(before);
  const node = tree.resolveInner(offset, -1);
  const full = maskVariables(text);
  return (
    inMatcher(node, before) ??
    inSelector(node, before) ??
    inRange(node) ??
    inGrouping(node, full, offset) ??
    inPipeline(node, before) ??
    afterComplete(tree, before) ?? { kind: 'none' }
  );
}

function ancestor(node: SyntaxNode | null, name: string, stopAt: string[] = []): SyntaxNode | null {
  for (let n = node; n; n = n.parent) {
    if (n.name === name) {
      return n;
    }
    if (stopAt.includes(n.name)) {
      return null;
    }
  }
  return null;
}

function textOf(node: SyntaxNode, text: string): string {
  return text.slice(node.from, node.to);
}

/** `name op "partial` inside a selector or a label filter. */
function inMatcher(node: SyntaxNode, text: string): Situation | null {
  const matcher = ancestor(node, 'Matcher');
  const name = matcher?.getChild('Identifier');
  if (!matcher || !name) {
    return null;
  }
  const opNode = matcher.getChildren('Eq').concat(matcher.getChildren('Neq'), matcher.getChildren('Re'), matcher.getChildren('Nre'))[0];
  const selector = ancestor(matcher, 'Selector');
  if (!opNode) {
    // A name being typed: `{sou`, `| lev`.
    return selector ? { kind: 'labelName', selector: otherMatchers(selector, matcher, text) } : pipeSituation(matcher, text);
  }
  const afterOp = text.slice(opNode.to).trimStart();
  if (afterOp.includes('"') && /"(?:[^"\\]|\\.)*"$/.test(afterOp)) {
    return { kind: 'none' }; // the value's string is closed
  }
  const value = {
    label: textOf(name, text),
    op: LABEL_OPS[opNode.name],
    inQuotes: afterOp.startsWith('"') || afterOp.startsWith('`'),
  };
  if (selector) {
    return { kind: 'labelValue', ...value, selector: otherMatchers(selector, matcher, text) };
  }
  return { kind: 'fieldValue', field: value.label, op: value.op, inQuotes: value.inQuotes, logQuery: logQueryBefore(matcher, text) };
}

/** `{` or `{a="b", ` with the cursor where a label name goes. */
function inSelector(node: SyntaxNode, text: string): Situation | null {
  const selector = ancestor(node, 'Selector');
  if (!selector || text.slice(selector.from, selector.to).trimEnd().endsWith('}')) {
    return null;
  }
  const inside = text.slice(selector.from + 1).trimEnd();
  if (inside !== '' && !inside.endsWith(',')) {
    return { kind: 'none' };
  }
  return { kind: 'labelName', selector: otherMatchers(selector, null, text) };
}

function inRange(node: SyntaxNode): Situation | null {
  const range = ancestor(node, 'Range');
  return range && !range.getChild('Duration') ? { kind: 'range' } : null;
}

function inGrouping(node: SyntaxNode, full: string, offset: number): Situation | null {
  const grouping = ancestor(node, 'Grouping');
  if (!grouping || !full.slice(grouping.from, offset).includes('(')) {
    return null;
  }
  // The aggregated log query may follow the cursor (`sum by (|) (rate({…}[5m]))`): read it from the whole text.
  const aggregation = parser.parse(full).resolveInner(offset, -1);
  const vector = ancestor(aggregation, 'VectorAggregationExpr');
  const logRange = vector && descendant(vector, 'LogRangeExpr');
  return { kind: 'grouping', logQuery: logRange ? logQueryOf(logRange, full, logRange.to) : '' };
}

function inPipeline(node: SyntaxNode, text: string): Situation | null {
  const stage = ancestor(node, 'PipelineStage') ?? ancestor(node, 'UnwrapExpr');
  if (!stage) {
    return null;
  }
  const stageText = text.slice(stage.from).trim();
  if (/^\|\s*(unwrap|keep|drop)\b/.test(stageText) && /(unwrap|keep|drop|,)\s*$/.test(stageText) && /\s$|,$/.test(text)) {
    return { kind: 'fieldName', logQuery: logQueryBefore(stage, text) };
  }
  if (stageText === '|') {
    return pipeSituation(stage, text);
  }
  return null;
}

function pipeSituation(inStage: SyntaxNode, text: string): Situation {
  return { kind: 'pipe', logQuery: logQueryBefore(inStage, text) };
}

/** After a complete expression and whitespace. */
function afterComplete(tree: Tree, text: string): Situation | null {
  if (!/\s$/.test(text)) {
    const root = tree.topNode.firstChild;
    // A word typed at the start (`cou`), or inside a function's parentheses (`sum(`, `rate(`).
    return root?.type.isError || /[(]\s*\w*$/.test(text) ? { kind: 'expression' } : null;
  }
  const last = tree.resolveInner(text.trimEnd().length, -1);
  const logNode = ancestor(last, 'LogRangeExpr') ?? ancestor(last, 'LogExpr');
  if (logNode && !logNode.getChild('Range') && !logNode.getChild('UnwrapExpr')) {
    return {
      kind: 'afterLogExpr',
      logQuery: logQueryOf(logNode, text, text.length),
      inRangeFunction: !!ancestor(logNode, 'RangeAggregationExpr'),
    };
  }
  const vector = ancestor(last, 'VectorAggregationExpr');
  if (vector && !vector.getChild('Grouping') && /^\w+\s*$|\)\s*$/.test(textOf(vector, text))) {
    return { kind: 'afterAggregation' };
  }
  return null;
}

function descendant(node: SyntaxNode, name: string): SyntaxNode | null {
  const cursor = node.cursor();
  do {
    if (cursor.name === name) {
      return cursor.node;
    }
  } while (cursor.next() && cursor.from < node.to);
  return null;
}

/** The selector's complete matchers other than `except`, as a selector text. */
function otherMatchers(selector: SyntaxNode, except: SyntaxNode | null, text: string): string {
  const matchers: string[] = [];
  const cursor = selector.cursor();
  do {
    const isComplete = cursor.name === 'Matcher' && cursor.node.getChild('String');
    if (isComplete && !(except && cursor.from === except.from)) {
      matchers.push(text.slice(cursor.from, cursor.to));
    }
  } while (cursor.next() && cursor.from < selector.to);
  return matchers.length ? `{${matchers.join(', ')}}` : '';
}

/** The log query up to the pipeline stage holding `inside`: what the fields there come from. */
function logQueryBefore(inside: SyntaxNode, text: string): string {
  const logNode = ancestor(inside, 'LogRangeExpr') ?? ancestor(inside, 'LogExpr');
  if (!logNode) {
    return '';
  }
  const stage = ancestor(inside, 'PipelineStage') ?? ancestor(inside, 'UnwrapExpr') ?? inside;
  return logQueryOf(logNode, text, stage.from);
}

/**
 * The first log query inside `text` (selector and pipeline, without range, unwrap or
 * aggregation): what decides the files and bytes a query reads. Empty when there is none.
 */
export function innerLogQuery(text: string): string {
  const masked = maskVariables(text);
  const cursor = parser.parse(masked).cursor();
  do {
    if (cursor.name === 'LogExpr' || cursor.name === 'LogRangeExpr') {
      return logQueryOf(cursor.node, text, cursor.to);
    }
  } while (cursor.next());
  return '';
}

/** Selector and complete pipeline stages of a log expression, up to `end`, without range or unwrap. */
function logQueryOf(logNode: SyntaxNode, text: string, end: number): string {
  const selector = logNode.getChild('Selector');
  if (!selector) {
    return '';
  }
  let to = selector.to;
  const cursor = logNode.cursor();
  do {
    if (cursor.name === 'PipelineStage' && cursor.to <= end && !cursor.node.getChild('⚠')) {
      to = Math.max(to, cursor.to);
    }
  } while (cursor.next() && cursor.from < logNode.to);
  return text.slice(selector.from, to);
}
