/**
 * The block index never changes an answer: random trace-id searches, dashboard metric queries and
 * queries for some levels and queries of the access log's fields over random cuts of generated
 * logs give the same result through an indexed store (trace-id blocks, summaries, level lists,
 * record columns, partly built, after growth, truncation and rotation) as through a plain one.
 */
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { runQuery, type QueryRequest, type QueryResult } from '../query';
import { generateLogs } from '../testing/generated';
import { createFileLogStore, type FileLogStore } from '../store';

const END_MS = Date.UTC(2026, 10, 20);
const DAY_MS = 86_400_000;
const LIVE = ['application.jsonl', 'application.log', 'kamiwaza/traefik/access.log'];

let root: string;
let corpus: string;
let files: string[];
let traceIds: string[];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kw-index-'));
  corpus = join(root, 'corpus');
  await generateLogs(corpus, ['--size', '3MB', '--days', '1', '--seed', '11', '--damage-rate', '1/300']);
  files = walk(corpus).map((f) => relative(corpus, f));
  const text = readFileSync(join(corpus, 'application.jsonl'), 'utf8');
  traceIds = [...new Set([...text.matchAll(/"trace_id":"([0-9a-f]{32})"/g)].map((m) => m[1]))];
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the corpus whose live files hold only the first `share` of their bytes (at a line end). */
function cutCopy(dir: string, share: number): void {
  for (const file of files) {
    const to = join(dir, file);
    mkdirSync(dirname(to), { recursive: true });
    if (!LIVE.includes(file)) {
      copyFileSync(join(corpus, file), to);
      continue;
    }
    const bytes = readFileSync(join(corpus, file));
    const end = bytes.indexOf(10, Math.floor(bytes.length * share)) + 1;
    writeFileSync(to, bytes.subarray(0, end > 0 ? end : bytes.length));
  }
}

type Mutation = 'none' | 'append' | 'truncate' | 'rotate';

function mutate(dir: string, mutation: Mutation): void {
  for (const file of LIVE) {
    const path = join(dir, file);
    const original = readFileSync(join(corpus, file));
    const size = statSync(path).size;
    const rest = original.subarray(size);
    if (mutation === 'append') {
      appendFileSync(path, rest);
    } else if (mutation === 'truncate') {
      const bytes = readFileSync(path);
      const end = bytes.indexOf(10, Math.floor(size / 3)) + 1;
      truncateSync(path, end);
      appendFileSync(path, bytes.subarray(end, end + 200)); // a partial line, still being written
    } else if (mutation === 'rotate') {
      const rotated = `${path}.1`;
      rmSync(rotated, { force: true });
      renameSync(path, rotated);
      writeFileSync(path, rest);
    }
  }
}

const label = fc.constantFrom('service_name', 'detected_level', 'level', 'source', 'DownstreamStatus');
const metricQuery = fc
  .record({
    op: fc.constantFrom('count_over_time', 'rate', 'bytes_over_time', 'bytes_rate'),
    by: fc.uniqueArray(label, { maxLength: 2 }),
    selector: fc.constantFrom(
      '{source=~".+"}',
      '{source="application"}',
      '{source="application-text"}',
      '{service_name="kamiwaza.serving"}',
      '{source="access"}'
    ),
    filter: fc.constantFrom(
      '',
      ' | level="ERROR"',
      ' | detected_level=~"error|warn"',
      ' | detected_level!="info"',
      ' |= "model"',
      ' |~ "model|serving"',
      ' | DownstreamStatus=~"4..|5.."'
    ),
    range: fc.constantFrom('1m', '5m', '1h', '90s'),
    stepMs: fc.constantFrom(60_000, 300_000, 3_600_000, 45_000),
    instant: fc.boolean(),
    endJitterMs: fc.integer({ min: 0, max: 3_600_000 }),
    startMs: fc.oneof(
      fc.integer({ min: 0, max: 24 }).map((h) => END_MS - DAY_MS - h * 3_600_000),
      fc.integer({ min: 0, max: 2 * DAY_MS }).map((ms) => END_MS - 2 * DAY_MS + ms)
    ),
  })
  .map(({ op, by, selector, filter, range, stepMs, instant, endJitterMs, startMs }) => ({
    query: `sum by (${by.join(', ')}) (${op}(${selector}${filter} [${range}]))`,
    startMs,
    endMs: Math.max(startMs + stepMs, END_MS - endJitterMs),
    stepMs,
    instant,
  }));

const traceQuery = fc
  .record({
    pick: fc.nat(),
    form: fc.constantFrom('line', 'label'),
    direction: fc.constantFrom<'forward' | 'backward'>('forward', 'backward'),
    limit: fc.constantFrom(5, 1000),
  })
  .map(({ pick, form, direction, limit }) => {
    const id = traceIds[pick % traceIds.length];
    return {
      query: form === 'line' ? `{source=~".+"} |= "${id}"` : `{source=~".+"} | trace_id="${id}"`,
      startMs: END_MS - 2 * DAY_MS,
      endMs: END_MS + 60_000,
      direction,
      limit,
    };
  });

/** Log and metric queries for some levels only (the level lists serve those of listed levels). */
const levelQuery = fc
  .record({
    selector: fc.constantFrom(
      '{source=~".+"}',
      '{source="application"}',
      '{source="application-text"}',
      '{source=~"kamiwazad.*"}',
      '{source="access"}'
    ),
    levels: fc.constantFrom(
      ' | detected_level=~"error|critical"',
      ' | detected_level="warn"',
      ' | detected_level="fatal" or detected_level=~"crit.*"',
      ' | detected_level=~"warn|error" | level!="ERROR"',
      ' |= "e" | detected_level!="info" | detected_level!="debug" | detected_level!="unknown" | detected_level!="trace"',
      ' | detected_level=~"info|error"',
      ' | detected_level=~"error|warn" |~ "rror|arn" |= "e" or "a"'
    ),
    // Around count_over_time: a grouping the summaries do not have (scanned), and one they have.
    metric: fc.constantFrom(undefined, ['topk(5, sum by (trace_id) (', '))'], ['sum by (filename) (', ')']),
    direction: fc.constantFrom<'forward' | 'backward'>('forward', 'backward'),
    limit: fc.constantFrom(3, 1000),
    startMs: fc.integer({ min: 0, max: 30 }).map((h) => END_MS - 2 * DAY_MS + h * 3_600_000),
  })
  .map(({ selector, levels, metric, direction, limit, startMs }) => ({
    query:
      metric === undefined
        ? `${selector}${levels}`
        : `${metric[0]}count_over_time(${selector}${levels} [1h])${metric[1]}`,
    startMs,
    endMs: END_MS + 60_000,
    stepMs: 3_600_000,
    direction,
    limit,
  }));

/** Range aggregations that read the access log's fields alone (record columns serve them), or not quite. */
const columnQuery = fc
  .record({
    metric: fc.constantFrom(
      'quantile_over_time(0.9, SEL | Duration!="" | unwrap Duration | __error__="" [R]) by (RequestPath)',
      'topk(5, sum by (ClientHost) (count_over_time(SEL [R])))',
      'sum by (RequestMethod, DownstreamStatus) (rate(SEL [R]))',
      'max_over_time(SEL | unwrap Duration [R]) by (RouterName, line_truncated)',
      'avg_over_time(SEL | unwrap duration(Duration) | __error__="" [R]) by (detected_level)',
      'sum(count_over_time(SEL | Duration > 200000000 [R]))',
      // Not from columns: no grouping keeps every label; RequestCount, DownstreamContentSize are
      // not kept; bytes need lines.
      'count_over_time(SEL | RequestMethod="GET" [R])',
      'sum by (RequestCount) (count_over_time(SEL [R]))',
      'sum(count_over_time(SEL | DownstreamContentSize > 2000 [R]))',
      'sum by (source) (bytes_over_time(SEL [R]))'
    ),
    selector: fc.constantFrom('{source="access"}', '{source=~".+"}', '{source="access", service_name=~".+"}'),
    filter: fc.constantFrom(
      '',
      ' | DownstreamStatus=~"5.."',
      ' | RequestMethod="POST" or ClientUsername="bob"',
      ' | Duration > 100000000',
      ' | detected_level="error"'
    ),
    range: fc.constantFrom('5m', '1h', '90s'),
    stepMs: fc.constantFrom(300_000, 3_600_000, 45_000),
    instant: fc.boolean(),
    startMs: fc.integer({ min: 0, max: 30 }).map((h) => END_MS - 2 * DAY_MS + h * 3_600_000),
  })
  .map(({ metric, selector, filter, range, stepMs, instant, startMs }) => ({
    query: metric.replace('SEL', `${selector}${filter}`).replace('[R]', `[${range}]`),
    startMs,
    endMs: END_MS + 60_000,
    stepMs,
    instant,
  }));

/**
 * What must not change: the data, and the notices. Notices that count flagged lines (malformed,
 * invalid UTF-8, cut) count the lines a query read, which prefilters already vary: they are
 * compared only where the index reads the same lines as the scan (no label filter).
 */
function answer(result: QueryResult, withNotices: boolean) {
  const { stats, notices, ...data } = result;
  void stats;
  return withNotices ? { ...data, notices } : data;
}

async function same(indexed: FileLogStore, plain: FileLogStore, req: QueryRequest): Promise<void> {
  const withNotices = !/\| (level|detected_level|trace_id)/.test(req.query);
  const expected = answer(await runQuery(plain, req), withNotices);
  expect(answer(await runQuery(indexed, req), withNotices)).toEqual(expected);
}

let run = 0;

it('answers from the index as from a full scan, while building and after growth, truncation, rotation', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.double({ min: 0.2, max: 0.9, noNaN: true }),
      fc.constantFrom<Mutation>('none', 'append', 'truncate', 'rotate'),
      fc.boolean(),
      fc.array(fc.oneof(metricQuery, metricQuery, traceQuery, levelQuery, columnQuery), { minLength: 2, maxLength: 4 }),
      async (share, mutation, duringBuild, queries) => {
        const dir = join(root, `run-${run++}`);
        cutCopy(dir, share);
        const indexed = createFileLogStore(
          { roots: [dir] },
          { index: { inThread: true, minGrowthBytes: 0, blockBytes: 16 << 10 } }
        );
        const plain = createFileLogStore({ roots: [dir] });
        try {
          await indexed.indexIdle();
          if (duringBuild) {
            mutate(dir, mutation);
            // Queries race the build the mutation started.
            await same(indexed, plain, queries[0]);
          } else {
            await same(indexed, plain, queries[0]);
            mutate(dir, mutation);
          }
          for (const req of queries.slice(1)) {
            await same(indexed, plain, req);
          }
          await indexed.indexIdle();
          for (const req of queries) {
            await same(indexed, plain, req);
          }
        } finally {
          await indexed.indexIdle();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    ),
    { numRuns: 36, seed: 20261204 }
  );
}, 300_000);

it('serves aligned dashboard queries from summaries and narrows trace searches to few blocks', async () => {
  const dir = join(root, 'served');
  cutCopy(dir, 1);
  const indexed = createFileLogStore({ roots: [dir] }, { index: { inThread: true, blockBytes: 16 << 10 } });
  await indexed.indexIdle();
  const metric = await runQuery(indexed, {
    query: 'sum by (detected_level) (count_over_time({source=~".+"} [1h]))',
    startMs: END_MS - DAY_MS,
    endMs: END_MS,
    stepMs: 3_600_000,
  });
  const total = files.filter((f) => !f.endsWith('.gz')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  expect(metric.stats.summaryLines).toBeGreaterThan(0);
  // Only the gzip siblings (not indexed) are read.
  expect(metric.stats.bytesScanned).toBeLessThan(total / 10);
  const trace = await runQuery(indexed, {
    query: `{source=~".+"} |= "${traceIds[0]}"`,
    startMs: END_MS - 2 * DAY_MS,
    endMs: END_MS,
    limit: 1000,
  });
  expect(trace.stats.indexBytesSkipped).toBeGreaterThan(total / 2);

  // Errors only: the records the level lists name, and nothing else of the indexed files.
  const errors = await runQuery(indexed, {
    query: '{source=~".+"} | detected_level=~"error|critical"',
    startMs: END_MS - 2 * DAY_MS,
    endMs: END_MS,
    limit: 5000,
  });
  expect(errors.stats.indexListedLines).toBeGreaterThan(0);
  expect(errors.stats.indexBytesSkipped).toBeGreaterThan(total / 2);

  // The access log's fields: its records come from columns, no byte of it is read.
  const plain = createFileLogStore({ roots: [dir] });
  const accessBytes = statSync(join(dir, 'kamiwaza/traefik/access.log')).size;
  for (const query of [
    'topk(3, quantile_over_time(0.95, {source="access"} | Duration!="" | unwrap Duration | __error__="" [1d]) by (RequestPath))',
    'topk(3, sum by (request_User_Agent) (count_over_time({source="access"} [1d])))',
  ]) {
    const request = { query, startMs: END_MS, endMs: END_MS, instant: true };
    const served = await runQuery(indexed, request);
    expect(served.stats.indexColumnLines).toBeGreaterThan(900);
    expect(served.stats.bytesScanned).toBeLessThan(accessBytes / 10);
    expect(answer(served, true)).toEqual(answer(await runQuery(plain, request), true));
  }

  // Window edges inside minutes: the split minutes are scanned, the others read from summaries.
  for (const req of [
    {
      query: 'sum by (detected_level) (count_over_time({source=~".+"} [1h]))',
      instant: true,
      endMs: END_MS - 3_600_000 - 1234.5,
    },
    {
      query: 'sum by (service_name) (bytes_over_time({source="application"} [10m]))',
      stepMs: 630_000,
      startMs: END_MS - 4 * 3_600_000,
      endMs: END_MS - 17_017,
    },
    // The access log's status, summarised for it alone.
    { query: 'sum by (DownstreamStatus) (count_over_time({source="access"} [1h]))', stepMs: 3_600_000, endMs: END_MS },
    { query: 'sum (rate({source=~".+"} | DownstreamStatus=~"4..|5.." [1h]))', stepMs: 3_600_000, endMs: END_MS },
  ]) {
    const request = { startMs: END_MS - DAY_MS + 7_777, ...req };
    const served = await runQuery(indexed, request);
    expect(served.stats.summaryLines).toBeGreaterThan(0);
    expect(answer(served, true)).toEqual(answer(await runQuery(plain, request), true));
  }
}, 60_000);

it('scans the other files for a status query: only the access log is summarised by its status', async () => {
  const dir = join(root, 'status');
  cutCopy(dir, 1);
  // An application line that carries the field itself (its label is read from the line), and one
  // after it: a file's last record is left out of the index (it may still grow).
  const at = new Date(END_MS - 1_800_000).toISOString();
  const line = (extra: string) => `{"timestamp":"${at}","level":"INFO","service":"kamiwaza.api"${extra}}\n`;
  appendFileSync(join(dir, 'application.jsonl'), line(',"DownstreamStatus":"503"') + line(''));
  const indexed = createFileLogStore({ roots: [dir] }, { index: { inThread: true, blockBytes: 16 << 10 } });
  await indexed.indexIdle();
  const request = {
    query: 'sum by (source) (count_over_time({source=~".+"} | DownstreamStatus=~"5.." [1h]))',
    startMs: END_MS - DAY_MS,
    endMs: END_MS,
    stepMs: 3_600_000,
  };
  const served = await runQuery(indexed, request);
  expect(served.stats.summaryLines).toBeGreaterThan(0);
  const expected = await runQuery(createFileLogStore({ roots: [dir] }), request);
  expect(answer(served, true)).toEqual(answer(expected, true));
  expect(JSON.stringify(expected)).toContain('"application"');
}, 60_000);

it('keeps no record columns past their memory budget: those queries scan, with the same answer', async () => {
  const dir = join(root, 'column-budget');
  cutCopy(dir, 1);
  const request = {
    query: 'topk(3, sum by (ClientHost) (count_over_time({source="access"} [1h])))',
    startMs: END_MS - DAY_MS,
    endMs: END_MS,
    stepMs: 3_600_000,
  };
  const results = [];
  for (const columnBudgetBytes of [1, undefined]) {
    const indexed = createFileLogStore({ roots: [dir] }, { index: { inThread: true, columnBudgetBytes } });
    await indexed.indexIdle();
    const result = await runQuery(indexed, request);
    results.push(result);
    expect((result.stats.indexColumnLines ?? 0) > 0).toBe(columnBudgetBytes === undefined);
  }
  expect(answer(results[0], true)).toEqual(answer(results[1], true));
}, 60_000);
