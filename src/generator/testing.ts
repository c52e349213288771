/**
 * Helpers for the generator's tests: read a file's stream (rotated siblings oldest first,
 * gzip decompressed) and parse the formats with patterns written from docs/log-formats.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { siblingsOf } from './files';

/** The file's rotated siblings, oldest first, then the live file. */
export function streamParts(file: string): string[] {
  const rank = (p: string): [number, string] => {
    const suffix = p.slice(file.length).replace(/\.gz$/, '');
    if (suffix === '') {
      return [2, ''];
    }
    const n = /^\.(\d+)$/.exec(suffix);
    // Numbered: higher is older. Dated: earlier is older.
    return n ? [0, String(1e9 - Number(n[1])).padStart(10, '0')] : [1, suffix];
  };
  return siblingsOf(file).sort((a, b) => {
    const [ra, ka] = rank(a);
    const [rb, kb] = rank(b);
    return ra - rb || ka.localeCompare(kb);
  });
}

export function readPart(p: string): Buffer {
  const raw = fs.readFileSync(p);
  return p.endsWith('.gz') ? zlib.gunzipSync(raw) : raw;
}

/** The records' lines of one part (split on "\n"; a final empty string dropped). */
export function linesOf(buf: Buffer): string[] {
  const lines = new TextDecoder('utf-8').decode(buf).split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

const created: string[] = [];

/** A fresh directory under the OS temp dir; `removeTempDirs` deletes them all. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kz-gen-${label}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  created.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
}

// Patterns from docs/log-formats.md.
export const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
export const APP_TEXT =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - ([a-z][\w.]*) - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - (?:\[trace_id=([0-9a-f]{32}) span_id=([0-9a-f]{16})\] )?(.*)$/;
export const DAEMON_TEXT =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] ([a-z][\w.]*): (.+)$/;
export const CORE_TEXT =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (DEBUG|INFO|WARNING|ERROR|CRITICAL) ([a-z][\w.]*) pid=(\d+) (.+)$/;
export const CLF =
  /^(\S+) - (\S+) \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) \+0000\] "(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (\S+) (HTTP\/[\d.]+)" (\d{3}) (\d+) "([^"]*)" "([^"]*)" (\d+) "([^"]+)" "([^"]+)" (\d+)ms$/;
/** A line that starts a new record (anything else continues the previous one). */
export const STARTS_WITH_TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Epoch ms of a CLF match (groups 3-6). */
export function clfMs(m: RegExpExecArray): number {
  return Date.parse(`${m[5]}-${String(MONTHS.indexOf(m[4]) + 1).padStart(2, '0')}-${m[3]}T${m[6]}Z`);
}

/** Epoch ms of `2026-11-20 10:00:00,123` (UTC). */
export function pythonMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T').replace(',', '.')}Z`);
}
