/**
 * LogRecord implementations for the three line formats. A record keeps a view of the raw bytes
 * it came from; `line`, `stream` and `metadata` are decoded on first access, and `label(name)`
 * answers common names (level, detected_level, service_name, trace_id, ...) from the bytes
 * without materialising the rest.
 */
import type { Labels, LogRecord } from '../model';
import { FLAG_CUT, type FileContext } from './context';
import { ABSENT, FOUND, findTopLevel, keyBytes, scalarText, type ValueSpan } from './jsonScan';
import {
  AUDIT_ALIASES,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  JSON_PARSER_ERROR,
  LINE_TRUNCATED_LABEL,
  sanitizeLabelName,
} from './labels';
import { detectedLevel, knownLevelBytes, LEVEL_KEYS } from './level';
import { recurringText } from './recurringText';

const span: ValueSpan = { start: 0, end: 0, keyIndex: 0 };

/** Shared parts: identity, stream labels, the label() dispatch. */
abstract class BaseRecord implements LogRecord {
  private lineText?: string;
  private metadataCache?: Labels;
  /** Read once: the selector's check and the pipeline's stream labels both ask for it. */
  private service?: string;

  constructor(
    readonly ts: number,
    protected readonly bytes: Buffer,
    protected readonly start: number,
    protected readonly end: number,
    private readonly offset: number,
    protected readonly ctx: FileContext,
    protected readonly flags: number
  ) {}

  get id(): string {
    return `${this.ctx.fileKey}:${this.offset}`;
  }

  get line(): string {
    if (this.lineText === undefined) {
      this.lineText = this.bytes.toString('utf8', this.start, this.end);
    }
    return this.lineText;
  }

  get stream(): Labels {
    return { source: this.ctx.source, service_name: this.serviceLabel(), filename: this.ctx.filename };
  }

  get metadata(): Labels {
    if (this.metadataCache === undefined) {
      const labels = this.computeMetadata();
      if (this.flags & FLAG_CUT) {
        labels[LINE_TRUNCATED_LABEL] = 'true';
      }
      this.metadataCache = labels;
    }
    return this.metadataCache;
  }

  label(name: string): string | undefined {
    switch (name) {
      case 'source':
        return this.ctx.source;
      case 'filename':
        return this.ctx.filename;
      case 'service_name':
        return this.serviceLabel();
    }
    if (this.metadataCache === undefined) {
      const quick = this.quickLabel(name);
      if (quick !== NOT_QUICK) {
        return quick;
      }
    }
    return this.metadata[name];
  }

  private serviceLabel(): string {
    this.service ??= this.serviceName();
    return this.service;
  }

  protected abstract serviceName(): string;
  protected abstract computeMetadata(): Labels;
  /** A label value found without computing all metadata, or NOT_QUICK. */
  protected abstract quickLabel(name: string): string | undefined | typeof NOT_QUICK;
}

const NOT_QUICK = Symbol('not quick');

const SERVICE_KEYS = keyBytes(['service', 'service.name', 'service_name', 'logger']);
const LEVEL_KEY_BYTES = keyBytes(LEVEL_KEYS);
const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const singleKeys = new Map<string, Uint8Array[]>();

function singleKey(name: string): Uint8Array[] {
  let keys = singleKeys.get(name);
  if (keys === undefined) {
    keys = keyBytes([name]);
    if (singleKeys.size < 1000) {
      singleKeys.set(name, keys);
    }
  }
  return keys;
}

/** A JSON Lines record; `line` is the raw JSON text. */
export class JsonRecord extends BaseRecord {
  constructor(
    ts: number,
    bytes: Buffer,
    start: number,
    end: number,
    offset: number,
    ctx: FileContext,
    flags: number,
    private readonly malformed: boolean
  ) {
    super(ts, bytes, start, end, offset, ctx, flags);
  }

  protected serviceName(): string {
    if (this.ctx.source === 'access') {
      return this.ctx.defaultService;
    }
    const found = findTopLevel(this.bytes, this.start, this.end, SERVICE_KEYS, span) === FOUND;
    return (found && scalarText(this.bytes, span, true)) || this.ctx.defaultService;
  }

  protected quickLabel(name: string): string | undefined | typeof NOT_QUICK {
    if (name === 'detected_level') {
      if (findTopLevel(this.bytes, this.start, this.end, LEVEL_KEY_BYTES, span) !== FOUND) {
        return detectedLevel(undefined, this);
      }
      return knownLevelBytes(this.bytes, span.start, span.end) ?? detectedLevel(scalarText(this.bytes, span), this);
    }
    if (this.malformed || !SIMPLE_NAME.test(name)) {
      return NOT_QUICK;
    }
    const result = findTopLevel(this.bytes, this.start, this.end, singleKey(name), span);
    if (result === FOUND) {
      return scalarText(this.bytes, span, LEVEL_KEYS.includes(name));
    }
    // Absent under its own name: only derived names (audit aliases, sanitised keys) can still exist.
    if (result === ABSENT && !name.includes('_') && !(this.ctx.source === 'audit' && name in AUDIT_ALIASES)) {
      return undefined;
    }
    return NOT_QUICK;
  }

  protected computeMetadata(): Labels {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.line);
    } catch (e) {
      return { [ERROR_LABEL]: JSON_PARSER_ERROR, [ERROR_DETAILS_LABEL]: (e as Error).message };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { [ERROR_LABEL]: JSON_PARSER_ERROR, [ERROR_DETAILS_LABEL]: 'line is not a JSON object' };
    }
    const fields = parsed as Record<string, unknown>;
    const labels: Labels = {};
    let level: string | undefined;
    for (const [key, value] of Object.entries(fields)) {
      const text = scalarString(value);
      if (text === undefined) {
        continue;
      }
      labels[sanitizeLabelName(key)] = text;
      if (level === undefined && LEVEL_KEYS.includes(key)) {
        level = text;
      }
    }
    if (this.ctx.source === 'audit') {
      for (const [name, aliases] of Object.entries(AUDIT_ALIASES)) {
        const alias =
          labels[name] === undefined ? aliases.find((a) => labels[sanitizeLabelName(a)] !== undefined) : undefined;
        if (alias !== undefined) {
          labels[name] = labels[sanitizeLabelName(alias)];
        }
      }
    }
    labels.detected_level = detectedLevel(level, this);
    return labels;
  }
}

function scalarString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return value === null ? '' : undefined;
  }
}

/** Fields read from a text header line. */
interface TextHeader {
  level?: string;
  service?: string;
  trace_id?: string;
  span_id?: string;
}

const LEVEL_WORD = /^(?:level=)?\[?(trace|debug|info|warn|warning|error|err|critical|fatal)\]?:?$/i;
const LOGGER_WORD = /^\[?([A-Za-z_][\w-]*(?:\.[\w-]+)+)\]?:?$/;
/** Python logging's `%(asctime)s - %(name)s - %(levelname)s - ` layout: the name needs no dot. */
const DASHED_HEADER = /^\S+(?: \S+)? - (\S+) - (\w+) - /;
const TRACE_ID = /\btrace_?id=([0-9A-Za-z-]+)/;
const SPAN_ID = /\bspan_?id=([0-9A-Za-z-]+)/;
/** A word of the timestamp (date, time, zone), which the header's words skip. */
const TIME_WORD = /^[\d:.,+TZ-]+$/;
const WHITESPACE = /\s+/;
/** How many leading words after the timestamp may carry the level and the logger name. */
const HEADER_WORDS = 6;

/** Trace and span ids of a text record's first line. */
function traceIds(firstLine: string): Pick<TextHeader, 'trace_id' | 'span_id'> {
  // They only appear as `…id=`: most lines have none and skip both searches.
  return firstLine.includes('id=')
    ? { trace_id: TRACE_ID.exec(firstLine)?.[1], span_id: SPAN_ID.exec(firstLine)?.[1] }
    : {};
}

/** Level, logger/service and trace ids from the first line of a text record (after its timestamp). */
export function parseTextHeader(firstLine: string): TextHeader {
  const header: TextHeader = traceIds(firstLine);
  // Python logging's layout names the service and level outright, overriding any word found
  // below: when it matches, the word-by-word reading can only be overwritten, so it is skipped.
  const dashed = DASHED_HEADER.exec(firstLine);
  if (dashed && LEVEL_WORD.test(dashed[2])) {
    header.service = dashed[1];
    header.level = dashed[2];
    return header;
  }
  const words = firstLine.split(WHITESPACE, HEADER_WORDS + 3);
  let seen = 0;
  for (let i = 0; i < words.length && seen < HEADER_WORDS; i++) {
    const w = words[i];
    if (w === '' || w === '-' || (i < 3 && TIME_WORD.test(w))) {
      continue;
    }
    seen++;
    const level = LEVEL_WORD.exec(w);
    if (level && header.level === undefined) {
      header.level = level[1];
      continue;
    }
    const logger = LOGGER_WORD.exec(w);
    if (logger && header.service === undefined && seen <= 3) {
      header.service = logger[1];
    }
  }
  return header;
}

/** Whether JavaScript's `\s` matches the ASCII byte `c`. */
function isSpaceByte(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** End of the `\S+` run of ASCII bytes at `at`: -1 when it is empty, -2 at a non-ASCII byte. */
function nonSpaceRunEnd(b: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end && !isSpaceByte(b[i])) {
    if (b[i] >= 0x80) {
      return -2;
    }
    i++;
  }
  return i > at ? i : -1;
}

/** End of the `\w+` run at `at`, or -1 when it is empty. */
function wordRunEnd(b: Buffer, at: number, end: number): number {
  let i = at;
  for (; i < end; i++) {
    const c = b[i] | 0x20; // lower case for letters
    if (!((c >= 97 && c <= 122) || (b[i] >= 48 && b[i] <= 57) || b[i] === 95)) {
      break;
    }
  }
  return i > at ? i : -1;
}

/** Whether `b[at..]` is " - ". */
function isDash(b: Buffer, at: number, end: number): boolean {
  return at + 3 <= end && b[at] === 32 && b[at + 1] === 45 && b[at + 2] === 32;
}

/** Sentinel: a non-ASCII byte was met, the regexes must decide. */
const UNDECIDED = -2;

/**
 * DASHED_HEADER and LEVEL_WORD's verdict read from the bytes of an ASCII header: service and
 * level of Python logging's layout without decoding the line, which a build of a text log did
 * for every line (with the two id searches, half the build's time per line). undefined where
 * the string reading must decide: another layout, a level that is not a level word, or a
 * non-ASCII byte before the verdict. Ids are left to `traceIds`.
 */
export function dashedHeaderBytes(b: Buffer, start: number, end: number): TextHeader | undefined {
  const first = nonSpaceRunEnd(b, start, end);
  if (first < 0) {
    return undefined;
  }
  // `\S+(?: \S+)? - `: with the optional second word first, as the regex tries it.
  if (b[first] === 32) {
    const second = nonSpaceRunEnd(b, first + 1, end);
    if (second === UNDECIDED) {
      return undefined;
    }
    if (second >= 0 && isDash(b, second, end)) {
      const header = dashedRest(b, second + 3, end);
      if (header !== null) {
        return header;
      }
    }
  }
  if (!isDash(b, first, end)) {
    return undefined;
  }
  return dashedRest(b, first + 3, end) ?? undefined;
}

/** `(\S+) - (\w+) - ` at `at`, the level checked: null where it does not match, undefined when undecided. */
function dashedRest(b: Buffer, at: number, end: number): TextHeader | null | undefined {
  const name = nonSpaceRunEnd(b, at, end);
  if (name === UNDECIDED) {
    return undefined;
  }
  if (name < 0 || !isDash(b, name, end)) {
    return null;
  }
  const word = wordRunEnd(b, name + 3, end);
  if (word < 0 || !isDash(b, word, end)) {
    return null;
  }
  const level = recurringText(b, name + 3, word);
  return LEVEL_WORD.test(level) ? { service: recurringText(b, at, name), level } : undefined;
}

/** A text record (possibly several physical lines: the first and its continuation lines). */
export class TextRecord extends BaseRecord {
  private header?: TextHeader;
  /** Whether `header` holds the trace and span ids (the bytes' reading leaves them until asked). */
  private idsRead = false;

  /** End of the part of the first line a header is read from (4 KiB at most). */
  private headerEnd(): number {
    const nl = this.bytes.indexOf(10, this.start);
    const firstEnd = nl < 0 || nl > this.end ? this.end : nl;
    return Math.min(firstEnd, this.start + 4096);
  }

  private fields(): TextHeader {
    if (this.header === undefined) {
      const end = this.headerEnd();
      this.header = dashedHeaderBytes(this.bytes, this.start, end);
      if (this.header === undefined) {
        this.header = parseTextHeader(this.bytes.toString('utf8', this.start, end));
        this.idsRead = true;
      }
    }
    return this.header;
  }

  private withIds(): TextHeader {
    const header = this.fields();
    if (!this.idsRead) {
      Object.assign(header, traceIds(this.bytes.toString('utf8', this.start, this.headerEnd())));
      this.idsRead = true;
    }
    return header;
  }

  protected serviceName(): string {
    return this.fields().service ?? this.ctx.defaultService;
  }

  protected quickLabel(name: string): string | undefined | typeof NOT_QUICK {
    switch (name) {
      case 'level':
        return this.fields().level;
      case 'trace_id':
      case 'span_id':
        return this.withIds()[name];
      case 'detected_level':
        return detectedLevel(this.fields().level, this);
      default:
        return NOT_QUICK;
    }
  }

  protected computeMetadata(): Labels {
    const fields = this.withIds();
    const labels: Labels = {};
    for (const name of ['level', 'trace_id', 'span_id'] as const) {
      const value = fields[name];
      if (value !== undefined) {
        labels[name] = value;
      }
    }
    labels.detected_level = detectedLevel(fields.level, this);
    return labels;
  }
}

/**
 * Traefik's common log format with its extra fields:
 * client ident user [date] "method path proto" status size "referer" "agent" count "router" "url" Nms
 */
const CLF =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) ?([^"]*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(?: (\d+|-))?(?: "([^"]*)")?(?: "([^"]*)")?(?: (\d+)ms)?/;

/** The CLF regex's groups by the names of Traefik's JSON format (so one query works on either). */
const CLF_GROUPS: ReadonlyMap<string, number> = new Map([
  ['ClientHost', 1],
  ['ClientUsername', 3],
  ['RequestMethod', 5],
  ['RequestPath', 6],
  ['RequestProtocol', 7],
  ['DownstreamStatus', 8],
  ['DownstreamContentSize', 9],
  ['request_Referer', 10],
  ['request_User_Agent', 11],
  ['RequestCount', 12],
  ['RouterName', 13],
  ['ServiceURL', 14],
  ['Duration', 15],
]);

/** The labels an access-log record reads from its line, by their Traefik JSON names. */
export const CLF_FIELD_NAMES: readonly string[] = [...CLF_GROUPS.keys()];

/** One field of a CLF match: absent when the line has none or writes "-". */
function clfValue(m: RegExpExecArray, name: string, group: number): string | undefined {
  const value = m[group];
  if (value === undefined || value === '-' || (value === '' && name === 'RequestProtocol')) {
    return undefined;
  }
  // Traefik's JSON `Duration` is nanoseconds; the common format writes milliseconds.
  return name === 'Duration' ? `${value}000000` : value;
}

function clfLabels(m: RegExpExecArray): Labels {
  const labels: Labels = {};
  for (const [name, group] of CLF_GROUPS) {
    const value = clfValue(m, name, group);
    if (value !== undefined) {
      labels[name] = value;
    }
  }
  return labels;
}

/** The CLF fields of a line, by their Traefik JSON names; undefined when it is not CLF. */
export function parseClfFields(line: string): Labels | undefined {
  const m = CLF.exec(line);
  return m ? clfLabels(m) : undefined;
}

/** A Traefik access-log line in common log format. */
export class ClfRecord extends BaseRecord {
  /** The line's CLF match, once (null: not CLF); `detected_level` (a search of the whole line) apart. */
  private match?: RegExpExecArray | null;
  /** `detected_level`, once: the index asks for it for its summary key and its columns. */
  private level?: string;

  private clfMatch(): RegExpExecArray | null {
    if (this.match === undefined) {
      this.match = CLF.exec(this.line);
    }
    return this.match;
  }

  protected serviceName(): string {
    return this.ctx.defaultService;
  }

  /** The metadata holds the CLF fields, detected_level and the cut-line label: nothing else. */
  protected quickLabel(name: string): string | undefined | typeof NOT_QUICK {
    if (name === 'detected_level') {
      return (this.level ??= detectedLevel(undefined, this));
    }
    if (name === LINE_TRUNCATED_LABEL) {
      return NOT_QUICK;
    }
    const group = CLF_GROUPS.get(name);
    const m = group === undefined ? null : this.clfMatch();
    return m === null ? undefined : clfValue(m, name, group!);
  }

  protected computeMetadata(): Labels {
    const m = this.clfMatch();
    return { ...(m === null ? {} : clfLabels(m)), detected_level: detectedLevel(undefined, this) };
  }
}
