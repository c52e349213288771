/**
 * Hostile queries: random text and grammar-generated LogQL never crash the engine (every failure
 * is a user-facing error: syntax, pipeline, series limit, range), and answer within a bound only
 * a hang reaches; catastrophic regular expressions stay linear on every path a query can put a
 * regex (line filters, selectors, label filters, the regexp parser, label_replace, template
 * functions); huge limits and ranges are clamped with a notice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import fc from 'fast-check';

import { LogQLSyntaxError } from '../engine/logql/ast';
import { PipelineError, SeriesLimitError } from '../engine/logql/metric/errors';
import { RegexError } from '../engine/logql/regex';
import { MAX_ENTRIES_LIMIT, MAX_QUERY_RANGE_MS, runQuery, type QueryResult } from '../engine/query';
import { createMemoryLogStore, type MemoryRecordInput } from '../engine/testing/memoryStore';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-19T12:00:00Z');
const MINUTE = 60_000;
/** Only a hang (or an exponential regex) reaches this. */
const HANG_BOUND_MS = 20_000;

const SERVICES = ['kamiwaza.api', 'kamiwaza.models', 'traefik'];
const LEVELS = ['INFO', 'ERROR', 'WARNING', 'DEBUG'];

function records(count: number): MemoryRecordInput[] {
  return Array.from({ length: count }, (_, i) => {
    const service = SERVICES[i % SERVICES.length];
    const level = LEVELS[i % LEVELS.length];
    const kind = i % 3;
    const line =
      kind === 0
        ? JSON.stringify({ level, service, message: `request ${i}`, duration_ms: i * 7, nested: { a: i } })
        : kind === 1
          ? `level=${level} service=${service} msg="call ${i}" latency=${i}ms size=${i * 3}KB`
          : `2026-11-19 12:${String(i % 60).padStart(2, '0')}:00 ${level} [${service}] plain text ${i}`;
    return {
      ts: T0 - 30 * MINUTE + i * 1000,
      line,
      stream: { source: kind === 0 ? 'application' : 'kamiwazad', service_name: service },
      metadata: { detected_level: level.toLowerCase() },
    };
  });
}

const store = createMemoryLogStore(records(300));

/** Errors a user can get for a bad query; anything else is a crash. */
function isUserError(error: unknown): boolean {
  return (
    error instanceof LogQLSyntaxError ||
    error instanceof PipelineError ||
    error instanceof SeriesLimitError ||
    error instanceof RegexError ||
    (error instanceof Error &&
      error.constructor === Error &&
      /limit|range|step|timestamp|resolution|through|tail|query/i.test(error.message))
  );
}

async function answer(query: string, extra: { limit?: number; instant?: boolean } = {}): Promise<QueryResult | Error> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: no answer within ${HANG_BOUND_MS} ms: ${query}`)), HANG_BOUND_MS);
  });
  try {
    return await Promise.race([
      runQuery(store, { query, startMs: T0 - 3_600_000, endMs: T0, stepMs: MINUTE, limit: 50, ...extra }),
      hang,
    ]);
  } catch (error) {
    if (!isUserError(error) || (error as Error).message.startsWith('HANG')) {
      throw error;
    }
    return error as Error;
  } finally {
    clearTimeout(timer);
  }
}

// ---- grammar ---------------------------------------------------------------------------------

const quoted = (s: string) => JSON.stringify(s);
const word = fc.constantFrom('level', 'service', 'msg', 'duration_ms', 'latency', 'size', 'nested_a', 'x', '__error__');
const value = fc.oneof(
  fc.constantFrom('ERROR', 'kamiwaza.api', 'request 1', '', '.*', '(a+)+$', '\\', '"'),
  fc.string({ maxLength: 8 })
);
const regex = fc.oneof(
  fc.constantFrom('.*', '.+', 'ERROR|WARN', '(a+)+$', '(?i)error', '[', '(?P<x>\\w+)', 'a{1000}', '\\d+ms', '^$'),
  fc.string({ maxLength: 10 })
);
const duration = fc.constantFrom('1s', '30s', '1m', '5m', '1h', '0s', '1d', '1y');
const op = fc.constantFrom('=', '!=', '=~', '!~');
const matcher = fc
  .tuple(fc.constantFrom('source', 'service_name', 'filename', 'detected_level'), op, value)
  .map(([n, o, v]) => `${n}${o}${quoted(v)}`);
const selector = fc
  .array(matcher, { minLength: 1, maxLength: 3 })
  .map((ms) => `{${ms.join(', ')}}`)
  .chain((s) => fc.constantFrom(s, '{source=~".+"}', '{source="application"}'));
const template = fc.constantFrom(
  '{{ .msg }}',
  '{{ .level | ToUpper }}',
  '{{ regexReplaceAll "(a+)+$" .msg "x" }}',
  '{{ if eq .level "ERROR" }}E{{ else }}{{ .level }}{{ end }}',
  '{{ printf "%010d" 5 }}',
  '{{ .nope.deeper }}',
  '{{ range $i, $e := .x }}{{ $i }}{{ end }}',
  '{{',
  '{{ __line__ }}'
);
const stage = fc.oneof(
  fc.tuple(fc.constantFrom('|=', '!=', '|~', '!~'), fc.oneof(value, regex)).map(([o, v]) => `${o} ${quoted(v)}`),
  fc.constantFrom(
    '| json',
    '| logfmt',
    '| unpack',
    '| decolorize',
    '| json msg="message", lvl="level"',
    '| logfmt --strict'
  ),
  regex.map((r) => `| regexp ${quoted(`(?P<x>${r})`)}`),
  fc.constantFrom('| pattern "<_> <lvl> <_>"', '| pattern "<a><b>"', '| pattern ""'),
  fc.tuple(word, op, value).map(([w, o, v]) => `| ${w}${o}${quoted(v)}`),
  fc
    .tuple(word, fc.constantFrom('>', '>=', '<', '<=', '==', '!='), fc.constantFrom('5', '1.5', '10ms', '1KB', '-3'))
    .map(([w, o, v]) => `| ${w} ${o} ${v}`),
  template.map((t) => `| line_format ${quoted(t)}`),
  fc.tuple(word, template).map(([w, t]) => `| label_format ${w}=${quoted(t)}`),
  fc.tuple(word, word).map(([a, b]) => `| label_format ${a}=${b}`),
  word.map((w) => `| drop ${w}`),
  word.map((w) => `| keep ${w}, level`)
);
const logQuery = fc
  .tuple(selector, fc.array(stage, { maxLength: 5 }))
  .map(([sel, stages]) => [sel, ...stages].join(' '));
const rangeAgg = fc.tuple(
  fc.constantFrom('count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'absent_over_time'),
  logQuery,
  duration
);
const unwrapAgg = fc.tuple(
  fc.constantFrom(
    'sum_over_time',
    'avg_over_time',
    'max_over_time',
    'quantile_over_time(0.9,',
    'rate_counter',
    'first_over_time'
  ),
  logQuery,
  fc.constantFrom('duration_ms', 'latency', 'size', 'bytes(size)', 'duration(latency)', 'nope'),
  duration
);
const metric: fc.Arbitrary<string> = fc.oneof(
  rangeAgg.map(([f, q, d]) => `${f}(${q} [${d}])`),
  unwrapAgg.map(([f, q, u, d]) =>
    f.endsWith(',') ? `${f} ${q} | unwrap ${u} [${d}])` : `${f}(${q} | unwrap ${u} [${d}])`
  )
);
const vectorQuery = fc.oneof(
  metric,
  fc
    .tuple(
      fc.constantFrom('sum', 'avg', 'max', 'count', 'stddev', 'topk(2,', 'sort_desc('),
      metric,
      fc.constantFrom('', ' by (level)', ' without (service_name)')
    )
    .map(([agg, m, grouping]) =>
      agg.endsWith(',') || agg.endsWith('(') ? `${agg} ${m})` : `${agg}${grouping} (${m})`
    ),
  fc
    .tuple(
      metric,
      fc.constantFrom('+', '/', '>', 'and', 'or', 'unless', '== bool', '%', '^'),
      fc.oneof(metric, fc.constantFrom('0', '2', '1e308'))
    )
    .map(([a, o, b]) => `${a} ${o} ${b}`),
  fc.tuple(metric, regex).map(([m, r]) => `label_replace(${m}, "dst", "$1", "service_name", ${quoted(r)})`)
);

describe('hostile queries', () => {
  it('random text never crashes the engine', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 })),
        async (text) => {
          await answer(text);
          await answer(`{source="application"} ${text}`);
          await answer(`count_over_time({source="application"} ${text} [5m])`);
        }
      ),
      { numRuns: 300, seed: 9 }
    );
  });

  it('grammar-generated LogQL answers or fails with a user error, log and metric queries alike', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(logQuery, vectorQuery), fc.boolean(), async (query, instant) => {
        const result = await answer(query, { instant });
        if (!(result instanceof Error)) {
          answered++;
        }
      }),
      { numRuns: 600, seed: 10 }
    );
    // The generator produces mostly valid queries: the engine really ran them.
    expect(answered).toBeGreaterThan(200);
  });

  describe('catastrophic regular expressions stay linear on every regex path', () => {
    const long = 'a'.repeat(100_000) + '!';
    const evil = createMemoryLogStore([
      { ts: T0 - MINUTE, line: long, stream: { source: long.slice(0, 5000) + '!' }, metadata: { msg: long } },
      { ts: T0 - MINUTE + 1, line: JSON.stringify({ msg: long }), stream: { source: 'json' }, metadata: {} },
    ]);
    const patterns = ['(a+)+$', '(a|aa)+$', '(a*)*b', '^(\\w+\\s?)*$', '(.*a){20}'];
    const paths = (p: string) => [
      `{source=~".+"} |~ ${quoted(p)}`,
      `{source=~".+"} !~ ${quoted(p)}`,
      `{source=~${quoted(p)}}`,
      `{source=~".+"} | msg=~${quoted(p)}`,
      `{source=~".+"} | json | msg!~${quoted(p)}`,
      `{source=~".+"} | regexp ${quoted(`(?P<x>${p})`)}`,
      `{source=~".+"} | line_format ${quoted(`{{ regexReplaceAll ${quoted(p)} __line__ "x" }}`)}`,
      `label_replace(count_over_time({source=~".+"}[1h]), "d", "$1", "source", ${quoted(p)})`,
    ];
    it.each(patterns)('%s', async (pattern) => {
      for (const query of paths(pattern)) {
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          runQuery(evil, {
            query,
            startMs: T0 - 3_600_000,
            endMs: T0,
            stepMs: MINUTE,
            instant: query.startsWith('label_replace'),
          }).catch((e: Error) => e),
          new Promise<string>((resolve) => {
            timer = setTimeout(() => resolve('HANG'), HANG_BOUND_MS);
          }),
        ]);
        clearTimeout(timer);
        expect([query, outcome === 'HANG' ? 'hang' : 'answered']).toEqual([query, 'answered']);
      }
    });
  });

  it('the engine compiles query regexes with RE2 only (no backtracking RegExp from query text)', () => {
    // Every `new RegExp(` under the engine, with why each is safe; a new one must be added here.
    const allowed: Record<string, string> = {
      'logql/regex.ts': 'escaped literals (regexLiteral), no metacharacters left but an anchor at one end',
      'logql/template/goFormat.ts': 'digit counts from a format verb, not query text',
    };
    const root = path.resolve(__dirname, '../engine');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(file);
        } else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
          const count = (fs.readFileSync(file, 'utf8').match(/new RegExp\(|RegExp\(/g) ?? []).length;
          if (count > 0) {
            found.push(path.relative(root, file));
          }
        }
      }
    };
    walk(root);
    expect(found.sort()).toEqual(Object.keys(allowed).sort());
  });

  it('a huge limit is clamped to the maximum with a notice, and memory holds only that many', async () => {
    const many = createMemoryLogStore(
      Array.from({ length: MAX_ENTRIES_LIMIT + 2000 }, (_, i) => ({
        ts: T0 - 3_600_000 + i,
        line: `l${i}`,
        stream: { source: 's' },
      }))
    );
    const result = await runQuery(many, {
      query: '{source="s"}',
      startMs: T0 - 7 * 86_400_000,
      endMs: T0,
      limit: 99_999_999_999,
    });
    const count = result.resultType === 'streams' ? result.streams.reduce((n, s) => n + s.entries.length, 0) : -1;
    expect(count).toBe(MAX_ENTRIES_LIMIT);
    expect(result.notices.map((n) => n.text).join('\n')).toMatch(
      new RegExp(`line limit 99999999999 is above the maximum of ${MAX_ENTRIES_LIMIT}`)
    );
  });

  it('a range longer than the maximum keeps its end and is cut at the maximum, with a notice', async () => {
    const spread = createMemoryLogStore([
      { ts: T0 - MAX_QUERY_RANGE_MS - 1000, line: 'too old', stream: { source: 's' } },
      { ts: T0 - MAX_QUERY_RANGE_MS + 1000, line: 'just inside', stream: { source: 's' } },
    ]);
    const result = await runQuery(spread, { query: '{source="s"}', startMs: 0, endMs: T0, limit: 10 });
    const got = result.resultType === 'streams' ? result.streams.flatMap((s) => s.entries.map((e) => e.line)) : [];
    expect(got).toEqual(['just inside']);
    expect(result.notices.map((n) => n.text).join('\n')).toMatch(/time range is longer than the maximum of 721 h/);
  });
});
