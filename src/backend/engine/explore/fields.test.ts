import { createMemoryLogStore } from '../testing/memoryStore';
import { detectFields } from './fields';

const T0 = Date.UTC(2026, 10, 20);
const stream = { source: 'application', service_name: 'api', filename: '/l/application.jsonl' };

describe('detectFields', () => {
  const store = createMemoryLogStore([
    {
      ts: T0 + 1,
      line: 'user=ann',
      stream,
      metadata: { n: '1', x: '1.5', ok: 'true', took: '5ms', size: '10KB', mixed: '1' },
    },
    {
      ts: T0 + 2,
      line: 'user=bob',
      stream,
      metadata: { n: '2', x: '2', ok: 'false', took: '1h', size: '1.5 GiB', mixed: 'x' },
    },
    {
      ts: T0 + 3,
      line: 'user=ann',
      stream,
      metadata: { n: '2', x: '-3e2', ok: 'T', took: '90s', size: '3 MB', mixed: '' },
    },
  ]);
  const detect = (query: string, lineLimit = 100) =>
    detectFields(store, { query, fromMs: T0, toMs: T0 + 10, lineLimit, fieldLimit: 100 });

  it('types a field by every sampled value (int, float, boolean, duration, bytes, else string) and counts distinct values', async () => {
    const { fields, sampledLines } = await detect('{source="application"} | logfmt');
    expect(sampledLines).toBe(3);
    expect(fields).toEqual([
      { label: 'mixed', type: 'string', cardinality: 2, parsers: null },
      { label: 'n', type: 'int', cardinality: 2, parsers: null },
      { label: 'ok', type: 'boolean', cardinality: 3, parsers: null },
      { label: 'size', type: 'bytes', cardinality: 3, parsers: null },
      { label: 'took', type: 'duration', cardinality: 3, parsers: null },
      { label: 'user', type: 'string', cardinality: 2, parsers: ['logfmt'] },
      { label: 'x', type: 'float', cardinality: 3, parsers: null },
    ]);
  });

  it('samples the newest lines first and only those that pass the pipeline', async () => {
    const newest = await detect('{source="application"}', 1);
    expect(newest.fields.find((f) => f.label === 'took')).toMatchObject({ cardinality: 1, type: 'duration' });
    const filtered = await detect('{source="application"} | logfmt | user="bob"');
    expect(filtered.sampledLines).toBe(1);
    expect(filtered.fields.find((f) => f.label === 'n')).toMatchObject({ type: 'int', cardinality: 1 });
  });
});
