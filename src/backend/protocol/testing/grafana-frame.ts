/**
 * Test-only decoder applying the rules of grafana-plugin-sdk-go's Arrow reader (`data/arrow.go`):
 * IPC file format, only the column types it maps, nanosecond timestamps, nullability from the
 * field flag, string-valued metadata with strictly typed `meta` JSON. Throws on any violation.
 */
import { DataType, tableFromIPC, type Field as ArrowField, TimeUnit, Type } from 'apache-arrow';

export interface DecodedField {
  name: string;
  arrowType: string;
  nullable: boolean;
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
  tstype?: string;
  /** Values as arrow-js reads them; time columns as epoch nanoseconds (bigint). */
  values: unknown[];
}

export interface DecodedFrame {
  name: string;
  refId: string;
  meta?: Record<string, unknown>;
  fields: DecodedField[];
  rows: number;
}

const MAGIC = 'ARROW1';

/** Arrow type ids Grafana's Go decoder maps to frame fields; anything else fails the query. */
const ACCEPTED: ReadonlySet<Type> = new Set([Type.Utf8, Type.Int, Type.Float, Type.Bool, Type.Timestamp, Type.Binary]);

export function decodeGrafanaFrame(bytes: Uint8Array): DecodedFrame {
  const buffer = Buffer.from(bytes);
  if (buffer.toString('latin1', 0, 6) !== MAGIC || buffer.toString('latin1', buffer.length - 6) !== MAGIC) {
    throw new Error('not an Arrow IPC file (missing ARROW1 magic at start or end)');
  }
  const table = tableFromIPC(bytes);
  const schemaMeta = table.schema.metadata;
  for (const key of schemaMeta.keys()) {
    if (!['name', 'refId', 'meta'].includes(key)) {
      throw new Error(`unexpected schema metadata key ${key}`);
    }
  }
  const metaText = schemaMeta.get('meta');
  const meta = metaText === undefined ? undefined : checkMeta(JSON.parse(metaText));

  const fields = table.schema.fields.map((field, index) => {
    checkType(field);
    const column = table.getChildAt(index);
    const values: unknown[] = [];
    for (let row = 0; row < table.numRows; row++) {
      values.push(column?.get(row) ?? null);
    }
    if (DataType.isTimestamp(field.type)) {
      // arrow-js converts to milliseconds on get(); Go reads the raw int64 as nanoseconds.
      const raw = column!.data.flatMap((data) => Array.from(data.values as BigInt64Array));
      raw.forEach((ns, row) => {
        if (values[row] !== null) {
          values[row] = ns;
        }
      });
    }
    const nullCount = column?.nullCount ?? 0;
    if (!field.nullable && nullCount > 0) {
      throw new Error(`field ${field.name} holds nulls but is declared non-nullable (Go would read zeros)`);
    }
    const labels = field.metadata.get('labels');
    const config = field.metadata.get('config');
    const decoded: DecodedField = {
      name: field.name,
      arrowType: String(field.type),
      nullable: field.nullable,
      tstype: field.metadata.get('tstype'),
      values,
    };
    if (labels !== undefined) {
      decoded.labels = checkLabels(JSON.parse(labels), field.name);
    }
    if (config !== undefined) {
      decoded.config = checkObject(JSON.parse(config), `config of ${field.name}`);
    }
    return decoded;
  });
  return {
    name: schemaMeta.get('name') ?? '',
    refId: schemaMeta.get('refId') ?? '',
    meta,
    fields,
    rows: table.numRows,
  };
}

function checkType(field: ArrowField): void {
  if (!ACCEPTED.has(field.type.typeId)) {
    throw new Error(`field ${field.name} has type ${String(field.type)}, which Grafana cannot decode`);
  }
  if (DataType.isTimestamp(field.type) && field.type.unit !== TimeUnit.NANOSECOND) {
    throw new Error(`field ${field.name}: timestamps must be nanoseconds (Go ignores the unit)`);
  }
}

function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkLabels(value: unknown, field: string): Record<string, string> {
  const labels = checkObject(value, `labels of ${field}`);
  for (const [key, labelValue] of Object.entries(labels)) {
    if (typeof labelValue !== 'string') {
      throw new Error(`label ${key} of ${field} must be a string`);
    }
  }
  return labels as Record<string, string>;
}

/** The JSON types of Go's FrameMeta struct. */
function checkMeta(value: unknown): Record<string, unknown> {
  const meta = checkObject(value, 'meta');
  const expectString = (key: string) => {
    if (meta[key] !== undefined && typeof meta[key] !== 'string') {
      throw new Error(`meta.${key} must be a string`);
    }
  };
  [
    'type',
    'path',
    'pathSeparator',
    'channel',
    'preferredVisualisationType',
    'preferredVisualisationPluginId',
    'executedQueryString',
    'dataTopic',
  ].forEach(expectString);
  const version = meta.typeVersion;
  if (
    version !== undefined &&
    !(Array.isArray(version) && version.length === 2 && version.every((part) => Number.isInteger(part) && part >= 0))
  ) {
    throw new Error(`meta.typeVersion must be [uint, uint], got ${JSON.stringify(version)}`);
  }
  if (meta.notices !== undefined) {
    if (!Array.isArray(meta.notices)) {
      throw new Error('meta.notices must be an array');
    }
    for (const notice of meta.notices as Array<Record<string, unknown>>) {
      if (!['info', 'warning', 'error'].includes(notice.severity as string)) {
        throw new Error(`notice severity ${JSON.stringify(notice.severity)} is not info|warning|error`);
      }
      if (typeof notice.text !== 'string') {
        throw new Error('notice text must be a string');
      }
      if (notice.inspect !== undefined && !Number.isInteger(notice.inspect)) {
        throw new Error('notice inspect must be an integer');
      }
    }
  }
  if (meta.stats !== undefined) {
    if (
      !Array.isArray(meta.stats) ||
      meta.stats.some((stat) => typeof (stat as Record<string, unknown>).value !== 'number')
    ) {
      throw new Error('meta.stats must be an array of objects with a numeric value');
    }
  }
  if (
    meta.uniqueRowIdFields !== undefined &&
    !(Array.isArray(meta.uniqueRowIdFields) && meta.uniqueRowIdFields.every(Number.isInteger))
  ) {
    throw new Error('meta.uniqueRowIdFields must be an array of integers');
  }
  return meta;
}
