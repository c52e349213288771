/**
 * Grafana data frames as the rest of the backend builds them: columns of one type each, plus
 * the frame and field metadata Grafana's Go decoder reads (grafana-plugin-sdk-go `data/`).
 * Encoders: `arrow.ts` (QueryData) and `json.ts` (Live stream packets).
 */

/**
 * Column types and the JS values each holds (`null` = missing value):
 * - `time`: epoch milliseconds as a number (fraction = sub-millisecond, kept to the microsecond)
 *   or epoch nanoseconds as a bigint; encoded as nanoseconds.
 * - `number`: float64. `int64`: bigint or integral number.
 * - `string`, `boolean`: as named.
 * - `json`: any JSON-serialisable value, sent as JSON text (browser type `other`).
 * - `enum`: index into `config.type.enum.text`.
 */
export interface FieldValueTypes {
  time: number | bigint;
  number: number;
  int64: bigint | number;
  string: string;
  boolean: boolean;
  json: unknown;
  enum: number;
}

export type FieldType = keyof FieldValueTypes;

export interface TypedField<T extends FieldType> {
  name: string;
  type: T;
  values: ReadonlyArray<FieldValueTypes[T] | null>;
  /** Dimensions of this column (e.g. a series' labels); values are strings. */
  labels?: Record<string, string>;
  config?: FieldConfig;
  /**
   * Declares the column nullable even without nulls (Grafana's decoder trusts this flag). Left
   * undefined, a column is nullable exactly when it holds a null; `false` with nulls is an error.
   */
  nullable?: boolean;
}

export type Field = { [T in FieldType]: TypedField<T> }[FieldType];

export interface Frame {
  name?: string;
  /** Filled from the response's refId by Grafana when empty. */
  refId?: string;
  meta?: FrameMeta;
  fields: Field[];
}

/** `data.FrameType` values of the Go SDK. */
export type FrameType =
  | 'timeseries-wide'
  | 'timeseries-long'
  | 'timeseries-multi'
  | 'timeseries-many'
  | 'numeric-wide'
  | 'numeric-multi'
  | 'numeric-long'
  | 'log-lines'
  | 'table'
  | 'directory-listing';

export type VisType = 'graph' | 'table' | 'logs' | 'trace' | 'nodeGraph' | 'flamegraph';

export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface Notice {
  severity: NoticeSeverity;
  text: string;
  link?: string;
  /** 0 none, 1 meta, 2 error, 3 data, 4 stats (an integer: Go has no string form). */
  inspect?: 0 | 1 | 2 | 3 | 4;
}

export interface QueryStat extends FieldConfig {
  displayName: string;
  value: number;
}

/**
 * FrameMeta exactly as the Go struct decodes it: keys it does not know are dropped, keys with the
 * wrong JSON type fail the whole query. Frontend-only meta (limit, searchWords) belongs in `custom`.
 */
export interface FrameMeta {
  type?: FrameType;
  /** [major, minor] of the data plane contract. */
  typeVersion?: [number, number];
  path?: string;
  pathSeparator?: string;
  custom?: unknown;
  stats?: QueryStat[];
  notices?: Notice[];
  channel?: string;
  preferredVisualisationType?: VisType;
  preferredVisualisationPluginId?: string;
  executedQueryString?: string;
  dataTopic?: 'annotations';
  uniqueRowIdFields?: number[];
}

export interface DataLink {
  title?: string;
  url?: string;
  targetBlank?: boolean;
  internal?: {
    query: unknown;
    datasourceUid: string;
    datasourceName?: string;
    panelsState?: unknown;
    transformations?: Array<{ type: string; field?: string; expression?: string; mapValue?: string }>;
    timeRange?: { from: string; to: string };
  };
}

export interface Threshold {
  /** null = -Infinity (first step). */
  value: number | null;
  color: string;
  state?: string;
}

export interface FieldConfig {
  displayName?: string;
  displayNameFromDS?: string;
  path?: string;
  description?: string;
  filterable?: boolean;
  writeable?: boolean;
  unit?: string;
  decimals?: number;
  min?: number | null;
  max?: number | null;
  /** Milliseconds between points. */
  interval?: number;
  mappings?: unknown[];
  thresholds?: { mode: 'absolute' | 'percentage'; steps: Threshold[] };
  color?: Record<string, unknown>;
  links?: DataLink[];
  noValue?: string;
  type?: { enum?: { text?: string[]; color?: string[]; icon?: string[]; description?: string[] } };
  custom?: Record<string, unknown>;
}

/** Rows in a frame; throws when the columns disagree (Grafana rejects ragged frames). */
export function frameLength(frame: Frame): number {
  const length = frame.fields[0]?.values.length ?? 0;
  for (const field of frame.fields) {
    if (field.values.length !== length) {
      throw new Error(
        `frame ${JSON.stringify(frame.name ?? '')}: field ${JSON.stringify(field.name)} has ` +
          `${field.values.length} values, expected ${length}`
      );
    }
  }
  return length;
}

/** Whether the encoded column is nullable; rejects nulls in a column declared non-nullable. */
export function fieldIsNullable(field: Field): boolean {
  const hasNull = field.values.some((value) => value === null || value === undefined);
  if (field.nullable === false && hasNull) {
    throw new Error(`field ${JSON.stringify(field.name)} is declared non-nullable but holds nulls`);
  }
  return field.nullable ?? hasNull;
}

const SEVERITIES: ReadonlySet<string> = new Set(['info', 'warning', 'error']);

/** Catches, before encoding, the meta values that would make Grafana's strict decoder fail. */
export function validateMeta(meta: FrameMeta): void {
  const version = meta.typeVersion;
  if (
    version !== undefined &&
    !(version.length === 2 && version.every((part) => Number.isInteger(part) && part >= 0))
  ) {
    throw new Error(`frame meta typeVersion must be [major, minor], got ${JSON.stringify(version)}`);
  }
  for (const notice of meta.notices ?? []) {
    if (!SEVERITIES.has(notice.severity)) {
      throw new Error(`notice severity must be info, warning or error, got ${JSON.stringify(notice.severity)}`);
    }
    if (notice.inspect !== undefined && !Number.isInteger(notice.inspect)) {
      throw new Error('notice inspect must be an integer');
    }
  }
  for (const stat of meta.stats ?? []) {
    if (typeof stat.value !== 'number') {
      throw new Error(`stat ${JSON.stringify(stat.displayName)} value must be a number`);
    }
  }
}

/** Meta as Grafana's Go SDK writes it: typeVersion always present once a type is set. */
export function metaJson(meta: FrameMeta): string {
  validateMeta(meta);
  const withVersion =
    meta.type !== undefined && meta.typeVersion === undefined ? { ...meta, typeVersion: [0, 0] } : meta;
  return JSON.stringify(withVersion);
}

/** Epoch nanoseconds of a `time` value (ms numbers keep their microsecond fraction). */
const NANOS_PER_MILLI = BigInt(1_000_000);
const NANOS_PER_MICRO = BigInt(1000);

export function toEpochNanos(value: number | bigint): bigint {
  if (typeof value === 'bigint') {
    return value;
  }
  const wholeMs = Math.floor(value);
  const micros = Math.round((value - wholeMs) * 1000);
  return BigInt(wholeMs) * NANOS_PER_MILLI + BigInt(micros) * NANOS_PER_MICRO;
}

export function toInt64(value: bigint | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
}
