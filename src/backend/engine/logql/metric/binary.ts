/**
 * Binary operators between scalars and vectors, following Loki's `MergeBinOp`, `vectorBinop`,
 * `vectorAnd/Or/Unless` and `resultMetric`:
 * - `/` and `%` by zero give NaN (not ±Inf as in Prometheus);
 * - a comparison without `bool` filters, keeping the vector side's value; with `bool` it yields 0/1;
 * - one-to-one matching by all labels unless `on(...)`/`ignoring(...)`; `group_left/right` for
 *   many-to-one/one-to-many, copying the `include` labels from the "one" side.
 */
import type { BinaryOp, VectorMatching } from '../ast';
import type { Labels } from '../../model';
import { dropLabels, keepLabels, labelsKey, type Sample, type SeriesTable } from './labels';

const COMPARISONS = new Set<BinaryOp>(['==', '!=', '>', '>=', '<', '<=']);
const SET_OPERATORS = new Set<BinaryOp>(['and', 'or', 'unless']);

export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

export function isSetOperator(op: BinaryOp): boolean {
  return SET_OPERATORS.has(op);
}

/** Go's math.Pow where it differs from JS: 1^y = 1 and (-1)^±Inf = 1. */
function pow(x: number, y: number): number {
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) {
    return 1;
  }
  return Math.pow(x, y);
}

/** The arithmetic result, or for comparisons 1/0. */
export function applyOperator(op: BinaryOp, left: number, right: number): number {
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? NaN : left / right;
    case '%':
      // JS `%` on floats is Go's math.Mod (result has the dividend's sign).
      return right === 0 ? NaN : left % right;
    case '^':
      return pow(left, right);
    case '==':
      return left === right ? 1 : 0;
    case '!=':
      return left !== right ? 1 : 0;
    case '>':
      return left > right ? 1 : 0;
    case '>=':
      return left >= right ? 1 : 0;
    case '<':
      return left < right ? 1 : 0;
    case '<=':
      return left <= right ? 1 : 0;
    default:
      throw new Error(`operator ${op} is not defined between scalars`);
  }
}

/**
 * One operand is a scalar: every sample is combined with it. `scalarOnLeft` keeps operand order for
 * non-commutative operators. Filtering comparisons keep the sample's own value.
 */
export function vectorScalar(
  op: BinaryOp,
  samples: readonly Sample[],
  scalar: number,
  scalarOnLeft: boolean,
  returnBool: boolean
): Sample[] {
  const out: Sample[] = [];
  for (const sample of samples) {
    const result = scalarOnLeft ? applyOperator(op, scalar, sample.value) : applyOperator(op, sample.value, scalar);
    if (isComparison(op) && !returnBool) {
      if (result === 1) {
        out.push(sample);
      }
    } else {
      out.push({ series: sample.series, value: result });
    }
  }
  return out;
}

function signature(labels: Labels, matching: VectorMatching | undefined): string {
  if (!matching) {
    return labelsKey(labels);
  }
  return labelsKey(matching.mode === 'on' ? keepLabels(labels, matching.labels) : dropLabels(labels, matching.labels));
}

function setOperation(
  op: BinaryOp,
  left: readonly Sample[],
  right: readonly Sample[],
  matching: VectorMatching | undefined
): Sample[] {
  const rightSigs = new Set(right.map((s) => signature(s.series.labels, matching)));
  switch (op) {
    case 'and':
      return left.length === 0 || right.length === 0
        ? []
        : left.filter((s) => rightSigs.has(signature(s.series.labels, matching)));
    case 'unless':
      return left.length === 0 || right.length === 0
        ? [...left]
        : left.filter((s) => !rightSigs.has(signature(s.series.labels, matching)));
    default: {
      const leftSigs = new Set(left.map((s) => signature(s.series.labels, matching)));
      return [...left, ...right.filter((s) => !leftSigs.has(signature(s.series.labels, matching)))];
    }
  }
}

/** Labels of a matched pair: `many` is the iterated side, `one` the side looked up. */
function resultLabels(many: Labels, one: Labels, matching: VectorMatching | undefined): Labels {
  let labels = many;
  if (matching && !matching.group) {
    labels = matching.mode === 'on' ? keepLabels(many, matching.labels) : dropLabels(many, matching.labels);
  }
  if (matching?.group) {
    labels = { ...labels };
    for (const name of matching.group.include) {
      if (one[name]) {
        labels[name] = one[name];
      } else {
        delete labels[name];
      }
    }
  }
  return labels;
}

export function vectorVector(
  op: BinaryOp,
  left: readonly Sample[],
  right: readonly Sample[],
  matching: VectorMatching | undefined,
  returnBool: boolean,
  table: SeriesTable
): Sample[] {
  if (isSetOperator(op)) {
    return setOperation(op, left, right, matching);
  }
  const oneToMany = matching?.group?.side === 'right';
  const oneToOne = !matching?.group;
  // Iterate the "many" side, look up the "one" side (Loki swaps sides for group_right).
  const [manySide, oneSide] = oneToMany ? [right, left] : [left, right];
  const oneBySig = new Map<string, Sample>();
  for (const sample of oneSide) {
    const sig = signature(sample.series.labels, matching);
    if (oneBySig.has(sig)) {
      const side = oneToMany ? 'left' : 'right';
      throw new Error(
        `found duplicate series on the ${side} hand-side;many-to-many matching not allowed: matching labels must be unique on one side`
      );
    }
    oneBySig.set(sig, sample);
  }
  const matched = new Map<string, Set<string>>();
  const out: Sample[] = [];
  for (const sample of manySide) {
    const sig = signature(sample.series.labels, matching);
    const other = oneBySig.get(sig);
    if (!other) {
      continue;
    }
    const labels = resultLabels(sample.series.labels, other.series.labels, matching);
    const id = table.get(labels);
    const seen = matched.get(sig);
    if (oneToOne) {
      if (seen) {
        throw new Error('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
      matched.set(sig, new Set());
    } else if (seen?.has(id.key)) {
      throw new Error('multiple matches for labels: grouping labels must ensure unique matches');
    } else {
      (seen ?? matched.set(sig, new Set()).get(sig)!).add(id.key);
    }
    const [l, r] = oneToMany ? [other, sample] : [sample, other];
    const result = applyOperator(op, l.value, r.value);
    if (isComparison(op) && !returnBool) {
      if (result === 1) {
        out.push({ series: id, value: l.value });
      }
    } else {
      out.push({ series: id, value: result });
    }
  }
  return out;
}
