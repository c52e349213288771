/** Index builds and queries: a build waits for the queries that run when it is due. */
import { mkdtempSync, rmSync } from 'node:fs';
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

it('starts building only when the query that was running at start-up has ended', async () => {
  const store = createFileLogStore({ roots: [logs] }, { index: { inThread: true } });
  // The store opens every file at once to start indexing; a query is already running.
  const ended = store.queryStarted();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(store.indexMemoryBytes()).toBe(0);
  ended();
  await store.indexIdle();
  expect(store.indexMemoryBytes()).toBeGreaterThan(0);
});
