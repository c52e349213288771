import { Prng } from '../../../generator/prng';
import { decodeGrafanaFrame } from '../testing/grafana-frame';
import { frameToArrow } from './arrow';
import type { Frame } from './frame';

const decode = (frame: Frame) => decodeGrafanaFrame(frameToArrow(frame));

describe('frameToArrow', () => {
  it('writes an Arrow IPC file with name, refId and meta schema metadata', () => {
    const decoded = decode({
      name: 'logs',
      refId: 'A',
      meta: {
        type: 'log-lines',
        typeVersion: [0, 0],
        preferredVisualisationType: 'logs',
        executedQueryString: '{job="x"}',
        notices: [{ severity: 'warning', text: 'limit reached', inspect: 1 }],
        stats: [{ displayName: 'Bytes scanned', unit: 'decbytes', value: 1024 }],
        custom: { limit: 100 },
      },
      fields: [{ name: 'body', type: 'string', values: ['x'] }],
    });
    expect(decoded.name).toBe('logs');
    expect(decoded.refId).toBe('A');
    expect(decoded.meta).toEqual({
      type: 'log-lines',
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      executedQueryString: '{job="x"}',
      notices: [{ severity: 'warning', text: 'limit reached', inspect: 1 }],
      stats: [{ displayName: 'Bytes scanned', unit: 'decbytes', value: 1024 }],
      custom: { limit: 100 },
    });
  });

  it('encodes frames that share field objects each with its own name and refId', () => {
    // Identical queries asked at once share one result: their frames share its fields.
    const fields: Frame['fields'] = [
      { name: 'timestamp', type: 'time', values: [1_700_000_000_000, 1_700_000_001_000] },
      { name: 'labels', type: 'json', values: [{ a: '1' }, { a: '2' }] },
    ];
    const a = decode({ name: 'A', refId: 'A', fields });
    const b = decode({ name: 'B', refId: 'B', fields });
    expect([a.name, a.refId, b.name, b.refId]).toEqual(['A', 'A', 'B', 'B']);
    expect(b.fields.map((f) => f.values)).toEqual(a.fields.map((f) => f.values));
    expect(a.fields[1].values.map((v) => JSON.parse(Buffer.from(v as Uint8Array).toString()))).toEqual([
      { a: '1' },
      { a: '2' },
    ]);
  });

  it('adds typeVersion [0,0] when a type is set without one, as the Go SDK always writes it', () => {
    expect(decode({ meta: { type: 'timeseries-multi' }, fields: [] }).meta?.typeVersion).toEqual([0, 0]);
  });

  it('omits the meta key when the frame has no meta', () => {
    expect(decode({ fields: [] }).meta).toBeUndefined();
  });

  it('encodes any ms time to the nanosecond exactly, as integer arithmetic on BigInt gives it', () => {
    const random = new Prng(7);
    const values = [0, 0.001, 0.9996, 65_535.999, 65_536, 4_294_967.296, 8_999_999_999_999.999, -1.5, 9.3e12];
    for (let i = 0; i < 2000; i++) {
      values.push(Math.floor(random.float() * 4e12) + Math.round(random.float() * 1000) / 1000);
    }
    const [field] = decode({ fields: [{ name: 't', type: 'time', values }] }).fields;
    const expected = values.map((ms) => {
      const whole = Math.floor(ms);
      return BigInt.asIntN(
        64,
        BigInt(whole) * BigInt(1_000_000) + BigInt(Math.round((ms - whole) * 1000)) * BigInt(1000)
      );
    });
    expect(field.values).toEqual(expected);
  });

  it('encodes time as nanosecond timestamps, from ms numbers (µs fraction kept) and ns bigints', () => {
    const [field] = decode({
      fields: [{ name: 'timestamp', type: 'time', values: [1700000000123.456, BigInt('1700000000123456789'), 0] }],
    }).fields;
    expect(field.arrowType).toBe('Timestamp<NANOSECOND>');
    expect(field.tstype).toBe('time');
    expect(field.nullable).toBe(false);
    expect(field.values).toEqual([BigInt('1700000000123456000'), BigInt('1700000000123456789'), BigInt(0)]);
  });

  it('maps every field type to the Arrow type the Go decoder expects', () => {
    const decoded = decode({
      fields: [
        { name: 't', type: 'time', values: [1] },
        { name: 'n', type: 'number', values: [1.5] },
        { name: 'i', type: 'int64', values: [BigInt('9007199254740993')] },
        { name: 's', type: 'string', values: ['ü'] },
        { name: 'b', type: 'boolean', values: [true] },
        { name: 'j', type: 'json', values: [{ a: 1 }] },
        { name: 'e', type: 'enum', values: [1], config: { type: { enum: { text: ['ok', 'bad'] } } } },
      ],
    });
    expect(decoded.fields.map((field) => [field.name, field.arrowType, field.tstype])).toEqual([
      ['t', 'Timestamp<NANOSECOND>', 'time'],
      ['n', 'Float64', 'number'],
      ['i', 'Int64', 'number'],
      ['s', 'Utf8', 'string'],
      ['b', 'Bool', 'boolean'],
      ['j', 'Binary', 'other'],
      ['e', 'Uint16', 'enum'],
    ]);
    const values = decoded.fields.map((field) => field.values[0]);
    expect(values.slice(0, 5)).toEqual([BigInt(1_000_000), 1.5, BigInt('9007199254740993'), 'ü', true]);
    expect(JSON.parse(Buffer.from(values[5] as Uint8Array).toString())).toEqual({ a: 1 });
    expect(values[6]).toBe(1);
    expect(decoded.fields[6].config).toEqual({ type: { enum: { text: ['ok', 'bad'] } } });
  });

  it('never dictionary-encodes strings, even when repeated', () => {
    const [field] = decode({ fields: [{ name: 's', type: 'string', values: ['a', 'a', 'a', 'b'] }] }).fields;
    expect(field.arrowType).toBe('Utf8');
    expect(field.values).toEqual(['a', 'a', 'a', 'b']);
  });

  it('marks columns with nulls nullable and keeps the nulls, for every type', () => {
    const decoded = decode({
      fields: [
        { name: 't', type: 'time', values: [null, 5] },
        { name: 'n', type: 'number', values: [1, null] },
        { name: 'i', type: 'int64', values: [null, 2] },
        { name: 's', type: 'string', values: ['x', null] },
        { name: 'b', type: 'boolean', values: [null, false] },
        { name: 'j', type: 'json', values: [null, [1]] },
        { name: 'e', type: 'enum', values: [0, null] },
      ],
    });
    for (const field of decoded.fields) {
      expect(field.nullable).toBe(true);
      expect(field.values.filter((value) => value === null)).toHaveLength(1);
    }
    expect(decoded.fields[4].values).toEqual([null, false]);
  });

  it('honours an explicit nullable flag and rejects nulls in a non-nullable column', () => {
    expect(decode({ fields: [{ name: 's', type: 'string', values: ['x'], nullable: true }] }).fields[0].nullable).toBe(
      true
    );
    expect(() => frameToArrow({ fields: [{ name: 'body', type: 'string', values: [null], nullable: false }] })).toThrow(
      /non-nullable/
    );
  });

  it('writes labels and config as field metadata', () => {
    const [field] = decode({
      fields: [
        {
          name: 'value',
          type: 'number',
          values: [1],
          labels: { level: 'error' },
          config: { unit: 'short', min: null },
        },
      ],
    }).fields;
    expect(field.labels).toEqual({ level: 'error' });
    expect(field.config).toEqual({ unit: 'short', min: null });
  });

  it('encodes frames without fields and fields without rows', () => {
    const empty = decode({ name: 'nothing', meta: { type: 'log-lines' }, fields: [] });
    expect(empty.fields).toEqual([]);
    expect(empty.rows).toBe(0);
    const noRows = decode({
      fields: [
        { name: 'timestamp', type: 'time', values: [] },
        { name: 'body', type: 'string', values: [] },
      ],
    });
    expect(noRows.rows).toBe(0);
    expect(noRows.fields.map((field) => [field.arrowType, field.nullable])).toEqual([
      ['Timestamp<NANOSECOND>', false],
      ['Utf8', false],
    ]);
  });

  it('encodes frames larger than 4 MiB intact', () => {
    const line = 'x'.repeat(1000);
    const rows = 6000;
    const bytes = frameToArrow({
      fields: [
        { name: 'timestamp', type: 'time', values: Array.from({ length: rows }, (_, i) => i) },
        { name: 'body', type: 'string', values: Array.from({ length: rows }, (_, i) => `${i}:${line}`) },
      ],
    });
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    const decoded = decodeGrafanaFrame(bytes);
    expect(decoded.rows).toBe(rows);
    expect(decoded.fields[1].values[rows - 1]).toBe(`${rows - 1}:${line}`);
    expect(decoded.fields[0].values[rows - 1]).toBe(BigInt(rows - 1) * BigInt(1_000_000));
  });

  it('rejects ragged frames and meta the Go decoder would refuse', () => {
    expect(() =>
      frameToArrow({
        fields: [
          { name: 'a', type: 'number', values: [1, 2] },
          { name: 'b', type: 'number', values: [1] },
        ],
      })
    ).toThrow(/has 1 values, expected 2/);
    expect(() => frameToArrow({ meta: { typeVersion: [0.5, 1] as [number, number] }, fields: [] })).toThrow(
      /typeVersion/
    );
    expect(() =>
      frameToArrow({ meta: { notices: [{ severity: 'warn' as 'warning', text: 'x' }] }, fields: [] })
    ).toThrow(/severity/);
  });
});
