/**
 * Segments on disk, so a restarted plugin answers from its index at once: one file per log file
 * in the cache directory, named by a hash of the log file's path (`.kli`), and for a file whose
 * segments have record columns a second one (`.klc`), read only when a query first wants them:
 * an access log's columns are ten times the rest of its index, and reading them at start-up made
 * a restarted plugin's first answer slower by their size. Layout of both: a JSON header line
 * (format version, path, identity, covered end, per segment its scalars, summary keys, column
 * dictionaries and array lengths), then every array's bytes in header order. The header line and each array are padded
 * to 8 bytes, so that a load views the arrays in the file's buffer instead of copying each one.
 * A file whose identity (device, inode, first-line hash) or version differs is ignored, and so is
 * one whose checksum does not match its bytes: damaged bytes (a disk error, a crash before the
 * data reached the disk) would otherwise change answers, as wrong counts or trace fingerprints.
 * Writes go to a temporary name, then rename. The cache file of a log file that is gone is
 * removed (`forgetIndex`, `pruneIndexes`): the directory does not grow with rotation.
 */
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Coverage } from './blockIndex';
import { columnArrays } from '../readers/columns';
import { levelListArrays, type Segment, type SummaryKey } from './segment';

const VERSION = 7;
/** Alignment of every array in the file (the widest element, Float64). */
const ALIGN = 8;
/** Bytes that bring `length` to a multiple of ALIGN. */
const padLength = (length: number) => (ALIGN - (length % ALIGN)) % ALIGN;
const PADDING = Buffer.alloc(ALIGN);
/**
 * The file is written, and a mapped one checked, through a buffer of this size: the index of a
 * 6.6 GB log file is about 30 MB, and one buffer of the whole file cost that much fresh memory
 * (and its page faults) on the main thread at every save.
 */
const CHUNK_BYTES = 1 << 20;

interface SegmentHeader {
  start: number;
  end: number;
  firstTs: number | null;
  nextTs: number | null;
  lines: number;
  blocks: number;
  fingerprints: number[];
  keys?: SummaryKey[];
  rows?: number;
  /** Records in the segment's level list (absent: no list). */
  listed?: number;
}

/** A segment's record columns in the `.klc` file (one row per line): labels, dictionaries, 16-bit codes or not. */
interface ColumnsHeader {
  start: number;
  end: number;
  lines: number;
  columns: { labels: string[]; values: string[][]; wide: boolean[] } | null;
}

/** What both files' headers start with: whose index they hold. */
interface Owner {
  version: number;
  path: string;
  identity: string;
}

interface Header extends Owner {
  end: number;
  nextTs: number | null;
  segments: SegmentHeader[];
}

interface ColumnsFileHeader extends Owner {
  segments: ColumnsHeader[];
}

/**
 * CRC-32 of the header's other fields (as JSON) and of every byte after the header line. Empty
 * parts are left out: Node's crc32 of an empty view of an empty ArrayBuffer (an access log's
 * block without trace ids) passes zlib a null pointer, and zlib then returns 0, dropping the
 * sum of everything before it; a load would never match it.
 */
function checksum(fields: Owner, body: Iterable<Uint8Array>): number {
  let crc = crc32(JSON.stringify(fields));
  for (const part of body) {
    if (part.length > 0) {
      crc = crc32(part, crc);
    }
  }
  return crc;
}

/** A temporary file this old was left by a process that died while saving. */
const STALE_TEMPORARY_MS = 3_600_000;
/** The header's opening, as every version wrote it: its version, then the log file's path. */
const HEADER_PATH = /^\{"version":\d+,"path":("(?:[^"\\]|\\.)*")/;
/** Bytes read to find that path (a path longer than this is not a log file's). */
const HEADER_PATH_BYTES = 8192;

function cacheFile(dir: string, path: string, kind: 'kli' | 'klc' = 'kli'): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return join(dir, `${(h >>> 0).toString(16).padStart(8, '0')}.${kind}`);
}

const num = (v: number | null) => (v === null ? NaN : v);
const json = (v: number) => (Number.isFinite(v) ? v : null);

/** Saves `path`'s index; undefined when saved, else why not (the index then lives in memory only). */
export function saveIndex(dir: string, path: string, identity: string, coverage: Coverage): string | undefined {
  const arrays: ArrayBufferView[] = [];
  const segments: SegmentHeader[] = coverage.segments.map((s) => {
    arrays.push(s.blockStart, s.blockFirstTs, ...s.fingerprints);
    if (s.summary) {
      arrays.push(s.summary.key, s.summary.bucket, s.summary.count, s.summary.bytes);
    }
    if (s.levels) {
      arrays.push(...levelListArrays(s.levels));
    }
    return {
      start: s.start,
      end: s.end,
      firstTs: json(s.firstTs),
      nextTs: json(s.nextTs),
      lines: s.lines,
      blocks: s.blockStart.length,
      fingerprints: s.fingerprints.map((f) => f.length),
      keys: s.summary?.keys,
      rows: s.summary?.key.length,
      listed: s.levels?.offset.length,
    };
  });
  const owner: Owner = { version: VERSION, path, identity };
  const header: Header = { ...owner, end: coverage.end, nextTs: json(coverage.nextTs), segments };
  const error = writeCache(cacheFile(dir, path), header, arrays);
  if (error !== undefined || !coverage.segments.some((s) => s.columns !== undefined)) {
    removeQuietly(cacheFile(dir, path, 'klc'));
    return error;
  }
  const columnsBody: ArrayBufferView[] = [];
  const columns: ColumnsFileHeader = {
    ...owner,
    segments: coverage.segments.map(({ start, end, lines, columns: c }) => {
      if (c === undefined) {
        return { start, end, lines, columns: null };
      }
      columnsBody.push(...columnArrays(c));
      const wide = c.codes.map((codes) => codes instanceof Uint16Array);
      return { start, end, lines, columns: { labels: c.labels, values: c.values, wide } };
    }),
  };
  return writeCache(cacheFile(dir, path, 'klc'), columns, columnsBody);
}

/** Writes a cache file: its header line with the checksum, then the arrays, each aligned. */
function writeCache(target: string, fields: Owner, arrays: ArrayBufferView[]): string | undefined {
  const body = arrays.flatMap((a) => [
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    PADDING.subarray(0, padLength(a.byteLength)),
  ]);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    const text = JSON.stringify({ ...fields, crc32: checksum(fields, body) });
    // JSON may end in spaces: they pad the line so that the arrays start aligned.
    const headLength = Buffer.byteLength(text, 'utf8') + 1;
    const head = Buffer.from(text + ' '.repeat(padLength(headLength)) + '\n', 'utf8');
    writeParts(temporary, [head, ...body], CHUNK_BYTES);
    renameSync(temporary, target);
    return undefined;
  } catch (e) {
    // A cache that cannot be written only costs a rebuild after a restart; a partial one (a full
    // disk) must not stay behind, under a name no later process would reuse.
    removeQuietly(temporary);
    return (e as Error).message;
  }
}

/** Removes `file` if it exists; one that cannot be removed stays (a save must never throw). */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Left for the directory's owner: nothing reads a temporary name.
  }
}

/**
 * Writes `parts` back to back into a new `file`, gathering small ones in a buffer of `chunkBytes`
 * (an index has a few arrays per block: tens of thousands of writes otherwise); larger parts are
 * written as they are.
 */
export function writeParts(file: string, parts: Buffer[], chunkBytes: number): void {
  const fd = openSync(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let used = 0;
    const write = (bytes: Buffer) => {
      for (let done = 0; done < bytes.length;) {
        done += writeSync(fd, bytes, done, bytes.length - done);
      }
    };
    for (const part of parts) {
      if (used + part.length > chunkBytes) {
        write(chunk.subarray(0, used));
        used = 0;
      }
      if (part.length > chunkBytes) {
        write(part);
      } else {
        used += part.copy(chunk, used);
      }
    }
    write(chunk.subarray(0, used));
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes `path`'s cache files when the log file itself is gone: a dated sibling deleted by
 * retention is never read again, and its index would stay on disk for good.
 */
export function forgetIndex(dir: string, path: string): void {
  if (isGone(path)) {
    removeQuietly(cacheFile(dir, path));
    removeQuietly(cacheFile(dir, path, 'klc'));
  }
}

/**
 * Removes the cache files of log files that are gone (deleted while no plugin ran) and temporary
 * files left by a process that died while saving; other files are left alone.
 */
export function pruneIndexes(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // nothing saved yet
  }
  for (const name of names) {
    const file = join(dir, name);
    if (/\.kl[ic]\.\d+\.tmp$/.test(name)) {
      if (ageMs(file) > STALE_TEMPORARY_MS) {
        removeQuietly(file);
      }
    } else if (name.endsWith('.kli') || name.endsWith('.klc')) {
      const path = savedPath(file);
      if (path !== undefined && isGone(path)) {
        removeQuietly(file);
      }
    }
  }
}

/** The log file path in a cache file's header; undefined when it cannot be read. */
function savedPath(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(HEADER_PATH_BYTES);
    const match = HEADER_PATH.exec(head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0)));
    return match === null ? undefined : (JSON.parse(match[1]) as string);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/** Whether nothing is at `path` any more (not: whether it cannot be read now). */
function isGone(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Reads `count` elements of a typed array from a cache file's body, in order. */
type Take = <T>(
  Type: { new (b: ArrayBuffer, offset?: number, length?: number): T; BYTES_PER_ELEMENT: number },
  count: number
) => T;

/** Bun's file mapping (absent under Node, e.g. in jest). */
const runtime = globalThis as { Bun?: { mmap(path: string, options: { shared: boolean }): Uint8Array } };

/**
 * A cache file's bytes, mapped where the runtime can (Bun), else read. Read, the access log's
 * 19 MB of record columns took 75 ms to copy into fresh memory and 50 ms more to touch (the
 * checksum's pass); mapped, both took 26 ms (measured): the mapping uses the page cache's own
 * pages. Mapping is safe because a cache file never changes in place: a save writes a new file
 * and renames it over the old one, a removal unlinks it, and a mapped file stays whole through
 * both (only truncating a mapped file, which nothing here does, would fault on its lost pages).
 * The mapping is private: writes to the views would stay in this process.
 * `body(from)`: the bytes from `from` on, for the checksum. A mapped file's are read through a
 * small buffer, not through the mapping: a page touched there stays in the process's memory for
 * as long as the mapping, and queries read only some of the arrays (after the five dashboards,
 * 14 MB of the access log's 19 MB of columns were in memory, against all 19 MB checked through
 * the mapping; measured).
 */
function cacheBytes(file: string): { data: Buffer; body: (from: number) => Iterable<Uint8Array> } {
  if (runtime.Bun !== undefined) {
    try {
      const mapped = runtime.Bun.mmap(file, { shared: false });
      return {
        data: Buffer.from(mapped.buffer, mapped.byteOffset, mapped.byteLength),
        body: (from) => fileChunks(file, from),
      };
    } catch {
      // Not mapped (an empty file, a file system or platform without mappings): read instead.
    }
  }
  const data = readFileSync(file);
  return { data, body: (from) => [data.subarray(from)] };
}

/**
 * `file`'s bytes from `from` to its end, in chunks of one reused buffer. If a save renamed a new
 * file over it since it was mapped, these bytes are the new file's: its checksum then does not
 * match the header read from the mapping, and the cache is ignored (never misread).
 */
function* fileChunks(file: string, from: number): Generator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let at = from, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) {
      yield chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A cache file of `path`'s index, when its version and identity match and its checksum holds:
 * its header, and `take` for its arrays (views into the file's buffer). Throws on a damaged file.
 */
function readCache<H extends Owner>(
  file: string,
  path: string,
  identity: string
): { header: H; take: Take } | undefined {
  let data: Buffer;
  let body: (from: number) => Iterable<Uint8Array>;
  try {
    ({ data, body } = cacheBytes(file));
  } catch {
    return undefined;
  }
  const nl = data.indexOf(10);
  const { crc32: saved, ...header } = JSON.parse(data.toString('utf8', 0, nl)) as H & { crc32: number };
  if (
    header.version !== VERSION ||
    header.path !== path ||
    header.identity !== identity ||
    saved !== checksum(header, body(nl + 1))
  ) {
    return undefined;
  }
  let at = nl + 1;
  const take: Take = (Type, length) => {
    const bytes = length * Type.BYTES_PER_ELEMENT;
    if (at + bytes > data.length) {
      throw new Error('truncated index file');
    }
    const offset = data.byteOffset + at;
    at += bytes + padLength(bytes);
    if (offset % ALIGN === 0) {
      return new Type(data.buffer as ArrayBuffer, offset, length);
    }
    // A buffer from a shared pool may start unaligned: copy.
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(new Uint8Array(data.buffer, offset, bytes));
    return new Type(copy);
  };
  return { header: header as unknown as H, take };
}

/** `path`'s saved segments, without their record columns (`loadColumns`). */
export function loadIndex(dir: string, path: string, identity: string): Coverage | undefined {
  try {
    const saved = readCache<Header>(cacheFile(dir, path), path, identity);
    if (saved === undefined) {
      return undefined;
    }
    const { header, take } = saved;
    const segments: Segment[] = header.segments.map((h) => {
      const blockStart = take(Float64Array, h.blocks);
      const blockFirstTs = take(Float64Array, h.blocks);
      const fingerprints = h.fingerprints.map((n) => take(Uint32Array, n));
      const rows = h.rows;
      const summary =
        h.keys === undefined || rows === undefined
          ? undefined
          : {
              keys: h.keys,
              key: take(Uint32Array, rows),
              bucket: take(Int32Array, rows),
              count: take(Float64Array, rows),
              bytes: take(Float64Array, rows),
            };
      const listed = h.listed;
      const levels =
        listed === undefined
          ? undefined
          : {
              offset: take(Float64Array, listed),
              length: take(Uint32Array, listed),
              time: take(Float64Array, listed),
              level: take(Uint8Array, listed),
              cut: take(Uint8Array, listed),
            };
      return {
        start: h.start,
        end: h.end,
        firstTs: num(h.firstTs),
        nextTs: num(h.nextTs),
        lines: h.lines,
        blockStart,
        blockFirstTs,
        fingerprints,
        summary,
        levels,
      };
    });
    return { segments, end: header.end, nextTs: num(header.nextTs) };
  } catch {
    return undefined;
  }
}

/** The size of `path`'s saved record columns (0: none), what reading them would hold. */
export function savedColumnBytes(dir: string, path: string): number {
  try {
    return statSync(cacheFile(dir, path, 'klc')).size;
  } catch {
    return 0;
  }
}

/**
 * Gives `segments` (loaded by `loadIndex`) the record columns saved with them; false when there
 * are none for them (none saved, or saved for other segments: then they are rebuilt).
 */
export function loadColumns(dir: string, path: string, identity: string, segments: Segment[]): boolean {
  try {
    const saved = readCache<ColumnsFileHeader>(cacheFile(dir, path, 'klc'), path, identity);
    if (saved === undefined || saved.header.segments.length !== segments.length) {
      return false;
    }
    const { header, take } = saved;
    const columns = header.segments.map((h, i) => {
      if (h.start !== segments[i].start || h.end !== segments[i].end || h.lines !== segments[i].lines) {
        throw new Error('columns of other segments');
      }
      return (
        h.columns && {
          labels: h.columns.labels,
          base: h.start,
          offset: take(Uint32Array, h.lines),
          time: take(Float64Array, h.lines),
          flags: take(Uint8Array, h.lines),
          values: h.columns.values,
          codes: h.columns.wide.map((wide) => (wide ? take(Uint16Array, h.lines) : take(Uint8Array, h.lines))),
        }
      );
    });
    columns.forEach((c, i) => (segments[i].columns = c ?? undefined));
    return true;
  } catch {
    return false;
  }
}
