import { createMemoryLogStore } from '../testing/memoryStore';
import { tailQuery } from './tail';

const T0 = Date.UTC(2026, 0, 1);
const API = { app: 'api' };

describe('tailQuery', () => {
  it('replays from startMs, then follows new records through the pipeline', async () => {
    const store = createMemoryLogStore([
      { ts: T0 + 1000, line: 'old', stream: API },
      { ts: Date.now() - 1000, line: 'recent error', stream: API },
    ]);
    const controller = new AbortController();
    const seen: string[] = [];
    const iterator = tailQuery(store, {
      query: '{app="api"} |= "error"',
      signal: controller.signal,
      startMs: T0 + 2000,
    })[Symbol.asyncIterator]();
    const first = await iterator.next();
    first.value.forEach((s: { entries: Array<{ line: string }> }) => s.entries.forEach((e) => seen.push(e.line)));
    store.append([
      { ts: Date.now(), line: 'new error', stream: API },
      { ts: Date.now(), line: 'new info', stream: API },
      { ts: Date.now(), line: 'other error', stream: { app: 'web' } },
    ]);
    const second = await iterator.next();
    second.value.forEach((s: { entries: Array<{ line: string }> }) => s.entries.forEach((e) => seen.push(e.line)));
    controller.abort();
    expect(seen).toEqual(['recent error', 'new error']);
    expect((await iterator.next()).done).toBe(true);
  });

  it('refuses metric queries', async () => {
    const iterator = tailQuery(createMemoryLogStore([]), {
      query: 'count_over_time({app="api"}[1m])',
      signal: new AbortController().signal,
    });
    await expect(iterator[Symbol.asyncIterator]().next()).rejects.toThrow('only log queries can be tailed');
  });
});
