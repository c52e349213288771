/** The log query inside any LogQL query: itself, or the first range aggregation's (left to right). */
import type { LogExpr, MetricExpr } from '../logql/ast';
import { parseLogQL } from '../logql/parser';

export function logExprOf(query: string): LogExpr {
  const expr = parseLogQL(query);
  if (expr.kind === 'log') {
    return expr;
  }
  const found = firstLog(expr);
  if (found === undefined) {
    throw new Error('the query selects no log lines (it has no stream selector)');
  }
  return found;
}

function firstLog(expr: MetricExpr): LogExpr | undefined {
  switch (expr.kind) {
    case 'range':
      return expr.log;
    case 'vector':
      return firstLog(expr.inner);
    case 'binary':
      return firstLog(expr.left) ?? firstLog(expr.right);
    default:
      return undefined;
  }
}
