/** Index builds and queries: a build waits for the queries that run when it is due. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

it('starts building only when the query that was running at start-up has ended, and says what it covers', async () => {
  const store = createFileLogStore({ roots: [logs] }, { index: { inThread: true } });
  // The store opens every file at once to start indexing; a query is already running.
  const ended = store.queryStarted();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const files = readdirSync(logs).length; // the live file and its rotated siblings
  expect(files).toBeGreaterThan(1);
  expect(await store.indexStatus()).toMatchObject({ files, coveredFiles: 0, coveredBytes: 0, memoryBytes: 0 });
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
