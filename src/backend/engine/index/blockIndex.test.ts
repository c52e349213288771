/** Index builds and queries: a build waits for the queries that run when it is due. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../testing/generated';
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
