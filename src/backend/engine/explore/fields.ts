/**
 * Detected fields, as Loki's `/detected_fields`: the field names the selected lines carry
 * (structured metadata, and labels the query's own parsers extract), each with a type and its
 * cardinality, from a bounded sample: the newest `lineLimit` lines in the range that pass the
 * query's pipeline, reading at most SAMPLE_BYTES of files.
 *
 * A field both in structured metadata and extracted by a parser (`level` and `level_extracted`
 * with one value) is listed once, as metadata.
 *
 * Types, unlike Loki (which types a field by its first value): every sampled value must read as
 * the type, tried in Loki's order int, float, boolean, duration, bytes; otherwise string.
 */
import { compilePipeline, ERROR_DETAILS_LABEL, ERROR_LABEL, scanHints } from '../logql/pipeline';
import { goParseFloat, parseGoDuration, tryParseBytes } from '../logql/syntax/units';
import { emptyStats, type LogStore } from '../model';
import { isStreamLabel } from '../../../shared/labels';
import { logExprOf } from './logExpr';

export type FieldType = 'int' | 'float' | 'boolean' | 'duration' | 'bytes' | 'string';

export interface DetectedFieldSummary {
  label: string;
  type: FieldType;
  /** Distinct values in the sample (counted up to MAX_DISTINCT). */
  cardinality: number;
  /** Parsers of the query that extract the field; null for structured metadata. */
  parsers: string[] | null;
}

export interface DetectedFieldsRequest {
  query: string;
  fromMs: number;
  toMs: number;
  /** Lines sampled (newest first). */
  lineLimit: number;
  /** Fields returned at most (the most frequent first when cut). */
  fieldLimit: number;
  signal?: AbortSignal;
}

export interface DetectedFieldsResult {
  fields: DetectedFieldSummary[];
  /** Lines sampled, and whether the byte bound ended the sample before `lineLimit` lines. */
  sampledLines: number;
  cut: boolean;
}

/** File bytes the sample may read (whole chunks, newest first). */
export const SAMPLE_BYTES = 16 << 20;
const MAX_DISTINCT = 10_000;

const TYPE_ORDER: Array<Exclude<FieldType, 'string'>> = ['int', 'float', 'boolean', 'duration', 'bytes'];
const GO_INT = /^[+-]?\d+$/;
const GO_BOOL = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);
/** A size with its unit (`12kB`, `1.5 GiB`): plain numbers are ints or floats first. */
const SIZE_WITH_UNIT = /[a-zA-Z]\s*$/;

const IS: Record<Exclude<FieldType, 'string'>, (v: string) => boolean> = {
  int: (v) => GO_INT.test(v) && Number.isSafeInteger(Number(v)),
  float: (v) => goParseFloat(v) !== undefined,
  boolean: (v) => GO_BOOL.has(v),
  duration: (v) => parseGoDuration(v) !== undefined,
  bytes: (v) => SIZE_WITH_UNIT.test(v) && tryParseBytes(v) !== undefined,
};

interface FieldState {
  values: Set<string>;
  /** Types every value so far reads as. */
  types: Set<Exclude<FieldType, 'string'>>;
  parsers: string[] | null;
  lines: number;
}

/**
 * A parser's copy of a structured-metadata field (`level_extracted` when `level` is metadata with
 * the same value: a JSON line parsed again by `| json`): the field is listed once, as metadata.
 */
function isCopy(name: string, value: string, metadata: Record<string, string>): boolean {
  return name.endsWith(EXTRACTED) && metadata[name.slice(0, -EXTRACTED.length)] === value;
}

const EXTRACTED = '_extracted';

export async function detectFields(store: LogStore, req: DetectedFieldsRequest): Promise<DetectedFieldsResult> {
  const expr = logExprOf(req.query);
  const pipeline = compilePipeline(expr.stages);
  const parserStages = [
    ...new Set(
      expr.stages
        .map((s) => s.kind)
        .filter((k) => k === 'json' || k === 'logfmt' || k === 'regexp' || k === 'pattern' || k === 'unpack')
    ),
  ];
  const fields = new Map<string, FieldState>();
  const stats = emptyStats();
  let sampled = 0;
  const scan = store.scan(
    {
      matchers: expr.matchers,
      fromMs: req.fromMs,
      toMs: req.toMs,
      direction: 'backward',
      ...scanHints(expr),
      signal: req.signal,
      limits: { maxBytesScanned: SAMPLE_BYTES },
    },
    stats
  );
  sampling: for await (const batch of scan) {
    for (const record of batch) {
      const processed = pipeline.process(record);
      if (processed === null) {
        continue;
      }
      const metadata = record.metadata;
      const labels = processed.labels;
      for (const name in labels) {
        const value = labels[name];
        if (
          name === ERROR_LABEL ||
          name === ERROR_DETAILS_LABEL ||
          (isStreamLabel(name) && record.label(name) === value && !(name in metadata)) ||
          isCopy(name, value, metadata)
        ) {
          continue;
        }
        let field = fields.get(name);
        if (field === undefined) {
          field = {
            values: new Set(),
            types: new Set(TYPE_ORDER),
            parsers: name in metadata ? null : parserStages,
            lines: 0,
          };
          fields.set(name, field);
        }
        field.lines++;
        if (value === '' || field.values.has(value)) {
          continue;
        }
        if (field.values.size < MAX_DISTINCT) {
          field.values.add(value);
        }
        for (const type of field.types) {
          if (!IS[type](value)) {
            field.types.delete(type);
          }
        }
      }
      if (++sampled >= req.lineLimit) {
        break sampling;
      }
    }
  }
  const summaries = [...fields.entries()]
    .sort((a, b) => b[1].lines - a[1].lines || (a[0] < b[0] ? -1 : 1))
    .slice(0, req.fieldLimit)
    .map(([label, f]): DetectedFieldSummary => ({
      label,
      type: f.values.size === 0 ? 'string' : (TYPE_ORDER.find((t) => f.types.has(t)) ?? 'string'),
      cardinality: f.values.size,
      parsers: f.parsers === null ? null : [...f.parsers],
    }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { fields: summaries, sampledLines: sampled, cut: stats.truncated === 'bytes' && sampled < req.lineLimit };
}
