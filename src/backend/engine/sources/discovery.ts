/**
 * Finding the log files under the configured roots and grouping each live file with its rotated
 * siblings into one logical source.
 *
 * Security: every path is resolved with realpath and must lie inside an allowed directory (the
 * roots, the directory of an explicitly configured access-log path, and only the access log's
 * directory under $KAMIWAZA_ROOT). Symlinks pointing outside are skipped with a problem noted;
 * `..` in configured relative paths is rejected. Missing or unreadable paths become problems,
 * never exceptions. A file's format comes from its first lines (`sniff.ts`), else from its name; a
 * Traefik access log is recognised wherever it lies (source `access`). Discovery is synchronous (a few directory listings) so diagnostics can call it
 * without awaiting.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { accessFormat, jsonFormat, textFormat, type LineFormat } from '../readers/formats';
import { formatOf, isAccessKind, sniffFiles } from './sniff';
import { DEFAULT_ACCESS_LOG_PATH, KAMIWAZA_LOG_FILES } from '../../../shared/kamiwaza';
import { ACCESS_SERVICE, UNKNOWN_SERVICE } from '../readers/labels';
import { isInside } from './safeOpen';

export interface StoreConfig {
  /** Log directories ($KAMIWAZA_LOG_DIR). */
  roots: string[];
  /** Traefik access log: absolute, or relative to each root and to `kamiwazaRoot`. */
  accessLogPath?: string;
  kamiwazaRoot?: string;
}

export interface SourceFile {
  /** Real absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  gzip: boolean;
  /** The live file (not a rotated sibling). */
  live: boolean;
  /** Rotation order from the name: 0 live, larger = older (used when times are unknown). */
  age: number;
}

export interface LogicalSource {
  /** Stream label `source`. */
  source: string;
  /** Stream label `filename`: the live file's absolute path, even when only siblings exist. */
  filename: string;
  format: LineFormat;
  defaultService: string;
  /** Newest first by name. */
  files: SourceFile[];
}

export interface Discovery {
  sources: LogicalSource[];
  /** Unreadable roots, links escaping the roots, ... */
  problems: string[];
  /** Set when no access log exists at any candidate location (not a problem for other queries). */
  accessLogMissing?: string;
  /** Real directories files may be read from (the roots and the access log's directories). */
  allowed: string[];
}

const KNOWN: Record<string, { source: string; format: LineFormat }> = Object.fromEntries(
  Object.entries(KAMIWAZA_LOG_FILES).map(([name, source]) => [
    name,
    { source, format: name.endsWith('.jsonl') ? jsonFormat : textFormat },
  ])
);

/**
 * `base[.N | .DATE | -DATE][.gz]` where base ends in .jsonl or .log. DATE: 2026-11-20, 20261120,
 * optionally with a time.
 */
const ROTATED =
  /^(.+?\.(?:jsonl|log))(?:[.-](\d{1,6}|\d{4}-?\d{2}-?\d{2}(?:[T_.-]?\d{2}[:.-]?\d{2}(?:[:.-]?\d{2})?)?))?(\.gz)?$/;

const MAX_DEPTH = 6;
const MAX_ENTRIES = 20_000;

export function parseRotatedName(name: string): { base: string; suffix?: string; gzip: boolean } | undefined {
  const m = ROTATED.exec(name);
  return m ? { base: m[1], suffix: m[2], gzip: m[3] !== undefined } : undefined;
}

/** Rotation age from the suffix: numbers as written, dates so that newer dates sort first. */
function ageOf(suffix: string | undefined, gzip: boolean): number {
  if (suffix === undefined) {
    return gzip ? 0.5 : 0;
  }
  if (suffix.length <= 6) {
    return Number(suffix);
  }
  const digits = Number(suffix.replace(/\D/g, '').padEnd(14, '0'));
  return 1e15 - digits;
}

function tryRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function tryStat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function hasDotDot(path: string): boolean {
  return path.split(/[\\/]/).includes('..');
}

export function discoverSources(config: StoreConfig): Discovery {
  const problems: string[] = [];
  const allowed: string[] = [];
  const roots: string[] = [];
  for (const root of config.roots) {
    const real = tryRealpath(resolve(root));
    if (real === undefined || !tryStat(real)?.isDirectory()) {
      problems.push(`log root ${root} does not exist or is not a readable directory`);
      continue;
    }
    roots.push(real);
    allowed.push(real);
  }

  // The access log: each candidate location's real path; its directory becomes readable.
  const accessPath = config.accessLogPath ?? DEFAULT_ACCESS_LOG_PATH;
  // Each candidate with the directory its real path must stay in (none for an absolute setting).
  const accessCandidates: Array<{ path: string; base?: string }> = [];
  if (hasDotDot(accessPath)) {
    problems.push(`access log path ${accessPath} contains ".." and is ignored`);
  } else if (isAbsolute(accessPath)) {
    accessCandidates.push({ path: accessPath });
  } else {
    for (const root of config.roots) {
      accessCandidates.push({ path: join(resolve(root), accessPath), base: resolve(root) });
    }
    if (config.kamiwazaRoot) {
      const base = resolve(config.kamiwazaRoot);
      accessCandidates.push({ path: join(base, accessPath), base });
    }
  }
  const accessLiveNames = new Set<string>();
  const accessDirs: string[] = [];
  for (const { path: candidate, base } of accessCandidates) {
    const dir = tryRealpath(dirname(candidate));
    if (dir === undefined) {
      continue;
    }
    // A relative setting must not leave its base through a symlinked directory.
    const realBase = base === undefined ? undefined : tryRealpath(base);
    if (base !== undefined && (realBase === undefined || !isInside(dir, realBase))) {
      problems.push(`access log path ${candidate} leads outside ${base} (${dir}) and is ignored`);
      continue;
    }
    // An absolute configured path or one under $KAMIWAZA_ROOT is trusted for that directory only.
    if (!allowed.some((a) => isInside(dir, a))) {
      allowed.push(dir);
    }
    accessDirs.push(dir);
    accessLiveNames.add(join(dir, basename(candidate)));
  }

  const groups = new Map<string, { dir: string; base: string; files: SourceFile[] }>();
  const addFile = (dir: string, name: string, st: Stats, realPath: string) => {
    const rotated = parseRotatedName(name);
    if (rotated === undefined) {
      return;
    }
    const key = join(dir, rotated.base);
    let group = groups.get(key);
    if (group === undefined) {
      group = { dir, base: rotated.base, files: [] };
      groups.set(key, group);
    }
    if (group.files.some((f) => f.path === realPath)) {
      return;
    }
    group.files.push({
      path: realPath,
      size: st.size,
      mtimeMs: st.mtimeMs,
      dev: st.dev,
      ino: st.ino,
      gzip: rotated.gzip,
      live: rotated.suffix === undefined && !rotated.gzip,
      age: ageOf(rotated.suffix, rotated.gzip),
    });
  };

  const visited = new Set<string>();
  let entries = 0;
  const walk = (dir: string, depth: number) => {
    if (visited.has(dir) || depth > MAX_DEPTH) {
      return;
    }
    visited.add(dir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      problems.push(`cannot list ${dir}: ${(e as Error).message}`);
      return;
    }
    for (const name of names.sort()) {
      if (++entries > MAX_ENTRIES) {
        if (entries === MAX_ENTRIES + 1) {
          problems.push(`more than ${MAX_ENTRIES} entries under the log roots; the rest is ignored`);
        }
        return;
      }
      const path = join(dir, name);
      const real = tryRealpath(path);
      if (real === undefined) {
        problems.push(`cannot resolve ${path} (dangling link or no permission)`);
        continue;
      }
      if (!allowed.some((a) => isInside(real, a))) {
        problems.push(`${path} points outside the log roots (${real}) and is ignored`);
        continue;
      }
      const st = tryStat(real);
      if (st?.isDirectory()) {
        if (parseRotatedName(name) !== undefined) {
          problems.push(`${path} is a directory named like a log file; only the files inside it are read`);
        }
        walk(real, depth + 1);
      } else if (st?.isFile()) {
        addFile(dirname(real), basename(real), st, real);
      } else if (st !== undefined && parseRotatedName(name) !== undefined) {
        problems.push(`${path} is not a regular file (FIFO, socket or device) and is skipped`);
      }
    }
  };
  for (const root of roots) {
    walk(root, 0);
  }
  // The access log's own directory (e.g. under $KAMIWAZA_ROOT, outside the roots): siblings only.
  for (const dir of accessDirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const real = tryRealpath(join(dir, name));
      const st = real === undefined ? undefined : tryStat(real);
      if (
        real !== undefined &&
        st?.isFile() &&
        isInside(real, dir) &&
        [...accessLiveNames].some((live) => parseRotatedName(name)?.base === basename(live))
      ) {
        addFile(dir, name, st, real);
      }
    }
  }

  const sources: LogicalSource[] = [];
  for (const [livePath, group] of groups) {
    group.files.sort((a, b) => a.age - b.age);
    const known = KNOWN[group.base];
    const configuredAccess = accessLiveNames.has(livePath);
    // The content decides, the name when the content does not (an empty or unreadable file).
    const sniffed = configuredAccess ? undefined : sniffFiles(group.files.filter((f) => f.size > 0));
    const isAccess = configuredAccess || isAccessKind(sniffed);
    const format =
      sniffed !== undefined
        ? formatOf(sniffed)
        : isAccess
          ? accessFormat
          : (known?.format ?? (group.base.endsWith('.jsonl') ? jsonFormat : textFormat));
    const source = isAccess ? 'access' : (known?.source ?? group.base.replace(/\.(jsonl|log)$/, ''));
    sources.push({
      source,
      filename: livePath,
      format,
      defaultService: isAccess ? ACCESS_SERVICE : UNKNOWN_SERVICE,
      files: group.files,
    });
  }
  const accessLogMissing = sources.some((s) => s.source === 'access')
    ? undefined
    : `no Traefik access log found (looked for ${accessCandidates.map((c) => c.path).join(', ') || 'nothing: no valid path configured'})`;
  sources.sort((a, b) =>
    a.source === b.source ? a.filename.localeCompare(b.filename) : a.source.localeCompare(b.source)
  );
  return { sources, problems, accessLogMissing, allowed };
}
