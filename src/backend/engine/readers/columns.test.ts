import type { LogRecord } from '../model';
import { answersLabels, ColumnRecord, ColumnsBuilder, ColumnTable } from './columns';
import { FLAG_CUT } from './context';
import { accessFormat } from './formats';

const ctx = { source: 'access', filename: '/logs/access.log', defaultService: 'traefik', fileKey: 'k' };
const LABELS = ['service_name', ...accessFormat.columnLabels];

function accessRecord(line: string, offset = 0, flags = 0): LogRecord {
  const bytes = Buffer.from(line);
  return accessFormat.record(ctx, 1000 + offset, bytes, 0, bytes.length, offset, flags);
}

const LINES = [
  '10.0.0.12 - bob [13/Nov/2026:00:00:48 +0000] "GET /api/cluster/nodes HTTP/1.1" 200 2909 "-" "OpenAI/Python 1.54.4" 1 "kamiwaza-api@docker" "http://172.18.0.5:7777" 17ms',
  '10.0.0.7 - - [13/Nov/2026:00:00:51 +0000] "POST /api/serving/chat HTTP/1.1" 503 0 "https://x/" "curl/8.5.0" 2 "kamiwaza-api@docker" "http://172.18.0.5:7777" 1276ms',
  'not an access line at all',
  '{"ClientHost":"10.0.0.9","RequestMethod":"PUT","DownstreamStatus":404,"Duration":5000000,"time":"2026-11-13T00:01:00Z"}',
];

/** A record whose labels are `value(name)`, but the error labels (it has none). */
function fakeRecord(value: (name: string) => string): LogRecord {
  return { label: (name: string) => (name.startsWith('__') ? undefined : value(name)) } as LogRecord;
}

/** Rows built from `records`, each staged and kept, at offsets 100 apart. */
function table(records: LogRecord[], labels = LABELS): ColumnTable | undefined {
  const builder = new ColumnsBuilder(labels, 5000, 5000 + records.length * 100);
  records.forEach((record, i) => {
    builder.stage(record, 5000 + i * 100, record.ts, i === 1 ? FLAG_CUT : 0);
    builder.commit();
  });
  const columns = builder.build();
  return columns && new ColumnTable(columns, ctx);
}

describe('record columns', () => {
  it('answer every kept label as the record itself does, CLF, JSON or malformed', () => {
    const records = LINES.map((line, i) => accessRecord(line, i * 100));
    const t = table(records)!;
    records.forEach((record, row) => {
      const fromColumns = new ColumnRecord(record.ts, t, row);
      for (const name of [...LABELS, 'source', 'filename', '__error__']) {
        expect([name, fromColumns.label(name)]).toEqual([name, record.label(name)]);
      }
      expect(fromColumns.stream).toEqual(record.stream);
    });
    expect(t.columns.offset).toEqual(Uint32Array.from([0, 100, 200, 300]));
    expect(t.columns.labels).toEqual(LABELS);
  });

  it('carry the cut flag as the line_truncated label', () => {
    const t = table(LINES.map((line) => accessRecord(line)))!;
    expect(new ColumnRecord(0, t, 1).label('line_truncated')).toBe('true');
    expect(new ColumnRecord(0, t, 0).label('line_truncated')).toBeUndefined();
  });

  it('fail loudly when asked for what they do not keep: the line, the id, another label', () => {
    const record = new ColumnRecord(0, table([accessRecord(LINES[0])])!, 0);
    expect(() => record.line).toThrow(/no line/);
    expect(() => record.id).toThrow(/no id/);
    expect(() => record.metadata).toThrow(/only the labels/);
    expect(() => record.label('RequestCount')).toThrow(/no RequestCount label/);
  });

  it('keep no columns for a segment with a record that has an error label', () => {
    const damaged = accessRecord('{"ClientHost": "10.0.0.1", "broken"');
    expect(damaged.label('__error__')).toBeDefined();
    expect(table([accessRecord(LINES[0]), damaged])).toBeUndefined();
  });

  it('drop a label with a value per record beyond 16-bit codes, and keep the others', () => {
    const n = 0x10000 + 10;
    const records = Array.from({ length: n }, (_, i) => fakeRecord((name) => (name === 'id' ? `v${i}` : `k${i % 3}`)));
    const t = table(records, ['id', 'kind'])!;
    expect(t.columns.labels).toEqual(['kind']);
    expect(t.columns.codes[0]).toBeInstanceOf(Uint8Array);
    expect(answersLabels(t.columns, ['kind', 'source', '__error__'])).toBe(true);
    expect(answersLabels(t.columns, ['id'])).toBe(false);
    expect(new ColumnRecord(0, t, n - 1).label('kind')).toBe(`k${(n - 1) % 3}`);
  });

  it('code a label of more than 255 values in 16 bits', () => {
    const records = Array.from({ length: 300 }, (_, i) => fakeRecord(() => `v${i}`));
    const t = table(records, ['id'])!;
    expect(t.columns.codes[0]).toBeInstanceOf(Uint16Array);
    expect(new ColumnRecord(0, t, 299).label('id')).toBe('v299');
  });
});
