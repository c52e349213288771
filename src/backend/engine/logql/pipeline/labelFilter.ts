/** Label filters (`| status >= 400`, `| level=~"err.*" or latency > 1s`) with Loki's semantics. */
import type { CompareOp, LabelFilterExpr } from '../ast';
import { matcherTest } from '../regex';
import { goParseFloat, parseGoDuration, tryParseBytes } from '../syntax/units';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, type LineState } from './state';

export const LABEL_FILTER_ERR = 'LabelFilterErr';

export type LabelFilterFn = (state: LineState) => boolean;

const COMPARE: Record<CompareOp, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

/**
 * How a label value converts to a number (seconds for durations), or the error text Loki
 * reports when it does not. Shared by label filters and `unwrap`.
 */
export const VALUE_CONVERSIONS: Record<'number' | 'duration' | 'bytes', (v: string) => number | string> = {
  number: (v) => goParseFloat(v) ?? `strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`,
  duration: (v) => {
    const ms = parseGoDuration(v);
    return ms === undefined ? `time: invalid duration ${JSON.stringify(v)}` : ms / 1000;
  },
  bytes: (v) => tryParseBytes(v) ?? `unhandled size name: ${JSON.stringify(v)}`,
};

/**
 * Compiles a label filter. Rules (Loki's pkg/logql/log/label_filter.go):
 * - string matchers see a missing label as "", and `__error__` as the current error;
 * - numeric/duration/bytes comparisons drop the record when the label is missing, and when the
 *   value does not convert they keep it and set `__error__=LabelFilterErr` (unless an error is
 *   already set), so `| __error__=""` after them drops it;
 * - `or` evaluates its right side only when the left side fails.
 */
export function compileLabelFilter(expr: LabelFilterExpr): LabelFilterFn {
  switch (expr.kind) {
    case 'and': {
      const left = compileLabelFilter(expr.left);
      const right = compileLabelFilter(expr.right);
      return (s) => {
        const l = left(s);
        const r = right(s); // both sides run: either may set the error label, as in Loki
        return l && r;
      };
    }
    case 'or': {
      const left = compileLabelFilter(expr.left);
      const right = compileLabelFilter(expr.right);
      return (s) => left(s) || right(s);
    }
    case 'string': {
      const name = expr.matcher.name;
      const test = matcherTest(expr.matcher);
      if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL) {
        return (s) => test(s.errorForFilter(name));
      }
      return (s) => test(s.filterValue(name));
    }
    default: {
      const { name, value } = expr;
      const compare = COMPARE[expr.op];
      const convert = VALUE_CONVERSIONS[expr.kind];
      return (s) => {
        const raw = s.get(name);
        if (raw === undefined) {
          return false;
        }
        const converted = convert(raw);
        if (typeof converted === 'string') {
          if (!s.err) {
            s.setError(LABEL_FILTER_ERR, converted);
          }
          return true;
        }
        return compare(converted, value);
      };
    }
  }
}
