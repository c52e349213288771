/**
 * Requests that try to make the data source read outside its log roots: path traversal in
 * resource paths and parameters (plain, URL-encoded, double-encoded, absolute), selectors naming
 * outside files, symlinks planted inside the root (to a file, to a directory, named like a log or
 * a rotated sibling), a symlinked root, and a live file swapped for an outside link while a tail
 * follows it. Every path the process opens or lists is recorded; none may resolve outside the root,
 * and no answer may contain the outside file's text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createHclogLogger } from '../protocol/logger';
import type { DataQuery, PluginContext } from '../protocol/messages';
import { dataSourcePluginContext } from '../protocol/testing/contexts';
import { createDataSourceService } from '../services/datasource/datasource';
import { generateSample, SAMPLE_END_MS } from '../testing/sample';
import { recordOpenedPaths } from './openedFiles';
import { SERVICE_TEST_ENV } from '../testing/serviceEnv';

jest.setTimeout(60_000);

const MARKER = 'OUTSIDE-ROOT-SECRET-7f3a';
const REPO = path.resolve(__dirname, '../../..');
const DAY = 86_400_000;

describe('hostile paths', () => {
  let base: string;
  let realRoot: string;
  let rootLink: string;
  let outside: string;

  beforeAll(async () => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-')));
    realRoot = path.join(base, 'logs');
    outside = path.join(base, 'outside');
    rootLink = path.join(base, 'logs-link');
    fs.mkdirSync(realRoot);
    fs.mkdirSync(outside);
    await generateSample(realRoot);
    const secretText = `2026-11-19T23:00:00.000Z ERROR [kamiwazad] ${MARKER}\n`;
    const secretJson = JSON.stringify({ timestamp: '2026-11-19T23:00:00Z', level: 'ERROR', message: MARKER }) + '\n';
    fs.writeFileSync(path.join(outside, 'secret.log'), secretText);
    fs.writeFileSync(path.join(outside, 'secret.jsonl'), secretJson);
    fs.writeFileSync(path.join(outside, 'application.jsonl'), secretJson);
    // Planted links: to a file, named like a log and like a rotated sibling, and to a directory.
    fs.symlinkSync(path.join(outside, 'secret.log'), path.join(realRoot, 'evil.log'));
    fs.symlinkSync(path.join(outside, 'secret.jsonl'), path.join(realRoot, 'application.jsonl.9'));
    fs.symlinkSync(path.join(outside, 'secret.log'), path.join(realRoot, 'kamiwazad.log.7.gz'));
    fs.symlinkSync(outside, path.join(realRoot, 'sub'));
    fs.symlinkSync('/etc/passwd', path.join(realRoot, 'passwd.log'));
    fs.symlinkSync(realRoot, rootLink);
  });

  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  const logger = createHclogLogger({ write: () => undefined });

  function query(expr: string, refId = 'A'): DataQuery {
    return {
      refId,
      queryType: '',
      maxDataPoints: 100,
      intervalMS: 60_000,
      timeRange: { from: SAMPLE_END_MS - DAY, to: SAMPLE_END_MS },
      json: Buffer.from(JSON.stringify({ refId, expr, queryType: 'range' })),
    };
  }

  const resourcePaths = () => [
    '../../etc/passwd',
    '/etc/passwd',
    '%2e%2e/%2e%2e/etc/passwd',
    '%252e%252e%252fetc%252fpasswd',
    'label/..%2F..%2F..%2Fetc%2Fpasswd/values',
    'label/%2Fetc%2Fpasswd/values',
    'label/filename/values?query=' + encodeURIComponent('{filename="/etc/passwd"}'),
    'label/filename/values?query=' + encodeURIComponent(`{filename=~"${outside}/.*"}`),
    'label/service_name/values?query=' + encodeURIComponent('{filename=~".+"}'),
    'label/message/values?start=..%2F..%2Fetc&end=%2Fetc%2Fpasswd',
    'labels?start=0&end=99999999999999999999',
    'labels',
    'health',
  ];
  const expressions = () => [
    '{filename="/etc/passwd"}',
    `{filename="${path.join(outside, 'secret.log')}"}`,
    `{filename="${path.join(realRoot, '..', 'outside', 'secret.log')}"}`,
    `{filename="${path.join(realRoot, 'evil.log')}"}`,
    '{filename=~".+"}',
    '{source="../../etc/passwd"}',
    // Searches for part of the marker: the answer echoes the query, never the whole marker.
    '{source=~".+"} |= "ROOT-SECRET"',
    '{source=~".+"} |~ "root:.*:0:0"',
    'sum by (filename) (count_over_time({filename=~".+"}[1h]))',
    '{filename="/proc/self/environ"}',
  ];

  it('opens nothing outside the roots and returns nothing from outside', async () => {
    const jsonDatas = [
      { logDirs: [rootLink], accessLogPath: '../../etc/passwd' },
      { logDirs: [rootLink], accessLogPath: '%2e%2e/%2e%2e/etc/passwd' },
      { logDirs: [realRoot], accessLogPath: 'sub/secret.log' },
    ];
    const { handlers } = createDataSourceService({ logger, env: { KAMIWAZA_ROOT: base, ...SERVICE_TEST_ENV } });
    const stop = recordOpenedPaths();
    const answers: string[] = [];
    let opened;
    try {
      for (const [i, jsonData] of jsonDatas.entries()) {
        const pluginContext: PluginContext = dataSourcePluginContext(jsonData, { uid: `ds-${i}` });
        for (const p of resourcePaths()) {
          const [pathOnly] = p.split('?');
          const response = await handlers.callResource!(
            { pluginContext, path: pathOnly, method: 'GET', url: p, headers: {}, body: Buffer.alloc(0) },
            new AbortController().signal
          ).catch((error: Error) => ({ error: error.message }));
          answers.push(JSON.stringify(response));
        }
        const queries = expressions().map((expr, n) => query(expr, `Q${n}`));
        for (const q of queries) {
          const response = await handlers.query!(
            q,
            { pluginContext, headers: {}, queries, format: 'arrow' },
            new AbortController().signal
          ).catch((error: Error) => ({ error: error.message }));
          answers.push(JSON.stringify(response));
        }
        answers.push(JSON.stringify(await handlers.checkHealth!({ pluginContext, headers: {} })));
      }
    } finally {
      opened = stop();
    }

    const inRoot = opened.filter((o) => o.real !== undefined && o.real.startsWith(realRoot + path.sep));
    // The recorder works: the sample's own files were opened through it.
    expect(inRoot.some((o) => o.real!.endsWith('application.jsonl'))).toBe(true);
    const escaped = opened.filter(
      (o) =>
        o.real !== undefined &&
        !(o.real === realRoot || o.real.startsWith(realRoot + path.sep)) &&
        !o.real.startsWith(REPO + path.sep) &&
        // Listing the access log's configured directory (a trusted setting) is not reading a file.
        !(o.api.includes('readdir') && o.real === base)
    );
    expect(escaped).toEqual([]);
    for (const answer of answers) {
      expect(answer).not.toContain(MARKER);
      expect(answer).not.toMatch(/root:x?:0:0/);
    }
  });

  it('a tail never follows a live file swapped for a link outside the root', async () => {
    const { handlers } = createDataSourceService({ logger, env: SERVICE_TEST_ENV });
    const pluginContext = dataSourcePluginContext({ logDirs: [rootLink] }, { uid: 'tail' });
    const live = path.join(realRoot, 'kamiwazad-core.log');
    const stop = recordOpenedPaths();
    const packets: string[] = [];
    const abort = new AbortController();
    let opened;
    try {
      const running = handlers.runStream!(
        {
          pluginContext,
          path: 'tail/1',
          headers: {},
          data: Buffer.from(JSON.stringify({ expr: '{source=~"kamiwazad.*"}' })),
        },
        async (data) => void packets.push(data.toString()),
        abort.signal
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Rotation by rename, then a link to the outside file where the live file was.
      fs.renameSync(live, `${live}.1`);
      fs.symlinkSync(path.join(outside, 'secret.log'), live);
      fs.appendFileSync(path.join(outside, 'secret.log'), `2026-11-19T23:00:01.000Z ERROR ${MARKER} again\n`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      abort.abort();
      await running;
    } finally {
      opened = stop();
    }
    expect(opened.some((o) => o.real === path.join(outside, 'secret.log') && o.api.includes('open'))).toBe(false);
    expect(packets.join('\n')).not.toContain(MARKER);
  });
});
