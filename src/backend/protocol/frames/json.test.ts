import { frameToJson } from './json';

describe('frameToJson', () => {
  const frame = {
    name: 'tail',
    refId: 'A',
    meta: {
      type: 'log-lines' as const,
      typeVersion: [0, 0] as [number, number],
      preferredVisualisationType: 'logs' as const,
    },
    fields: [
      { name: 'timestamp', type: 'time' as const, values: [1700000000123.5, 1700000000124] },
      { name: 'body', type: 'string' as const, values: ['a', null] },
      { name: 'value', type: 'number' as const, values: [NaN, Infinity], labels: { level: 'info' } },
      { name: 'count', type: 'int64' as const, values: [BigInt(3), 4] },
      { name: 'labels', type: 'json' as const, values: [{ app: 'x' }, null] },
    ],
  };

  it('writes schema before data, with Grafana field types and Go type info', () => {
    const text = frameToJson(frame);
    expect(text.indexOf('"schema"')).toBeLessThan(text.indexOf('"data"'));
    const json = JSON.parse(text);
    expect(json.schema).toEqual({
      name: 'tail',
      refId: 'A',
      meta: { type: 'log-lines', typeVersion: [0, 0], preferredVisualisationType: 'logs' },
      fields: [
        { name: 'timestamp', type: 'time', typeInfo: { frame: 'time.Time' } },
        { name: 'body', type: 'string', typeInfo: { frame: 'string', nullable: true } },
        { name: 'value', type: 'number', typeInfo: { frame: 'float64' }, labels: { level: 'info' } },
        { name: 'count', type: 'number', typeInfo: { frame: 'int64' } },
        { name: 'labels', type: 'other', typeInfo: { frame: 'json.RawMessage', nullable: true } },
      ],
    });
  });

  it('writes time as epoch ms with sub-ms nanos, NaN/Inf as null listed in entities', () => {
    const { data } = JSON.parse(frameToJson(frame));
    expect(data.values).toEqual([
      [1700000000123, 1700000000124],
      ['a', null],
      [null, null],
      [3, 4],
      [{ app: 'x' }, null],
    ]);
    expect(data.nanos).toEqual([[500000, 0], null, null, null, null]);
    expect(data.entities).toEqual([null, null, { NaN: [0], Inf: [1] }, null, null]);
  });

  it('writes only data for later Live packets, and omits nanos/entities when not needed', () => {
    const json = JSON.parse(frameToJson({ fields: [{ name: 't', type: 'time', values: [1000] }] }, 'data'));
    expect(json).toEqual({ data: { values: [[1000]] } });
  });

  it('writes only the schema when asked', () => {
    expect(Object.keys(JSON.parse(frameToJson(frame, 'schema')))).toEqual(['schema']);
  });
});
