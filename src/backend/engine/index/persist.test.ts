/** The persisted index: a restarted store answers from it at once; a changed file is not trusted. */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runQuery, type QueryResult } from '../query';
import { generateLogs } from '../testing/generated';
import { createFileLogStore } from '../store';
import { indexCacheDir } from './cacheDir';
import { pruneIndexes, writeParts } from './persist';

const END_MS = Date.UTC(2026, 10, 20);
const volume = {
  query: 'sum by (detected_level) (count_over_time({source="application"} [1h]))',
  startMs: END_MS - 86_400_000,
  endMs: END_MS,
  stepMs: 3_600_000,
};

const errorLines = {
  query: '{source="application"} | detected_level=~"error|critical"',
  startMs: END_MS - 86_400_000,
  endMs: END_MS,
  limit: 5000,
};

/** The answer's series (the volume query is a range query: a matrix). */
function series(result: QueryResult) {
  if (result.resultType !== 'matrix') {
    throw new Error(`expected a matrix, got ${result.resultType}`);
  }
  return result.series;
}

/** The answer's streams (a log query). */
function streams(result: QueryResult) {
  if (result.resultType !== 'streams') {
    throw new Error(`expected streams, got ${result.resultType}`);
  }
  return result.streams;
}

/** A store over `roots` whose index is built in this thread and saved to `cacheDir`. */
function indexedStore(cacheDir: string, roots = [logs]) {
  return createFileLogStore({ roots }, { index: { inThread: true, cacheDir } });
}

/** `logs`' index saved into a new cache directory `name`: the directory and its one cache file. */
async function savedIndex(name: string): Promise<{ cacheDir: string; file: string }> {
  const cacheDir = join(root, name);
  await indexedStore(cacheDir).indexIdle();
  const [file] = readdirSync(cacheDir);
  return { cacheDir, file };
}

let root: string;
let logs: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kw-persist-'));
  logs = join(root, 'logs');
  await generateLogs(logs, [
    '--size',
    '1MB',
    '--days',
    '1',
    '--seed',
    '5',
    '--only',
    'application.jsonl',
    '--no-rotate',
  ]);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('answers from the saved index right after a restart, and ignores it once the file was rewritten', async () => {
  const cacheDir = join(root, 'cache');
  const first = indexedStore(cacheDir);
  await first.indexIdle();
  const expected = await runQuery(first, volume);
  expect(readdirSync(cacheDir)).toHaveLength(1);

  // No build has run in the restarted store when it answers: the summaries come from disk.
  const restarted = indexedStore(cacheDir);
  const answer = await runQuery(restarted, volume);
  expect(answer.stats.summaryLines).toBeGreaterThan(0);
  expect(answer.stats.bytesScanned).toBeLessThan(4096);
  expect(series(answer)).toEqual(series(expected));
  // The level lists come from disk too: only the error records are read.
  const errors = await runQuery(restarted, errorLines);
  expect(errors.stats.indexListedLines).toBeGreaterThan(0);
  expect(errors.stats.bytesScanned).toBeLessThan(statSync(join(logs, 'application.jsonl')).size / 4);
  expect(streams(errors)).toEqual(streams(await runQuery(createFileLogStore({ roots: [logs] }), errorLines)));
  await restarted.indexIdle();

  // Rewritten in place (same inode, new first line): the saved index no longer applies.
  const path = join(logs, 'application.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.slice(1).join('\n'));
  const plain = createFileLogStore({ roots: [logs] });
  const third = indexedStore(cacheDir);
  const rewritten = await runQuery(third, volume);
  expect(rewritten.stats.summaryLines ?? 0).toBe(0);
  expect(series(rewritten)).toEqual(series(await runQuery(plain, volume)));
  await third.indexIdle();
});

/**
 * Runs `run` with cache files loaded `how`: read (Node's only way), or mapped as Bun maps them,
 * the mapping stood in for by the file's bytes (the checksum is then read from the file apart).
 */
async function loaded<T>(how: 'read' | 'mapped', run: () => Promise<T>): Promise<T> {
  const runtime = globalThis as { Bun?: unknown };
  if (how === 'mapped') {
    runtime.Bun = { mmap: (path: string) => new Uint8Array(readFileSync(path)) };
  }
  try {
    return await run();
  } finally {
    delete runtime.Bun;
  }
}

it('answers from a mapped cache file, whose checksum is read from the file', async () => {
  const { cacheDir } = await savedIndex('mapped');
  const expected = await runQuery(createFileLogStore({ roots: [logs] }), volume);
  const answer = await loaded('mapped', async () => {
    const restarted = indexedStore(cacheDir);
    const result = await runQuery(restarted, volume);
    await restarted.indexIdle();
    return result;
  });
  expect(answer.stats.summaryLines).toBeGreaterThan(0);
  expect(series(answer)).toEqual(series(expected));
});

it.each(['read', 'mapped'] as const)(
  'does not trust a saved index whose bytes were damaged after it was written (%s)',
  (how) => loaded(how, () => damagedIndexIgnored(`damaged-${how}`))
);

async function damagedIndexIgnored(directory: string): Promise<void> {
  const { cacheDir, file: name } = await savedIndex(directory);
  const damage = (how: (file: Buffer, headerEnd: number) => Uint8Array) => {
    const file = readFileSync(join(cacheDir, name));
    writeFileSync(join(cacheDir, name), how(file, file.indexOf(10)));
  };
  // Both keep the header valid JSON of the same version, path and identity.
  const flipArrays = (file: Buffer, headerEnd: number) => file.map((b, i) => (i > headerEnd ? b ^ 0xff : b));
  const relabel = (file: Buffer) =>
    Buffer.from(file.toString('latin1').replace(/"detected_level":"info"/g, '"detected_level":"warn"'), 'latin1');

  const traceId = /"trace_id":"([0-9a-f]{32})"/.exec(readFileSync(join(logs, 'application.jsonl'), 'utf8'))![1];
  const trace = { query: `{source="application"} |= "${traceId}"`, startMs: volume.startMs, endMs: END_MS, limit: 100 };
  const plain = createFileLogStore({ roots: [logs] });
  // Each query is the first of a restarted store (the one that reads the saved index), and each
  // restarted store saves the index it rebuilt.
  for (const [query, how] of [
    [volume, flipArrays],
    [trace, flipArrays],
    [volume, relabel],
  ] as const) {
    damage(how);
    const restarted = indexedStore(cacheDir);
    const answer = await runQuery(restarted, query);
    const expected = await runQuery(plain, query);
    expect(answer.stats.summaryLines ?? 0).toBe(0);
    expect(answer.stats.indexBytesSkipped ?? 0).toBe(0);
    if (answer.resultType === 'streams') {
      expect(streams(answer).length).toBeGreaterThan(0);
      expect(streams(answer)).toEqual(streams(expected));
    } else {
      expect(series(answer)).toEqual(series(expected));
    }
    await restarted.indexIdle();
  }
}

it('leaves no temporary file behind when a save fails', async () => {
  const { cacheDir, file: name } = await savedIndex('unwritable');
  // A directory where the cache file goes: the temporary file is written, the rename fails.
  rmSync(join(cacheDir, name));
  mkdirSync(join(cacheDir, name, 'occupied'), { recursive: true });
  const second = indexedStore(cacheDir);
  await runQuery(second, volume);
  await second.indexIdle();
  expect(readdirSync(cacheDir)).toEqual([name]);
  // The operator sees why (the data source's health check says it).
  expect((await second.indexStatus())?.saveError).toMatch(/EISDIR|directory/);
});

describe('cache files of log files that are gone', () => {
  /** A log directory of two files (a live one and a dated sibling) with their saved indexes. */
  async function indexedPair(name: string) {
    const dir = join(root, name);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const live = join(dir, 'logs', 'application.jsonl');
    const sibling = join(dir, 'logs', 'application.jsonl.2026-11-18');
    const bytes = readFileSync(join(logs, 'application.jsonl'));
    writeFileSync(sibling, bytes.subarray(0, bytes.lastIndexOf(10, bytes.length >> 1) + 1));
    writeFileSync(live, bytes.subarray(bytes.lastIndexOf(10, bytes.length >> 1) + 1));
    const cacheDir = join(dir, 'cache');
    const store = indexedStore(cacheDir, [join(dir, 'logs')]);
    await store.indexIdle();
    const saved = readdirSync(cacheDir);
    expect(saved).toHaveLength(2);
    return { dir, live, sibling, cacheDir, store, saved };
  }

  it('removes the cache file of a sibling deleted while the plugin runs', async () => {
    const { live, sibling, cacheDir, store, saved } = await indexedPair('deleted-while-running');
    rmSync(sibling);
    await runQuery(store, volume); // discovery notices the sibling is gone
    const left = readdirSync(cacheDir);
    expect(left).toHaveLength(1);
    expect(saved).toContain(left[0]);
    expect(readFileSync(join(cacheDir, left[0]), 'latin1')).toContain(JSON.stringify(live));
  });

  it('removes those of siblings deleted while it was stopped, and stale temporary files', async () => {
    const { live, sibling, cacheDir } = await indexedPair('deleted-while-stopped');
    rmSync(sibling);
    const stale = join(cacheDir, '0badcafe.kli.4242.tmp');
    const fresh = join(cacheDir, '0badcafe.kli.4243.tmp');
    writeFileSync(stale, 'partial');
    writeFileSync(fresh, 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    writeFileSync(join(cacheDir, 'notes.txt'), 'not ours');

    pruneIndexes(cacheDir);
    const left = readdirSync(cacheDir).sort();
    expect(left).toHaveLength(3);
    expect(left).toEqual(expect.arrayContaining([basename(fresh), 'notes.txt']));
    const kli = left.find((name) => name.endsWith('.kli'))!;
    expect(readFileSync(join(cacheDir, kli), 'latin1')).toContain(JSON.stringify(live));
  });

  it('keeps every cache file while the log files are there, and tolerates a missing directory', async () => {
    const { cacheDir, saved } = await indexedPair('all-present');
    pruneIndexes(cacheDir);
    expect(readdirSync(cacheDir).sort()).toEqual([...saved].sort());
    expect(() => pruneIndexes(join(root, 'no-such-cache'))).not.toThrow();
  });
});

it('writes the parts back to back through a small buffer, whatever their sizes', () => {
  // Parts smaller than, equal to and larger than the 16-byte buffer, empty ones, and runs of
  // small ones that fill it exactly or overflow it.
  const sizes = [3, 16, 0, 40, 5, 11, 16, 1, 17, 0, 2, 7, 7, 2, 33];
  const parts = sizes.map((n, i) => Buffer.alloc(n, 65 + i));
  const file = join(root, 'parts.bin');
  writeParts(file, parts, 16);
  expect(readFileSync(file)).toEqual(Buffer.concat(parts));
});

describe('indexCacheDir', () => {
  it('prefers the configured directory, then Grafana data, then the user cache', () => {
    expect(indexCacheDir({ KAMIWAZA_LOGS_INDEX_DIR: '/var/cache/kw', GF_PATHS_DATA: '/g' }, ['/logs'])).toBe(
      '/var/cache/kw'
    );
    expect(indexCacheDir({ KAMIWAZA_LOGS_INDEX_DIR: 'off', GF_PATHS_DATA: '/g' }, ['/logs'])).toBeUndefined();
    expect(indexCacheDir({ GF_PATHS_DATA: '/var/lib/grafana' }, ['/logs'])).toBe(
      '/var/lib/grafana/kamiwaza-logs/index'
    );
    expect(indexCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' }, ['/logs'])).toBe('/home/u/.cache/kamiwaza-logs/index');
    expect(indexCacheDir({ HOME: '/home/u' }, ['/logs'])).toBe('/home/u/.cache/kamiwaza-logs/index');
  });

  it('never writes inside a log root', () => {
    expect(indexCacheDir({ KAMIWAZA_LOGS_INDEX_DIR: '/logs/.index' }, ['/logs'])).toBeUndefined();
    expect(indexCacheDir({ GF_PATHS_DATA: '/opt/kamiwaza/logs/grafana' }, ['/opt/kamiwaza/logs'])).toBeUndefined();
    expect(indexCacheDir({ KAMIWAZA_LOGS_INDEX_DIR: '/logs-cache' }, ['/logs'])).toBe('/logs-cache');
  });
});

it('restores record columns when a query first wants them: the access log fields are read from disk, not from the log', async () => {
  const accessLogs = join(root, 'access-logs');
  await generateLogs(accessLogs, [
    '--size',
    '1MB',
    '--days',
    '1',
    '--seed',
    '6',
    '--only',
    'access.log',
    '--no-rotate',
  ]);
  const cacheDir = join(root, 'access-cache');
  await indexedStore(cacheDir, [accessLogs]).indexIdle();
  const percentiles = {
    query: 'quantile_over_time(0.5, {source="access"} | unwrap Duration [1h]) by (RequestMethod)',
    startMs: END_MS - 86_400_000,
    endMs: END_MS,
    stepMs: 3_600_000,
  };
  expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/\.klc$/), expect.stringMatching(/\.kli$/)]);
  const store = indexedStore(cacheDir, [accessLogs]);
  // A query that reads lines loads the index, but not its columns.
  const lines = await runQuery(store, {
    ...percentiles,
    query: 'sum by (source) (count_over_time({source="access"} |= "GET" [1h]))',
  });
  expect(lines.stats.indexColumnLines ?? 0).toBe(0);
  const withoutColumns = (await store.indexStatus())!.memoryBytes;
  const restarted = await runQuery(store, percentiles);
  expect((await store.indexStatus())!.memoryBytes).toBeGreaterThan(withoutColumns + 5000 * 10);
  expect(restarted.stats.indexColumnLines).toBeGreaterThan(1000);
  expect(restarted.stats.bytesScanned).toBeLessThan(4096);
  const expected = await runQuery(createFileLogStore({ roots: [accessLogs] }), percentiles);
  expect(series(restarted)).toEqual(series(expected));
  expect(series(expected).length).toBeGreaterThan(1);
});
