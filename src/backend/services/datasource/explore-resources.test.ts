/**
 * The label and Explore resources over a generated sample; every expectation is computed from the
 * raw files with JSON.parse and string searches, not with the engine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createHclogLogger } from '../../protocol/logger';
import { dataSourcePluginContext } from '../../protocol/testing/contexts';
import { generateSample, SAMPLE_END_MS } from '../../testing/sample';
import type { DetectedFieldsResponse, IndexStatsResponse, LogContextResponse } from '../../../shared/resources';
import { createDataSourceService } from './datasource';
import { SERVICE_TEST_ENV } from '../../testing/serviceEnv';

jest.setTimeout(30_000);

const logger = createHclogLogger({ write: () => undefined });
const ns = (ms: number) => `${ms}000000`;

interface RawLine {
  text: string;
  offset: number;
  json?: Record<string, unknown>;
  ts: number;
}

function rawLines(file: string): RawLine[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: RawLine[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line !== '') {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      out.push({ text: line, offset, json, ts: Date.parse(String(json?.timestamp ?? '')) });
    }
    offset += Buffer.byteLength(line, 'utf8') + 1;
  }
  return out;
}

describe('label and Explore resources', () => {
  let dir: string;
  const ds = createDataSourceService({ logger, env: SERVICE_TEST_ENV });
  const resource = (url: string) =>
    ds.handlers.callResource!(
      {
        pluginContext: dataSourcePluginContext({ logDirs: [dir] }),
        method: 'GET',
        url,
        path: url.split('?')[0],
        headers: {},
        body: Buffer.alloc(0),
      },
      new AbortController().signal
    );
  const call = async (url: string) => {
    const response = await resource(url);
    expect(response.status).toBe(200);
    return JSON.parse(String(response.body));
  };
  const refused = (url: string) => expect(resource(url)).rejects.toMatchObject({ status: 400 });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-explore-'));
    await generateSample(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('labels: the stream labels only, all time when start/end are omitted, scoped by query', async () => {
    expect(await call('labels')).toEqual({ status: 'success', data: ['filename', 'service_name', 'source'] });
    expect((await call(`labels?query=${encodeURIComponent('{source="audit"}')}`)).data).toHaveLength(3);
    expect((await call(`labels?query=${encodeURIComponent('{source="nope"}')}`)).data).toEqual([]);
    const later = SAMPLE_END_MS + 86_400_000;
    expect((await call(`labels?start=${ns(later)}&end=${ns(later + 3_600_000)}`)).data).toEqual([]);
    expect((await call(`labels?query=${encodeURIComponent('{service_name="no.such.service"}')}`)).data).toEqual([]);
  });

  it('label values: stream labels from the files, structured metadata such as level from the lines', async () => {
    const sources = (await call('label/source/values')).data as string[];
    expect(sources).toEqual(
      [
        'access',
        'application',
        'application-text',
        'audit',
        'kamiwazad',
        'kamiwazad-containers',
        'kamiwazad-core',
      ].filter((s) => sources.includes(s))
    );
    expect(sources).toEqual(expect.arrayContaining(['access', 'application', 'audit']));
    expect((await call(`label/source/values?query=${encodeURIComponent('{source=~"au.*"}')}`)).data).toEqual(['audit']);
    const live = rawLines(path.join(dir, 'application.jsonl'));
    const levels = new Set(
      live
        .slice(-2000)
        .map((l) => l.json?.level)
        .filter((v): v is string => typeof v === 'string')
    );
    const answered = (await call(`label/level/values?query=${encodeURIComponent('{source="application"}')}`)).data;
    expect(answered).toEqual(expect.arrayContaining([...levels]));
    expect(answered).toContain('ERROR');
  });

  it('detected_fields: metadata and parsed fields of every line in a short range, typed, with cardinality', async () => {
    const lines = rawLines(path.join(dir, 'application.jsonl'));
    const times = lines
      .map((l) => l.ts)
      .filter((t) => !Number.isNaN(t))
      .sort((a, b) => a - b);
    const to = times[times.length - 1] + 1;
    const from = times[times.length - 300];
    const inRange = lines.filter((l) => l.ts >= from && l.ts < to && l.json);
    expect(inRange.length).toBeGreaterThan(5);
    expect(inRange.length).toBeLessThan(500);
    const query = encodeURIComponent('{source="application"} | json');
    const answer: DetectedFieldsResponse = await call(`detected_fields?query=${query}&start=${ns(from)}&end=${ns(to)}`);
    const byName = Object.fromEntries(answer.fields.map((f) => [f.label, f]));

    const scalarKeys = new Set(
      inRange.flatMap((l) =>
        Object.entries(l.json!)
          .filter(([, v]) => typeof v !== 'object' || v === null)
          .map(([k]) => k)
      )
    );
    for (const key of scalarKeys) {
      expect(byName[key]).toMatchObject({ parsers: null });
    }
    const services = new Set(inRange.map((l) => l.json!.service));
    expect(byName.service).toEqual({ label: 'service', type: 'string', cardinality: services.size, parsers: null });
    const durations = new Set(inRange.map((l) => l.json!.duration_ms).filter((v) => v !== undefined));
    if (durations.size > 0) {
      expect(byName.duration_ms).toEqual({
        label: 'duration_ms',
        type: 'int',
        cardinality: durations.size,
        parsers: null,
      });
    }
    // Nested objects are not metadata: `| json` extracts them, flattened with `_`.
    const nested = inRange.flatMap((l) =>
      Object.entries(l.json!)
        .filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v))
        .flatMap(([k, v]) => Object.keys(v as object).map((inner) => `${k}_${inner}`))
    );
    for (const name of new Set(nested)) {
      expect(byName[name]).toMatchObject({ parsers: ['json'] });
    }
    expect(byName.source).toBeUndefined(); // stream labels are not fields
    expect(answer.limit).toBe(500);
  });

  it('index/stats: whole files for all time, nothing outside the files, estimates near the line count', async () => {
    const audit = path.join(dir, 'audit-events.jsonl');
    const size = fs.statSync(audit).size;
    const lineCount = rawLines(audit).length;
    const stats: IndexStatsResponse = await call(`index/stats?query=${encodeURIComponent('{source="audit"}')}`);
    expect(stats).toMatchObject({ streams: 1, files: 1, bytes: size, chunks: Math.ceil(size / (1 << 20)) });
    expect(Math.abs(stats.entries - lineCount) / lineCount).toBeLessThan(0.15);
    const later = SAMPLE_END_MS + 86_400_000;
    expect(await call(`index/stats?start=${ns(later)}&end=${ns(later + 1000)}`)).toEqual({
      streams: 0,
      chunks: 0,
      bytes: 0,
      entries: 0,
      files: 0,
    });
  });

  it('context: the lines around a row in file order, the pipeline applied when asked, hostile ids refused', async () => {
    const file = path.join(dir, 'application.jsonl');
    const lines = rawLines(file);
    const anchor = Math.floor(lines.length / 2);
    const key = (() => {
      const st = fs.statSync(file);
      return `${st.ino.toString(36)}.${st.dev.toString(36)}`;
    })();
    const id = `${key}:${lines[anchor].offset}`;
    const plain: LogContextResponse = await call(`context?id=${encodeURIComponent(id)}&before=3&after=2`);
    expect(plain.file).toBe('application.jsonl');
    expect(plain.before.map((r) => r.line)).toEqual(lines.slice(anchor - 3, anchor).map((l) => l.text));
    expect(plain.after.map((r) => r.line)).toEqual(lines.slice(anchor + 1, anchor + 3).map((l) => l.text));
    expect(plain.after[0].id).toBe(`${key}:${lines[anchor + 1].offset}`);
    expect(plain.after[0].labels).toMatchObject({
      source: 'application',
      level: String(lines[anchor + 1].json!.level),
    });

    const query = encodeURIComponent('{source="application"} | json | level="ERROR"');
    const errors: LogContextResponse = await call(
      `context?id=${encodeURIComponent(id)}&before=2&after=2&query=${query}`
    );
    const isError = (l: RawLine) => l.json?.level === 'ERROR';
    expect(errors.after.map((r) => r.line)).toEqual(
      lines
        .slice(anchor + 1)
        .filter(isError)
        .slice(0, 2)
        .map((l) => l.text)
    );
    expect(errors.before.map((r) => r.line)).toEqual(
      lines
        .slice(0, anchor)
        .filter(isError)
        .slice(-2)
        .map((l) => l.text)
    );
    const withTokens = errors.after.find((r) => JSON.parse(r.line).tokens !== undefined);
    if (withTokens) {
      expect(withTokens.labels.tokens_prompt).toBe(String(JSON.parse(withTokens.line).tokens.prompt));
    }

    for (const bad of [
      '../../etc/passwd:0',
      '',
      'x',
      `${key}:${lines[anchor].offset + 1}`,
      `${key}:999999999999`,
      `zzzz.zz:0`,
      `${key}:1e3`,
    ]) {
      await refused(`context?id=${encodeURIComponent(bad)}`);
    }
    await refused(`context?id=${encodeURIComponent(id)}&before=5000`);
    await refused(`context?id=${encodeURIComponent(id)}&after=-1`);
  });

  it('refuses bad parameters with 400', async () => {
    await refused('labels?start=yesterday');
    await refused(`labels?start=${ns(2000)}&end=${ns(1000)}`);
    await refused(`labels?query=${encodeURIComponent('{source=')}`);
    await refused('detected_fields');
    await refused(`detected_fields?query=${encodeURIComponent('{a="b"}')}&limit=0`);
  });
});
