/**
 * Frame → Grafana's JSON frame format (grafana-plugin-sdk-go `data/frame_json.go`), used for Live
 * stream packets and SubscribeStream initial data. `schema` is written before `data` because the
 * Go reader needs the fields first. Time values are epoch milliseconds with the sub-millisecond
 * remainder in `nanos`; NaN and ±Inf become null and are listed in `entities`.
 */
import { type Field, type FieldType, type Frame, fieldIsNullable, frameLength, metaJson, toEpochNanos } from './frame';

/** Browser-side field type and Go item type (`typeInfo.frame`) of each column type. */
const JSON_TYPES: Record<FieldType, { type: string; frame: string }> = {
  time: { type: 'time', frame: 'time.Time' },
  number: { type: 'number', frame: 'float64' },
  int64: { type: 'number', frame: 'int64' },
  string: { type: 'string', frame: 'string' },
  boolean: { type: 'boolean', frame: 'bool' },
  json: { type: 'other', frame: 'json.RawMessage' },
  enum: { type: 'enum', frame: 'enum' },
};

const NANOS_PER_MILLI = BigInt(1_000_000);

export type FrameJsonParts = 'schema' | 'data' | 'all';

/** JSON text of a frame; `data` alone is what later packets of a Live stream carry. */
export function frameToJson(frame: Frame, parts: FrameJsonParts = 'all'): string {
  const length = frameLength(frame);
  const text: string[] = [];
  if (parts !== 'data') {
    text.push(`"schema":${schemaJson(frame)}`);
  }
  if (parts !== 'schema') {
    text.push(`"data":${dataJson(frame, length)}`);
  }
  return `{${text.join(',')}}`;
}

function schemaJson(frame: Frame): string {
  const fields = frame.fields.map((field) => {
    const { type, frame: goType } = JSON_TYPES[field.type];
    const nullable = fieldIsNullable(field);
    return {
      name: field.name,
      type,
      typeInfo: nullable ? { frame: goType, nullable: true } : { frame: goType },
      ...(field.labels && Object.keys(field.labels).length > 0 ? { labels: field.labels } : {}),
      ...(field.config ? { config: field.config } : {}),
    };
  });
  const meta = frame.meta ? `,"meta":${metaJson(frame.meta)}` : '';
  return `{"name":${JSON.stringify(frame.name ?? '')},"refId":${JSON.stringify(frame.refId ?? '')}${meta},"fields":${JSON.stringify(fields)}}`;
}

interface Entities {
  NaN?: number[];
  Inf?: number[];
  NegInf?: number[];
}

function dataJson(frame: Frame, length: number): string {
  const values: unknown[][] = [];
  const nanos: Array<number[] | null> = [];
  const entities: Array<Entities | null> = [];
  for (const field of frame.fields) {
    const column = columnJson(field);
    values.push(column.values);
    nanos.push(column.nanos ?? null);
    entities.push(column.entities ?? null);
  }
  const data: Record<string, unknown> = { values };
  if (entities.some((entry) => entry !== null)) {
    data.entities = entities;
  }
  if (nanos.some((entry) => entry !== null)) {
    data.nanos = nanos;
  }
  return JSON.stringify(data, (_key, value) => (typeof value === 'bigint' ? Number(value) : value)) ?? `{"values":[]}`;
}

function columnJson(field: Field): { values: unknown[]; nanos?: number[]; entities?: Entities } {
  const isNull = (value: unknown) => value === null || value === undefined;
  switch (field.type) {
    case 'time': {
      let hasNanos = false;
      const nanos: number[] = [];
      const values = field.values.map((value) => {
        if (isNull(value)) {
          nanos.push(0);
          return null;
        }
        const ns = toEpochNanos(value as number | bigint);
        const remainder = Number(((ns % NANOS_PER_MILLI) + NANOS_PER_MILLI) % NANOS_PER_MILLI);
        hasNanos ||= remainder !== 0;
        nanos.push(remainder);
        return Number((ns - BigInt(remainder)) / NANOS_PER_MILLI);
      });
      return hasNanos ? { values, nanos } : { values };
    }
    case 'number': {
      const entities: Entities = {};
      const values = field.values.map((value, index) => {
        if (isNull(value) || Number.isFinite(value)) {
          return value ?? null;
        }
        const kind = Number.isNaN(value) ? 'NaN' : (value as number) > 0 ? 'Inf' : 'NegInf';
        (entities[kind] ??= []).push(index);
        return null;
      });
      return Object.keys(entities).length > 0 ? { values, entities } : { values };
    }
    default:
      return { values: field.values.map((value) => value ?? null) };
  }
}
