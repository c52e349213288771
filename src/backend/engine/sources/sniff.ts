/**
 * Recognising a log file's format from its first lines, as lnav does, so a file is read right
 * wherever it lies and whatever it is called (a Traefik access log at `<root>/traefik/access.log`
 * is not a timestamp-less text log). The name decides only when the content does not.
 *
 * Each of the first SNIFF_LINES non-empty lines votes: a JSON object with Traefik's field names
 * (Traefik JSON), any other JSON object (JSON Lines), a common-log-format line with its `[date]`
 * (CLF, Traefik's default), a line starting with a timestamp (Python-logging text); lines none of
 * these read are not counted. The most votes win; a file whose sniffed lines all fail is
 * `untimed` (every line its own record). Reads are synchronous and small (discovery runs them).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { accessFormat, jsonFormat, linesFormat, textFormat, type LineFormat } from '../readers/formats';
import { parseClfFields } from '../readers/records';

export type SniffedKind = 'traefik-json' | 'jsonl' | 'clf' | 'text' | 'untimed';

/** Lines looked at, and the bytes read for them (compressed bytes for gzip). */
const SNIFF_LINES = 20;
const SNIFF_BYTES = 16 << 10;

/** Keys only Traefik's JSON access log writes (at least one is in every entry). */
const TRAEFIK_KEYS = ['"RequestMethod"', '"DownstreamStatus"', '"RouterName"', '"ClientHost"', '"StartUTC"'];

function classify(b: Buffer, start: number, end: number): SniffedKind | undefined {
  if (b[start] === 123) {
    const text = b.toString('latin1', start, end);
    if (TRAEFIK_KEYS.some((key) => text.includes(key))) {
      return 'traefik-json';
    }
    return Number.isNaN(jsonFormat.lineTs(b, start, end)) ? undefined : 'jsonl';
  }
  if (!Number.isNaN(textFormat.lineTs(b, start, end))) {
    return 'text';
  }
  if (!Number.isNaN(accessFormat.lineTs(b, start, end)) && parseClfFields(b.toString('utf8', start, end))) {
    return 'clf';
  }
  return undefined;
}

/** The kind of the lines at the start of `head`; undefined when it holds no complete line. */
export function sniffLines(head: Buffer): SniffedKind | undefined {
  const votes = new Map<SniffedKind, number>();
  let lines = 0;
  let s = 0;
  while (s < head.length && lines < SNIFF_LINES) {
    const nl = head.indexOf(10, s);
    if (nl < 0) {
      break; // an unfinished last line is not judged
    }
    let e = nl;
    while (e > s && (head[e - 1] === 13 || head[e - 1] === 32)) {
      e--;
    }
    if (e > s) {
      lines++;
      const kind = classify(head, s, e);
      if (kind !== undefined) {
        votes.set(kind, (votes.get(kind) ?? 0) + 1);
      }
    }
    s = nl + 1;
  }
  if (lines === 0) {
    return undefined;
  }
  let best: SniffedKind = 'untimed';
  let most = 0;
  for (const [kind, count] of votes) {
    if (count > most) {
      best = kind;
      most = count;
    }
  }
  return best;
}

export function formatOf(kind: SniffedKind): LineFormat {
  switch (kind) {
    case 'traefik-json':
    case 'clf':
      return accessFormat;
    case 'jsonl':
      return jsonFormat;
    case 'text':
      return textFormat;
    case 'untimed':
      return linesFormat;
  }
}

export function isAccessKind(kind: SniffedKind | undefined): boolean {
  return kind === 'traefik-json' || kind === 'clf';
}

/** The first bytes of a file (decompressed for gzip; a cut gzip stream gives what it holds). */
function headOf(path: string, gzip: boolean): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const read = buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
    return gzip ? gunzipSync(read, { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : read;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/**
 * The kind of the first of `files` whose head holds a complete line; undefined when none does.
 * Not cached: one 16 KiB read per source costs microseconds, and an inode can be reused by a
 * file of another kind.
 */
export function sniffFiles(files: ReadonlyArray<{ path: string; gzip: boolean }>): SniffedKind | undefined {
  for (const file of files) {
    const head = headOf(file.path, file.gzip);
    const kind = head === undefined ? undefined : sniffLines(head);
    if (kind !== undefined) {
      return kind;
    }
  }
  return undefined;
}
