/**
 * Split scans give the sequential scan's results: the same queries over a generated JSON Lines
 * file, through a store that splits every scan into parts (scanned in this thread under jest,
 * through the same sample batches a worker sends) and through the plain `scan` path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStats, type LogStore } from '../../model';
import { runQuery, type QueryRequest } from '../../query';
import type { FileLogStore } from '../../store';
import { splitAndSequentialStores } from '../../testing/splitStores';

const T0 = Date.UTC(2026, 10, 19, 0, 0, 0);
const HOUR = 3_600_000;
const LINES = 4000;
const SERVICES = ['kamiwaza.api', 'kamiwaza.auth', 'kamiwaza.models'];
const LEVELS = ['INFO', 'ERROR', 'warning', 'DEBUG', 'Critical', 'verbose'];

/** A day of lines, with untimed, malformed, invalid UTF-8 and slightly out-of-order lines. */
function generate(): Buffer {
  const parts: Buffer[] = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < LINES; i++) {
    const at = T0 + Math.floor((i / LINES) * 24 * HOUR) - (i % 17 === 0 ? 30_000 : 0);
    const line: Record<string, unknown> = {
      timestamp: new Date(at).toISOString(),
      level: LEVELS[Math.floor(random() * LEVELS.length)],
      service: SERVICES[Math.floor(random() * SERVICES.length)],
      message: `request ${i} took ${Math.floor(random() * 900)} ms`,
      duration_ms: Math.floor(random() * 900),
    };
    if (i % 101 === 0) {
      delete line.timestamp; // untimed: takes the previous line's time
    }
    parts.push(Buffer.from(JSON.stringify(line) + '\n'));
    if (i % 211 === 0) {
      parts.push(Buffer.from('Traceback (most recent call last): not JSON ERROR\n'));
    }
    if (i % 307 === 0) {
      parts.push(
        Buffer.from(`{"timestamp": "${new Date(at).toISOString()}", "level": "ERROR", "service": "kamiwaza.api"}\n`)
      );
    }
    if (i === 100) {
      // A clock jump: forward scans of ranges ending before it stop there, whatever follows.
      parts.push(
        Buffer.from(`{"timestamp":"${new Date(T0 + 23 * HOUR).toISOString()}","level":"INFO","message":"ahead"}\n`)
      );
    }
    if (i === LINES - 10) {
      // A late writer: scans ending before it stop at earlier lines and never count it.
      parts.push(
        Buffer.from(`{"timestamp":"${new Date(T0 + 2 * HOUR).toISOString()}","level":"INFO","message":"late"}\n`)
      );
    }
    if (i % 503 === 0) {
      parts.push(
        Buffer.concat([Buffer.from('{"level":"ERROR","message":"bad \xff'), Buffer.from([0xff]), Buffer.from('"}\n')])
      );
    }
  }
  return Buffer.concat(parts);
}

let dir: string;
let split: FileLogStore;
let sequential: LogStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-parallel-'));
  writeFileSync(join(dir, 'application.jsonl'), generate());
  ({ split, sequential } = splitAndSequentialStores(dir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outcome(store: LogStore, req: QueryRequest) {
  try {
    const { stats, ...result } = await runQuery(store, req);
    const { malformedLines, invalidUtf8Lines, linesReturned, seriesCount } = stats;
    // Bytes and lines scanned differ: a part may be read before an earlier one turns out to stop.
    return { result, counts: { malformedLines, invalidUtf8Lines, linesReturned, seriesCount } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const DAY = { startMs: T0, endMs: T0 + 24 * HOUR };

const CASES: Array<[string, QueryRequest]> = [
  [
    'count by detected level, hourly',
    { query: 'sum by (detected_level) (count_over_time({source="application"} [1h]))', ...DAY, stepMs: HOUR },
  ],
  [
    'errors by service, label filter prefilter',
    {
      query: 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [1d]))',
      ...DAY,
      instant: true,
    },
  ],
  ['count without grouping', { query: 'sum(count_over_time({source="application"} [30m]))', ...DAY, stepMs: HOUR }],
  [
    'rate with a line filter',
    { query: 'sum(rate({source="application"} |= "took 1" [2h]))', ...DAY, stepMs: 2 * HOUR },
  ],
  [
    'bytes',
    { query: 'sum by (service_name) (bytes_over_time({source="application"} [6h]))', ...DAY, stepMs: 6 * HOUR },
  ],
  [
    'unwrapped sums',
    {
      query:
        'sum by (service_name) (sum_over_time({source="application"} | json | __error__="" | unwrap duration_ms [3h]))',
      ...DAY,
      stepMs: 3 * HOUR,
    },
  ],
  [
    'first over time (order matters)',
    {
      query:
        'first_over_time({source="application"} | json | __error__="" | keep service_name, duration_ms | unwrap duration_ms [4h])',
      ...DAY,
      stepMs: 4 * HOUR,
    },
  ],
  [
    'pipeline error',
    { query: 'sum by (level) (count_over_time({source="application"} | json [1h]))', ...DAY, stepMs: HOUR },
  ],
  [
    'range ending early in the file',
    {
      query: 'sum(count_over_time({source="application"} [2h]))',
      startMs: T0 + 3 * HOUR,
      endMs: T0 + 3 * HOUR,
      instant: true,
    },
  ],
  [
    'range ending after the first part begins, stopped by a line ahead',
    {
      query: 'sum(count_over_time({source="application"} [13h]))',
      startMs: T0 + 13 * HOUR,
      endMs: T0 + 13 * HOUR,
      instant: true,
    },
  ],
  [
    'range starting late in the file',
    {
      query: 'sum by (detected_level) (count_over_time({source="application"} [1h]))',
      startMs: T0 + 20 * HOUR,
      endMs: T0 + 24 * HOUR,
      stepMs: HOUR,
    },
  ],
  [
    'series limit',
    {
      query: 'count_over_time({source="application"} | json | __error__="" [1d])',
      ...DAY,
      instant: true,
      limits: { maxSeries: 5 },
    },
  ],
];

describe('split scans', () => {
  it('cut the file at timed line starts', async () => {
    const request = { matchers: [], fromMs: T0, toMs: T0 + 24 * HOUR, direction: 'forward' as const };
    const parts = await split.splitScan(request, emptyStats(), 2);
    expect(parts).toHaveLength(2);
    const [first, second] = parts!;
    expect(first.start).toBe(0);
    expect(first.end).toBe(second.start);
    expect(second.firstTs).toBeGreaterThan(T0);
    const gzipOnly = await split.splitScan(
      { ...request, matchers: [{ name: 'source', op: '=', value: 'none' }] },
      emptyStats(),
      2
    );
    expect(gzipOnly).toBeUndefined();
  });

  it('prefilter lines by a label equality without changing what matches', async () => {
    const query = (filter: string) => ({
      query: `sum by (service_name) (count_over_time({source="application"} | ${filter} [1d]))`,
      ...DAY,
      instant: true,
    });
    const exact = await outcome(sequential, query('level="ERROR"'));
    // A regular expression is not turned into a literal: every line is read.
    expect(exact).toEqual(await outcome(sequential, query('level=~"ERROR"')));
    expect(JSON.stringify(exact)).toContain('"value"');
  });

  it.each(CASES)('give the sequential result: %s', async (_, req) => {
    const expected = await outcome(sequential, req);
    expect(await outcome(split, req)).toEqual(expected);
  });
});
