/**
 * Line formats: how a raw line gives its timestamp (cheaply, from bytes) and becomes a record.
 * - `json`: JSON Lines with any keys (application, audit, generic *.jsonl).
 * - `text`: Python-logging style text; a line starting with a timestamp starts a record, other
 *   lines continue it (stack traces). Lines that are JSON objects are read as JSON.
 * - `access`: Traefik's access log, common log format or JSON, decided per line.
 * - `lines`: text whose lines carry no timestamp the other formats read: every line is a record
 *   of its own (joining them would make a whole file one record), timed by the rule of untimed
 *   lines (the nearest earlier timed line, else the file's first time or its modification time).
 *
 * Which format a file has is decided from its name and its first lines (`sources/sniff.ts`).
 */
import type { LogRecord } from '../model';
import { parseClfDate, parseIsoPrefix, parseTimestampBytes } from '../time';
import type { FileContext } from './context';
import { FOUND, findTopLevel, keyBytes, type ValueSpan } from './jsonScan';
import { CLF_FIELD_NAMES, ClfRecord, JsonRecord, TextRecord } from './records';

export interface LineFormat {
  readonly name: 'json' | 'text' | 'access' | 'lines';
  /** Whether lines without a timestamp continue the previous record. */
  readonly multiline: boolean;
  /**
   * Labels of this format's lines that the per-minute summaries key on besides service_name,
   * detected_level and level: an access log's response status (HTTP dashboards count responses
   * by status class as others count lines by level).
   */
  readonly summaryLabels: readonly string[];
  /**
   * Labels of this format's records that the index keeps per record besides service_name
   * (`readers/columns.ts`): those a dashboard groups by, filters on or unwraps without reading
   * the line. The formats that have some are single-line and their records are never untimed
   * lines to count.
   */
  readonly columnLabels: readonly string[];
  /** The timestamp a line starts a record with; NaN when the line has none. */
  lineTs(b: Buffer, start: number, end: number): number;
  /** A record over `b[start, end)` (several lines joined by "\n" for multi-line records). */
  record(ctx: FileContext, ts: number, b: Buffer, start: number, end: number, offset: number, flags: number): LogRecord;
}

/** Timestamp keys, first found in the line wins. */
const TS_KEYS = keyBytes(['timestamp', 'time', 'ts', '@timestamp', 'StartUTC', 'asctime', 'datetime']);
const span: ValueSpan = { start: 0, end: 0, keyIndex: 0 };

function jsonTs(b: Buffer, start: number, end: number): number {
  if (findTopLevel(b, start, end, TS_KEYS, span) !== FOUND) {
    return NaN;
  }
  return b[span.start] === 34
    ? parseTimestampBytes(b, span.start + 1, span.end - 1)
    : parseTimestampBytes(b, span.start, span.end);
}

/** Cheap shape check used for counting: a JSON object line starts with `{` and ends with `}`. */
export function looksLikeJsonObject(b: Buffer, start: number, end: number): boolean {
  let s = start;
  let e = end;
  while (s < e && (b[s] === 32 || b[s] === 9)) {
    s++;
  }
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9 || b[e - 1] === 13)) {
    e--;
  }
  return b[s] === 123 && b[e - 1] === 125;
}

export const jsonFormat: LineFormat = {
  name: 'json',
  multiline: false,
  summaryLabels: [],
  columnLabels: [],
  lineTs: jsonTs,
  record(ctx, ts, b, start, end, offset, flags) {
    return new JsonRecord(ts, b, start, end, offset, ctx, flags, !looksLikeJsonObject(b, start, end));
  },
};

function textTs(b: Buffer, start: number, end: number): number {
  const c = b[start];
  if (c === 123) {
    return jsonTs(b, start, end);
  }
  if (c === 91) {
    return parseIsoPrefix(b, start + 1, end);
  }
  return c >= 48 && c <= 57 ? parseIsoPrefix(b, start, end) : NaN;
}

export const textFormat: LineFormat = {
  name: 'text',
  multiline: true,
  summaryLabels: [],
  columnLabels: [],
  lineTs: textTs,
  record(ctx, ts, b, start, end, offset, flags) {
    return b[start] === 123 && looksLikeJsonObject(b, start, end)
      ? new JsonRecord(ts, b, start, end, offset, ctx, flags, false)
      : new TextRecord(ts, b, start, end, offset, ctx, flags);
  },
};

export const linesFormat: LineFormat = {
  name: 'lines',
  multiline: false,
  summaryLabels: [],
  columnLabels: [],
  lineTs: textTs,
  record: textFormat.record,
};

function accessTs(b: Buffer, start: number, end: number): number {
  if (b[start] === 123) {
    return jsonTs(b, start, end);
  }
  const open = b.indexOf(91, start);
  return open < 0 || open >= end ? NaN : parseClfDate(b, open + 1, end);
}

export const accessFormat: LineFormat = {
  name: 'access',
  multiline: false,
  summaryLabels: ['DownstreamStatus'],
  // Traefik's fields (CLF or JSON names) but two with nearly a value per line, whose dictionaries
  // would cost a build more than any query gains: RequestCount (a counter), DownstreamContentSize.
  columnLabels: [
    ...CLF_FIELD_NAMES.filter((name) => name !== 'RequestCount' && name !== 'DownstreamContentSize'),
    'detected_level',
  ],
  lineTs: accessTs,
  record(ctx, ts, b, start, end, offset, flags) {
    return b[start] === 123
      ? new JsonRecord(ts, b, start, end, offset, ctx, flags, !looksLikeJsonObject(b, start, end))
      : new ClfRecord(ts, b, start, end, offset, ctx, flags);
  },
};

/** Formats by name (scan parts posted to worker threads name their format). */
export const FORMATS: Readonly<Record<LineFormat['name'], LineFormat>> = {
  json: jsonFormat,
  text: textFormat,
  access: accessFormat,
  lines: linesFormat,
};

/** Whether a line is malformed for its format (counted in ScanStats.malformedLines). */
export function isMalformed(format: LineFormat, b: Buffer, start: number, end: number, ts: number): boolean {
  if (format.name === 'json') {
    return !looksLikeJsonObject(b, start, end);
  }
  return format.name === 'access' && Number.isNaN(ts);
}
