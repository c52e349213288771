/**
 * The log pipeline: compiles the stages of a log query once, then runs them per record.
 *
 * Fast path: when every stage is a line filter, a label filter or `decolorize` (no parser, no
 * line_format/label_format, no drop/keep), the pipeline never touches `record.stream` or
 * `record.metadata`: label filters read single values through `record.label(name)`. If the
 * caller also passes `outputLabels`, the result labels are read the same way, so a surviving
 * record's label maps are never materialised either; without `outputLabels` the full label set
 * of surviving records is built from `record.stream` + `record.metadata`.
 * Otherwise `record.stream` and `record.metadata` are read once per record.
 */
import type { Grouping, LabelFilterExpr, LogExpr, Stage, Unwrap } from '../ast';
import type { Labels, LogRecord, ScanRequest } from '../../model';
import { DETECTED_LEVELS } from '../../readers/level';
import { matcherTest, regexRequiredLiteral, topLevelAlternatives } from '../regex';
import { compileLabelFilter, VALUE_CONVERSIONS } from './labelFilter';
import type { StageFn } from './parsers';
import { compileStage } from './stages';
import { LineState } from './state';

export { ERROR_LABEL, ERROR_DETAILS_LABEL } from './state';
export { JSON_PARSER_ERR, LOGFMT_PARSER_ERR } from './parsers';
export { LABEL_FILTER_ERR } from './labelFilter';
export { TEMPLATE_FORMAT_ERR } from './stages';
export const SAMPLE_EXTRACTION_ERR = 'SampleExtractionErr';

export interface PipelineOptions {
  /**
   * Only these labels are needed in results (e.g. `['service_name']` for `sum by (service_name)`).
   * Undefined = all labels. `__error__` / `__error_details__` are included only when listed
   * (and set).
   */
  outputLabels?: readonly string[];
}

export interface PipelineResult {
  line: string;
  labels: Labels;
}

export interface Pipeline {
  /** null = the record is filtered out. Synchronous; one Pipeline must not be shared by workers. */
  process(record: LogRecord): PipelineResult | null;
  /** The result labels alone (the line is not decoded unless a stage reads it); null = filtered out. */
  processLabels(record: LogRecord): Labels | null;
  /** True when the fast path applies (see the module comment). */
  readonly fastPath: boolean;
  /**
   * Whether a stage (a parser, a label filter's conversion, a template) set `__error__` on the
   * record last processed. The reader's flag on a malformed line is a label, not a stage error:
   * metric queries refuse only stage errors, as Loki does.
   */
  stageFailed(): boolean;
}

const FAST_PATH_STAGES = new Set<Stage['kind']>(['lineFilter', 'labelFilter', 'decolorize']);

function runStages(stages: Stage[]): { state: LineState; run: (record: LogRecord) => boolean; fastPath: boolean } {
  const fastPath = stages.every((s) => FAST_PATH_STAGES.has(s.kind));
  const state = new LineState(fastPath);
  const fns: StageFn[] = stages.map(compileStage);
  const run = (record: LogRecord): boolean => {
    state.reset(record);
    for (let i = 0; i < fns.length; i++) {
      if (!fns[i](state)) {
        return false;
      }
    }
    return true;
  };
  return { state, run, fastPath };
}

export function compilePipeline(stages: Stage[], options: PipelineOptions = {}): Pipeline {
  const { state, run, fastPath } = runStages(stages);
  const wanted = options.outputLabels;
  return {
    fastPath,
    stageFailed: () => state.err !== '',
    process(record) {
      if (!run(record)) {
        return null;
      }
      return { line: state.line, labels: state.labels(wanted) };
    },
    processLabels(record) {
      return run(record) ? state.labels(wanted) : null;
    },
  };
}

export interface Sample {
  value: number;
  labels: Labels;
}

export interface SampleExtractor {
  /** null = no sample (filtered out, or the unwrapped label is missing/empty). */
  process(record: LogRecord): Sample | null;
  /** As Pipeline.stageFailed, for the record last processed. */
  stageFailed(): boolean;
}

/** `unwrap` conversions: none → a plain number, duration()/duration_seconds() → seconds. */
const UNWRAP_CONVERSIONS: Record<NonNullable<Unwrap['conversion']> | 'none', (v: string) => number | string> = {
  none: VALUE_CONVERSIONS.number,
  duration: VALUE_CONVERSIONS.duration,
  duration_seconds: VALUE_CONVERSIONS.duration,
  bytes: VALUE_CONVERSIONS.bytes,
};

/**
 * `| unwrap label` samples, after Loki's labelSampleExtractor:
 * - the pipeline runs first; a missing or empty label yields no sample;
 * - a value that does not convert yields 0 with `__error__=SampleExtractionErr` (post-unwrap
 *   filters such as `| __error__=""` can drop it; otherwise the caller must report the error);
 * - the unwrapped label is removed from the sample's labels unless grouping is `by (...)`.
 * `duration`/`duration_seconds` give seconds, `bytes` gives bytes.
 */
export function compileSampleExtractor(
  stages: Stage[],
  unwrap: Unwrap,
  options: PipelineOptions & { grouping?: Grouping } = {}
): SampleExtractor {
  const { state, run } = runStages(stages);
  const convert = UNWRAP_CONVERSIONS[unwrap.conversion ?? 'none'];
  const postFilters = unwrap.postFilters.map(compileLabelFilter);
  const removeLabel = !options.grouping || options.grouping.mode === 'without';
  const wanted = options.outputLabels;
  return {
    stageFailed: () => state.err !== '',
    process(record) {
      if (!run(record)) {
        return null;
      }
      const raw = state.get(unwrap.label);
      if (raw === undefined || raw === '') {
        return null;
      }
      let value = 0;
      const converted = convert(raw);
      if (typeof converted === 'string') {
        state.setError(SAMPLE_EXTRACTION_ERR, converted);
      } else {
        value = converted;
      }
      for (const filter of postFilters) {
        if (!filter(state)) {
          return null;
        }
      }
      if (removeLabel) {
        state.delete(unwrap.label);
      }
      return { value, labels: state.labels(wanted) };
    },
  };
}

/**
 * Literal substrings every raw line matching the query must contain: per line filter up to the
 * first stage that rewrites the line (line_format, decolorize, unpack), the literals one of which
 * a line it keeps contains (`filterLiterals`), where that is a single one. For the storage
 * layer's raw-byte prefilter (`ScanRequest.mustContain`).
 */
export function requiredLiterals(expr: LogExpr): string[] {
  return literalHints(expr).mustContain;
}

/**
 * The groups of several literals one of which every raw line matching the query contains (`|= "a"
 * or "b"`, `|~ "a|b[0-9]"`), as `requiredLiterals` reads them (`ScanRequest.mustContainOneOf`).
 */
export function requiredAlternatives(expr: LogExpr): string[][] {
  return literalHints(expr).mustContainOneOf;
}

function literalHints(expr: LogExpr): Required<Pick<ScanRequest, 'mustContain' | 'mustContainOneOf'>> {
  const groups = lineFilterLiterals(expr);
  return {
    mustContain: [...new Set(groups.flatMap((group) => (group.length === 1 ? group : [])))],
    mustContainOneOf: groups.filter((group) => group.length > 1),
  };
}

function lineFilterLiterals(expr: LogExpr): string[][] {
  const groups: string[][] = [];
  for (const stage of expr.stages) {
    if (stage.kind === 'lineFormat' || stage.kind === 'decolorize' || stage.kind === 'unpack') {
      break;
    }
    const group = stage.kind === 'lineFilter' ? filterLiterals(stage) : undefined;
    if (group !== undefined) {
      groups.push([...new Set(group)]);
    }
  }
  return groups;
}

/**
 * Literals one of which every line a line filter keeps contains, when it can tell: a `|=` value,
 * or a `|~` pattern's alternatives' required literals (each alternative must have one), for each
 * of its `or` values. Undefined for the other operators and for a value that passes any line.
 */
function filterLiterals(stage: Extract<Stage, { kind: 'lineFilter' }>): string[] | undefined {
  if (stage.op !== '|=' && stage.op !== '|~') {
    return undefined;
  }
  const literals =
    stage.op === '|='
      ? stage.values
      : stage.values.flatMap((pattern) => topLevelAlternatives(pattern).map(regexRequiredLiteral));
  return literals.every((literal) => literal) ? (literals as string[]) : undefined;
}

/**
 * `name="value"` label filters (top-level conjunctions, non-empty value) that every record kept by
 * the pipeline satisfies with its original labels: those before the first stage that may change
 * labels (parsers, formats, drop/keep). For `ScanRequest.labelEquals`.
 */
export function requiredLabelValues(expr: LogExpr): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const visit = (filter: LabelFilterExpr) => {
    if (filter.kind === 'and') {
      visit(filter.left);
      visit(filter.right);
    } else if (filter.kind === 'string' && filter.matcher.op === '=' && filter.matcher.value !== '') {
      out.push({ name: filter.matcher.name, value: filter.matcher.value });
    }
  };
  for (const stage of expr.stages) {
    if (!FAST_PATH_STAGES.has(stage.kind)) {
      break;
    }
    if (stage.kind === 'labelFilter') {
      visit(stage.filter);
    }
  }
  return out;
}

/**
 * The `detected_level` values a record kept by the pipeline can have, from the label filters that
 * run before any stage that may change labels (as `requiredLabelValues`); undefined when they
 * leave every level possible. For `ScanRequest.levels`.
 */
export function requiredLevels(expr: LogExpr): string[] | undefined {
  let levels: string[] | undefined;
  for (const stage of expr.stages) {
    if (!FAST_PATH_STAGES.has(stage.kind)) {
      break;
    }
    if (stage.kind === 'labelFilter') {
      levels = intersect(levels, filterLevels(stage.filter));
    }
  }
  return levels;
}

/** The levels a filter lets through; undefined: it does not look at detected_level alone. */
function filterLevels(filter: LabelFilterExpr): string[] | undefined {
  switch (filter.kind) {
    case 'and':
      return intersect(filterLevels(filter.left), filterLevels(filter.right));
    case 'or': {
      const left = filterLevels(filter.left);
      const right = filterLevels(filter.right);
      return left === undefined || right === undefined ? undefined : [...new Set([...left, ...right])];
    }
    case 'string':
      return filter.matcher.name === 'detected_level'
        ? DETECTED_LEVELS.filter((level) => matcherTest(filter.matcher)(level))
        : undefined;
    default:
      return undefined;
  }
}

/** Levels in both (undefined stands for every level). */
function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  return a === undefined ? b : b === undefined ? a : a.filter((level) => b.includes(level));
}

/** What the store may use to read less for a log expression (see `ScanRequest`). */
export function scanHints(
  expr: LogExpr
): Pick<ScanRequest, 'mustContain' | 'mustContainOneOf' | 'labelEquals' | 'levels'> {
  return { ...literalHints(expr), labelEquals: requiredLabelValues(expr), levels: requiredLevels(expr) };
}
