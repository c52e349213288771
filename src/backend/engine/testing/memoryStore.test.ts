import { emptyStats, type LogRecord, type ScanRequest } from '../model';
import { createMemoryLogStore } from './memoryStore';

const store = createMemoryLogStore([
  { ts: 1, line: 'one', stream: { app: 'api', env: 'prod' } },
  { ts: 2, line: 'two', stream: { app: 'web' }, metadata: { detected_level: 'error' } },
  { ts: 3, line: 'three', stream: { app: 'api', env: 'dev' } },
]);

async function lines(request: Partial<ScanRequest>): Promise<string[]> {
  const out: LogRecord[] = [];
  for await (const batch of store.scan(
    { matchers: [], fromMs: 0, toMs: 10, direction: 'forward', ...request },
    emptyStats()
  )) {
    out.push(...batch);
  }
  return out.map((r) => r.line);
}

describe('memory LogStore', () => {
  it('matches selectors (regexes anchored; a missing label is empty)', async () => {
    expect(await lines({ matchers: [{ name: 'app', op: '=', value: 'api' }] })).toEqual(['one', 'three']);
    expect(await lines({ matchers: [{ name: 'app', op: '=~', value: 'a' }] })).toEqual([]);
    expect(await lines({ matchers: [{ name: 'app', op: '=~', value: 'a.*' }] })).toEqual(['one', 'three']);
    expect(await lines({ matchers: [{ name: 'env', op: '!=', value: 'prod' }] })).toEqual(['two', 'three']);
    expect(await lines({ matchers: [{ name: 'detected_level', op: '=', value: 'error' }] })).toEqual(['two']);
  });

  it('serves [from, to) in the requested direction, filtered by mustContain', async () => {
    expect(await lines({ fromMs: 2, toMs: 3 })).toEqual(['two']);
    expect(await lines({ direction: 'backward' })).toEqual(['three', 'two', 'one']);
    expect(await lines({ mustContain: ['t', 'e'] })).toEqual(['three']);
  });

  it('counts stats and stops on cancellation', async () => {
    const stats = emptyStats();
    const controller = new AbortController();
    controller.abort();
    for await (const batch of store.scan(
      { matchers: [], fromMs: 0, toMs: 10, direction: 'forward', signal: controller.signal },
      stats
    )) {
      expect(batch).toBeUndefined();
    }
    expect(stats.truncated).toBe('cancelled');
  });

  it('lists label names and values in range', async () => {
    expect(await store.labelNames(0, 10)).toEqual(['app', 'detected_level', 'env']);
    expect(await store.labelValues('env', 0, 10, [{ name: 'app', op: '=', value: 'api' }])).toEqual(['dev', 'prod']);
  });
});
