/**
 * The BUILT operator CLI (build/kamiwaza-logs) over a generated sample, as an operator runs it.
 * Fails (never skips) when the build is missing: run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
  const result = spawnSync(cli, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
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
  expect(labels.stdout.split('\n')).toEqual(expect.arrayContaining(['source', 'service_name', 'detected_level']));
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
