/** Index builds and queries: a build waits for the queries that run when it is due. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateLogs } from '../testing/generated';
import { runQuery } from '../query';
import { createFileLogStore } from '../store';

let root: string;
let logs: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kw-blocks-'));
  logs = join(root, 'logs');
  await generateLogs(logs, ['--size', '1MB', '--days', '1', '--seed', '8', '--only', 'application.jsonl']);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('opens its files and builds only when the query that was running at start-up has ended, and says what it covers', async () => {
  const store = createFileLogStore({ roots: [logs] }, { index: { inThread: true } });
  // The store opens every file to start indexing, after the query that made it (it opens what it
  // reads itself), or when that one has run for a while (RunningQueries.ended).
  const ended = store.queryStarted();
  let seen = false;
  const whileRunning = store.indexStatus().then((s) => ((seen = true), s));
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(seen).toBe(false);
  const files = readdirSync(logs).length; // the live file and its rotated siblings
  expect(files).toBeGreaterThan(1);
  expect(await whileRunning).toMatchObject({ files, coveredFiles: 0, coveredBytes: 0, memoryBytes: 0 });
  ended();
  await store.indexIdle();
  const status = (await store.indexStatus())!;
  expect(status).toMatchObject({ files, coveredFiles: files, failed: [] });
  expect(status.bytes).toBe(readdirSync(logs).reduce((n, name) => n + statSync(join(logs, name)).size, 0));
  // All but the live file's last line, which its build leaves to the next one (it may grow).
  expect(status.coveredBytes).toBeLessThan(status.bytes);
  expect(status.coveredBytes).toBeGreaterThan(status.bytes - 4096);
  expect(status.memoryBytes).toBeGreaterThan(0);
});

it('lists the warning and error records of a file, reads those of the asked levels and time only, and lists none of a file of errors only', async () => {
  const dir = join(root, 'levels');
  mkdirSync(dir);
  const start = Date.UTC(2026, 10, 19);
  // One error and one warning every 20 lines in one file; nothing but errors in the other.
  const lines = (errorEvery: number) =>
    Array.from({ length: 10_000 }, (_, i) => {
      const level = i % errorEvery === 0 ? 'ERROR' : i % errorEvery === 10 ? 'WARNING' : 'INFO';
      const ts = new Date(start + i * 1000).toISOString();
      return `{"timestamp":"${ts}","level":"${level}","service":"kamiwaza.api","message":"line ${i}"}\n`;
    }).join('');
  writeFileSync(join(dir, 'application.jsonl'), lines(20));
  writeFileSync(join(dir, 'audit-events.jsonl'), lines(1));
  const store = createFileLogStore({ roots: [dir] }, { index: { inThread: true } });
  await store.indexIdle();
  const records = (source: string, level: string, fromLine = 0) =>
    runQuery(store, {
      query: `{source="${source}"} | detected_level="${level}"`,
      startMs: start + fromLine * 1000,
      endMs: start + 86_400_000,
      limit: 5000,
    });
  const sparse = await records('application', 'error');
  expect(sparse.stats.indexListedLines).toBe(500);
  expect(sparse.stats.linesReturned).toBe(500);
  // Lines 5000-9999: 250 warnings, and no error or earlier line read.
  const lateWarnings = await records('application', 'warn', 5000);
  expect(lateWarnings.stats.indexListedLines).toBe(250);
  expect(lateWarnings.stats.linesReturned).toBe(250);
  const dense = await records('audit', 'error');
  expect(dense.stats.indexListedLines).toBe(0);
  expect(dense.stats.linesReturned).toBe(5000);
});

it("reads only a gzip sibling's listed records, completing those that run past an inflated chunk, and skips one without any", async () => {
  const dir = join(root, 'gzip-levels');
  mkdirSync(dir);
  const day = Date.UTC(2026, 10, 18);
  const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  // Every tenth record an error with a 2 KB traceback: the 4 MB file's inflated chunks (1 MiB)
  // end inside some of them.
  const text = (errors: boolean) =>
    Array.from({ length: 20_000 }, (_, i) => {
      const head = `${stamp(day + i * 4000)} [${errors && i % 10 === 0 ? 'ERROR' : 'INFO'}] kamiwazad.supervisor:`;
      if (!(errors && i % 10 === 0)) {
        return `${head} heartbeat ${i}\n`;
      }
      const frames = Array.from({ length: 24 }, (_, f) => `  File "/opt/kamiwaza/step_${f}.py", line ${f}, in run\n`);
      return `${head} service worker-${i} failed\nTraceback (most recent call last):\n${frames.join('')}RuntimeError: ${i}\n`;
    }).join('');
  writeFileSync(join(dir, 'kamiwazad.log.2026-11-18.gz'), gzipSync(text(true)));
  writeFileSync(join(dir, 'kamiwazad.log.2026-11-17.gz'), gzipSync(text(false).replaceAll('2026-11-18', '2026-11-17')));
  writeFileSync(join(dir, 'kamiwazad.log'), `${stamp(day + 86_400_000)} [INFO] kamiwazad.main: started\n`);
  const indexed = createFileLogStore({ roots: [dir] }, { index: { inThread: true } });
  await indexed.indexIdle();
  const plain = createFileLogStore({ roots: [dir] });
  const request = (query: string) => ({ query, startMs: day - 86_400_000, endMs: day + 2 * 86_400_000, limit: 5000 });
  // A gzip file's first whole read learns its time span (a listed read would not see it all).
  await runQuery(indexed, {
    ...request('sum(count_over_time({source="kamiwazad"} |= "heartbeat" [1d]))'),
    stepMs: 86_400_000,
  });
  for (const query of [
    '{source="kamiwazad"} | detected_level="error"',
    'sum by (detected_level) (count_over_time({source="kamiwazad"} | detected_level="error" |= "RuntimeError" [1h]))',
  ]) {
    const expected = await runQuery(plain, { ...request(query), stepMs: 3_600_000 });
    const served = await runQuery(indexed, { ...request(query), stepMs: 3_600_000 });
    expect(served.stats.indexListedLines).toBe(2000);
    // And the live file's last line, which its index leaves to the next build; the sibling
    // without errors is not even opened.
    expect(served.stats.linesScanned).toBe(2001);
    expect(served.stats.filesRead).toBe(2);
    expect(served.stats.indexBytesSkipped).toBeGreaterThanOrEqual(
      statSync(join(dir, 'kamiwazad.log.2026-11-17.gz')).size
    );
    expect(expected.stats.linesScanned).toBeGreaterThan(40_000);
    expect({ ...served, stats: undefined }).toEqual({ ...expected, stats: undefined });
  }
  // Whole records: each one's traceback ends with its own number.
  const logs = await runQuery(indexed, request('{source="kamiwazad"} | detected_level="error"'));
  const entries = logs.resultType === 'streams' ? logs.streams.flatMap((s) => s.entries) : [];
  expect(entries).toHaveLength(2000);
  expect(entries.filter((e) => !e.line.endsWith(`RuntimeError: ${/worker-(\d+)/.exec(e.line)?.[1]}`))).toEqual([]);
});
