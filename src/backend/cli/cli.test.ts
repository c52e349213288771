/**
 * The BUILT operator CLI (build/kamiwaza-logs) over a generated sample, as an operator runs it.
 * Fails (never skips) when the build is missing: run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { version as packageVersion } from '../../../package.json';
import { generateSample, SAMPLE_END_MS, sampleErrorsByService } from '../testing/sample';

const cli = path.resolve(__dirname, '../../../build/kamiwaza-logs');
const end = new Date(SAMPLE_END_MS).toISOString();
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync(cli)) {
    throw new Error(`${cli} is missing: run npm run build first`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-'));
  await generateSample(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return runWithEnv({}, ...args);
}

function runWithEnv(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(cli, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

it('prints a log query as Loki’s query_range body', () => {
  const { code, stdout } = run(
    'query',
    '{source="application"} | level="ERROR"',
    '--dir',
    dir,
    '--to',
    end,
    '--since',
    '6h',
    '--limit',
    '7',
    '--output',
    'loki-json'
  );
  expect(code).toBe(0);
  const body = JSON.parse(stdout);
  expect(body.status).toBe('success');
  expect(body.data.resultType).toBe('streams');
  const values: Array<[string, string]> = body.data.result.flatMap(
    (s: { values: Array<[string, string]> }) => s.values
  );
  expect(values).toHaveLength(7);
  for (const [ns, line] of values) {
    expect(ns).toMatch(/^\d{19}$/);
    expect(JSON.parse(line).level).toBe('ERROR');
  }
  for (const stream of body.data.result) {
    expect(stream.stream).toMatchObject({ source: 'application', level: 'ERROR' });
  }
  expect(body.data.stats.summary).toEqual(expect.objectContaining({ totalBytesProcessed: expect.any(Number) }));
});

it('evaluates an instant metric query at --to, matching an independent count', () => {
  const { code, stdout } = run(
    'query',
    'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [6h]))',
    '--dir',
    dir,
    '--to',
    end,
    '--instant',
    '--output',
    'loki-json'
  );
  expect(code).toBe(0);
  const body = JSON.parse(stdout);
  expect(body.data.resultType).toBe('vector');
  const counted = Object.fromEntries(
    body.data.result.map((s: { metric: Record<string, string>; value: [number, string] }) => {
      expect(s.value[0]).toBe(SAMPLE_END_MS / 1000);
      return [s.metric.service_name, Number(s.value[1])];
    })
  );
  expect(counted).toEqual(sampleErrorsByService(dir, SAMPLE_END_MS - 6 * 3_600_000, SAMPLE_END_MS));
});

it('lists labels and label values', () => {
  const labels = run('labels', '--dir', dir, '--to', end, '--since', '1d');
  expect(labels.code).toBe(0);
  expect(labels.stdout.trim().split('\n')).toEqual(['filename', 'service_name', 'source']);
  const sources = run('label-values', 'source', '--dir', dir, '--to', end, '--since', '1d', '--output', 'jsonl');
  expect(
    sources.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
  ).toEqual(expect.arrayContaining(['application', 'audit', 'access', 'kamiwazad']));
});

it('reports a LogQL error with its position and exit status 1, and usage errors with 2', () => {
  const bad = run('query', '{source="application"', '--dir', dir);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/parse error at line 1, col \d+/);
  expect(run('query', 'x', '--limit', 'many').code).toBe(2);
});

describe('a wrong place is an error that says where it looked (exit 3)', () => {
  it('a missing directory, a file, and the default place when nothing is configured', () => {
    const missing = run('query', '{source="application"}', '--dir', path.join(dir, 'nope'));
    expect(missing).toMatchObject({ code: 3, stdout: '' });
    expect(missing.stderr).toContain(`${path.join(dir, 'nope')} does not exist`);
    expect(missing.stderr).toContain('--dir');

    const file = run('labels', '--dir', path.join(dir, 'application.jsonl'));
    expect(file.code).toBe(3);
    expect(file.stderr).toContain('is a file, not a directory');

    const unconfigured = run('sources');
    expect(unconfigured.code).toBe(3);
    expect(unconfigured.stderr).toContain('/opt/kamiwaza/logs does not exist');
    expect(unconfigured.stderr).toMatch(/neither KAMIWAZA_LOG_DIR nor KAMIWAZA_ROOT is set/);
    expect(runWithEnv({ KAMIWAZA_LOG_DIR: dir }, 'sources').code).toBe(0);
  });

  it('an empty directory names the files it looked for', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-empty-'));
    try {
      const result = run('query', '{source="application"}', '--dir', empty);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`no Kamiwaza log file in ${empty}`);
      // The guide's files, as an operator would look for them.
      for (const file of ['application.jsonl', 'audit-events.jsonl', 'kamiwazad.log', 'kamiwaza/traefik/access.log']) {
        expect(result.stderr).toContain(file);
      }
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});

describe('empty answers explain themselves on stderr (exit 0)', () => {
  it('a label no stream has', () => {
    const query = run('query', '{sauce="application"}', '--dir', dir, '--to', end, '--since', '1d');
    expect(query).toMatchObject({ code: 0, stdout: '' });
    expect(query.stderr).toContain('no stream has label sauce; labels are filename, service_name, source\n');
    const field = run('query', '{level="ERROR"}', '--dir', dir, '--to', end, '--since', '1d');
    expect(field.stderr).toContain('level is a field of the lines: filter with | level="…"');
    const values = run('label-values', 'nosuchlabel', '--dir', dir, '--to', end, '--since', '1d');
    expect(values).toMatchObject({ code: 0, stdout: '' });
    expect(values.stderr).toContain('no stream has label nosuchlabel; labels are filename, service_name, source\n');
  });

  it('a selector that matches no stream, with the values the label has', () => {
    const result = run('query', '{source="aplication"}', '--dir', dir, '--to', end, '--since', '1d');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no stream matches \{source="aplication"\}; source values are .*\bapplication\b/);
  });

  it('a range outside the files: the range they cover and an option that reaches it', () => {
    // The sample spans the day before SAMPLE_END; an hour a week later finds nothing.
    const later = new Date(SAMPLE_END_MS + 7 * 86_400_000).toISOString();
    const result = run('query', '{source="application"}', '--dir', dir, '--to', later, '--since', '1h');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toMatch(/the files cover 2026-11-19T\S+ – 2026-11-19T23:\S+/);
    expect(result.stderr).toContain('--from 2026-11-19');
  });

  it('filters that drop every line say how much was read', () => {
    const query = (expr: string) => run('query', expr, '--dir', dir, '--to', end, '--since', '1d');
    const parsed = query('{source="application"} | json | level="NO-SUCH-LEVEL"');
    expect(parsed).toMatchObject({ code: 0, stdout: '' });
    expect(parsed.stderr).toMatch(/\d+ line\(s\) of the selected streams were read in the range; none passed/);
    // A literal search reads only the lines that hold its literal: none here, so it says the bytes.
    const searched = query('{source="application"} |= "no-such-text-anywhere"');
    expect(searched).toMatchObject({ code: 0, stdout: '' });
    expect(searched.stderr).toMatch(/\d+\.\d [KMG]B of the selected streams were read in the range; none passed/);
  });
});

describe('options as people type them', () => {
  it('rejects negatives with the one relevant usage line (exit 2)', () => {
    const limit = run('query', '{source="application"}', '--dir', dir, '--limit', '-1');
    expect(limit.code).toBe(2);
    expect(limit.stderr.split('\n')).toEqual([
      'kamiwaza-logs: --limit: "-1" is not a positive whole number (the number of log lines, e.g. --limit 100)',
      "Usage: kamiwaza-logs query '<LogQL>' [options]",
      "Run 'kamiwaza-logs help query' for its options.",
      '',
    ]);
    const since = run('query', '{source="application"}', '--dir', dir, '--since', '-1h');
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/^kamiwaza-logs: --since: "-1h" is negative/);
  });

  it('accepts plain dates and now-relative times', () => {
    const dated = run(
      'query',
      '{source="application"}',
      '--dir',
      dir,
      '--from',
      '2026-11-19',
      '--to',
      '2026-11-20',
      '--limit',
      '3'
    );
    expect(dated.code).toBe(0);
    expect(dated.stdout.trim().split('\n')).toHaveLength(3);
    const relative = run('query', '{source="application"}', '--dir', dir, '--from', 'now-3650d', '--limit', '2');
    expect(relative.code).toBe(0);
    expect(relative.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('help per command, --version, and no arguments', () => {
    for (const argv of [
      ['help', 'query'],
      ['query', '--help'],
    ]) {
      const help = run(...argv);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: kamiwaza-logs query/);
      expect(help.stdout).toContain('--limit N');
      expect(help.stdout).not.toContain('label-values NAME');
    }
    const version = run('--version');
    expect(version).toMatchObject({ code: 0, stdout: `kamiwaza-logs ${packageVersion}\n` });
    const none = run();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('kamiwaza-logs help COMMAND');
  });
});

describe('sources and result order', () => {
  it('sources: jsonl is one object per source line; table is a row per file', () => {
    const jsonl = run('sources', '--dir', dir, '--output', 'jsonl');
    const objects = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(objects.map((o) => o.source)).toEqual(expect.arrayContaining(['application', 'audit', 'access']));
    const files = objects.reduce((n, o) => n + o.files.length, 0);
    const table = run('sources', '--dir', dir).stdout.trim().split('\n');
    expect(table[0]).toMatch(/^SOURCE\s+FORMAT\s+FILE\s+SIZE\s+FIRST\s+LAST$/);
    expect(table.filter((line) => !line.startsWith('problem:'))).toHaveLength(files + 1);
    expect(table.some((line) => line.includes(path.join(dir, 'application.jsonl')))).toBe(true);
  });

  // Loki sorts an instant vector by labels unless the query has sort/sort_desc (logql.Sortable).
  it('topk comes back ordered by labels and sort_desc by value, as Loki returns them', () => {
    const counts = sampleErrorsByService(dir, SAMPLE_END_MS - 6 * 3_600_000, SAMPLE_END_MS);
    const inner = 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [6h]))';
    const vector = (query: string) =>
      JSON.parse(
        run('query', query, '--dir', dir, '--to', end, '--instant', '--output', 'loki-json').stdout
      ).data.result.map((s: { metric: { service_name: string }; value: [number, string] }) => [
        s.metric.service_name,
        Number(s.value[1]),
      ]);
    const byValue = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    // A k whose top k is unambiguous (no tie at the cut) in this sample.
    const k = [3, 2, 1].find((n) => byValue[n - 1][1] > (byValue[n]?.[1] ?? -1))!;
    const topK = byValue.slice(0, k).sort((a, b) => a[0].localeCompare(b[0]));
    expect(vector(`topk(${k}, ${inner})`)).toEqual(topK);
    const sorted = vector(`sort_desc(${inner})`);
    expect(sorted.map((s: [string, number]) => s[1])).toEqual(byValue.map((s) => s[1]));
    expect(new Set(sorted.map((s: [string, number]) => s[0]))).toEqual(new Set(Object.keys(counts)));
  });
});
