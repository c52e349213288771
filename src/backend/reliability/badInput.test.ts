/**
 * The bad-input corpus: each case is a log directory with one kind of damage next to good lines.
 * For each, the query answers (never throws, never hangs: a generous bound that only a hang
 * reaches), the readable lines come back, and a notice says what was skipped or altered and how
 * many. The mode-000 case runs the built CLI as `nobody` (tests run as root here, and root reads
 * any file): see `unreadable file`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { runQuery, type QueryResult } from '../engine/query';
import { createFileLogStore } from '../engine/store';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-19T12:00:00Z');
const HOUR = 3_600_000;
/** Only a hang reaches this; a slow machine does not. */
const HANG_BOUND_MS = 60_000;
const CLI = path.resolve(__dirname, '../../../build/kamiwaza-logs');

const iso = (ms: number) => new Date(ms).toISOString();
const app = (ms: number, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ timestamp: iso(ms), level: 'INFO', service: 'kamiwaza.api', message, ...extra });
const text = (ms: number, message: string) => `${iso(ms).replace('T', ' ').replace('Z', '')} INFO ${message}`;

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

async function query(expr: string, direction: 'forward' | 'backward' = 'forward', limit = 1000): Promise<QueryResult> {
  const store = createFileLogStore({ roots: [dir] });
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_BOUND_MS} ms`)), HANG_BOUND_MS);
  });
  try {
    return await Promise.race([
      runQuery(store, { query: expr, startMs: T0 - HOUR, endMs: T0 + HOUR, limit, direction }),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function lines(result: QueryResult): string[] {
  if (result.resultType !== 'streams') {
    throw new Error(`expected streams, got ${result.resultType}`);
  }
  return result.streams
    .flatMap((s) => s.entries)
    .sort((a, b) => a.ts - b.ts)
    .map((e) => e.line);
}

function entries(result: QueryResult) {
  return result.resultType === 'streams' ? result.streams.flatMap((s) => s.entries).sort((a, b) => a.ts - b.ts) : [];
}

const noticeText = (result: QueryResult) => result.notices.map((n) => n.text).join('\n');

describe('bad input', () => {
  it('invalid UTF-8: every line comes back, the bad bytes as U+FFFD, counted', async () => {
    write(
      'application.jsonl',
      Buffer.concat([
        Buffer.from(app(T0, 'before') + '\n'),
        Buffer.from(app(T0 + 1000, 'caf').slice(0, -2)),
        Buffer.from([0xe9, 0xff]),
        Buffer.from('"}\n' + app(T0 + 2000, 'after') + '\n'),
      ])
    );
    const result = await query('{source="application"}');
    const got = lines(result);
    expect(got).toHaveLength(3);
    expect(got[1]).toContain('caf\ufffd\ufffd');
    expect(noticeText(result)).toMatch(/\b1 line\(s\) read had invalid UTF-8/);
  });

  it('NUL bytes: the line comes back whole and its fields still parse', async () => {
    write('application.jsonl', [app(T0, 'a'), app(T0 + 1000, 'nul\u0000here'), app(T0 + 2000, 'c')].join('\n') + '\n');
    // JSON.stringify escapes NUL; write a raw one into the middle line.
    const file = path.join(dir, 'application.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('\\u0000', '\u0000'));
    const result = await query('{source="application"}');
    expect(lines(result).map((l) => l.includes('nul\u0000here'))).toEqual([false, true, false]);
    const parsed = await query('{source="application"} | json | level="INFO"');
    expect(lines(parsed)).toHaveLength(3);
  });

  it('a 50 MB single line: the lines around it come back, it is cut to 1 MiB, counted', async () => {
    const big = Buffer.alloc(50 << 20, 0x78);
    write(
      'kamiwazad.log',
      Buffer.concat([
        Buffer.from(text(T0, 'first') + '\n' + text(T0 + 1000, 'big ')),
        big,
        Buffer.from('\n' + text(T0 + 2000, 'last') + '\n'),
      ])
    );
    for (const direction of ['forward', 'backward'] as const) {
      const result = await query('{source="kamiwazad"}', direction);
      const got = lines(result);
      expect(got.map((l) => l.slice(24, 34))).toEqual(['INFO first', 'INFO big x', 'INFO last']);
      expect(got[1].length).toBeLessThanOrEqual(1 << 20);
      expect(noticeText(result)).toMatch(/\b1 line\(s\) read were longer than 1 MiB and cut/);
    }
  });

  it('CRLF line ends: lines come back without the carriage return and parse', async () => {
    write('application.jsonl', [app(T0, 'a'), app(T0 + 1000, 'b')].join('\r\n') + '\r\n');
    const result = await query('{source="application"} | json | message="b"');
    expect(lines(result)).toEqual([app(T0 + 1000, 'b')]);
    expect(result.notices).toEqual([]);
  });

  it('a byte order mark: the first line keeps its timestamp and is not malformed', async () => {
    write('application.jsonl', '\ufeff' + [app(T0, 'first'), app(T0 + 1000, 'second')].join('\n') + '\n');
    const result = await query('{source="application"} | json');
    expect(entries(result).map((e) => [e.ts, e.line])).toEqual([
      [T0, app(T0, 'first')],
      [T0 + 1000, app(T0 + 1000, 'second')],
    ]);
    expect(result.notices).toEqual([]);
  });

  it('an empty file next to a good one: the good one answers', async () => {
    write('application.jsonl', '');
    write('audit-events.jsonl', app(T0, 'audit') + '\n');
    const result = await query('{source=~".+"}');
    expect(lines(result)).toEqual([app(T0, 'audit')]);
  });

  it('deeply nested JSON: json and unpack stages answer, the line comes back', async () => {
    const depth = 200_000;
    const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    write(
      'application.jsonl',
      [app(T0, 'plain'), app(T0 + 1000, 'deep', { deep: 0 }).replace('0}', nested + '}')].join('\n') + '\n'
    );
    for (const stage of ['json', 'unpack', 'json deep="deep.a.a"', 'logfmt']) {
      const result = await query(`{source="application"} | ${stage}`);
      expect(lines(result)).toHaveLength(2);
    }
  });

  it('JSON lines that are not objects: returned as raw text, counted as malformed', async () => {
    write(
      'application.jsonl',
      [app(T0, 'a'), '[1,2]', '"just a string"', '42', 'null', app(T0 + 1000, 'b')].join('\n') + '\n'
    );
    const result = await query('{source="application"}');
    expect(lines(result).sort()).toEqual(
      [app(T0, 'a'), '[1,2]', '"just a string"', '42', 'null', app(T0 + 1000, 'b')].sort()
    );
    expect(noticeText(result)).toMatch(/\b4 malformed line\(s\)/);
  });

  it('timestamps in other formats and zones are read as the same instants', async () => {
    const sameInstants = [
      JSON.stringify({ timestamp: '2026-11-19T14:00:01+02:00', message: 'offset' }),
      JSON.stringify({ time: '2026-11-19 12:00:02,000', message: 'python comma, no zone' }),
      JSON.stringify({ ts: (T0 + 3000) / 1000, message: 'epoch seconds' }),
      JSON.stringify({ ts: String((T0 + 4000) * 1e6), message: 'epoch nanoseconds' }),
      JSON.stringify({ '@timestamp': '2026-11-19T07:00:05-0500', message: 'offset without colon' }),
    ];
    write('application.jsonl', sameInstants.join('\n') + '\n');
    const result = await query('{source="application"}');
    expect(entries(result).map((e) => e.ts)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000, T0 + 5000]);
  });

  it('out-of-order lines: the newest and the oldest are found whatever their place in the file', async () => {
    // Each line is its own stream (message is structured metadata): the limit shows the order.
    write('application.jsonl', [5, 1, 3, 2, 4].map((s) => app(T0 + s * 1000, `s${s}`)).join('\n') + '\n');
    const messages = (r: QueryResult) => entries(r).map((e) => JSON.parse(e.line).message);
    expect(messages(await query('{source="application"}', 'backward', 2))).toEqual(['s4', 's5']);
    expect(messages(await query('{source="application"}', 'forward', 2))).toEqual(['s1', 's2']);
  });

  it('a text file without any timestamp: each line comes back at the file time, counted', async () => {
    const file = write('kamiwazad.log', 'starting\nready\nno time at all\n');
    fs.utimesSync(file, new Date(T0), new Date(T0));
    for (const direction of ['forward', 'backward'] as const) {
      const result = await query('{source="kamiwazad"}', direction);
      expect(
        entries(result)
          .map((e) => [e.ts, e.line])
          .sort()
      ).toEqual(
        [
          [T0, 'starting'],
          [T0, 'ready'],
          [T0, 'no time at all'],
        ].sort()
      );
      expect(noticeText(result)).toMatch(/\b3 line\(s\) had no timestamp/);
    }
  });

  it('a text file without timestamps larger than a record may be: every line, both directions', async () => {
    const count = 4_500; // ~1.2 MB, more than one record's 1 MiB, under the 5000-entry limit
    const content = Array.from({ length: count }, (_, i) => `untimed line ${i} ${'.'.repeat(240)}`).join('\n') + '\n';
    const file = write('kamiwazad.log', content);
    fs.utimesSync(file, new Date(T0), new Date(T0));
    for (const direction of ['forward', 'backward'] as const) {
      const got = lines(await query('{source="kamiwazad"}', direction, 5000));
      expect(got).toHaveLength(count);
      expect(new Set(got).size).toBe(count);
    }
  });

  it('a directory named like a log file: its files are read, a notice says so', async () => {
    write('application.jsonl/application.jsonl', app(T0, 'inside') + '\n');
    write('audit-events.jsonl', app(T0, 'audit') + '\n');
    const result = await query('{source=~".+"}');
    expect(lines(result).sort()).toEqual([app(T0, 'audit'), app(T0, 'inside')].sort());
    expect(noticeText(result)).toMatch(/1 problem\(s\).*application\.jsonl is a directory named like a log file/);
  });

  it('a dangling symlink, a link outside the root and a FIFO are skipped with a counted notice', async () => {
    write('audit-events.jsonl', app(T0, 'audit') + '\n');
    fs.symlinkSync(path.join(dir, 'nowhere.log'), path.join(dir, 'kamiwazad.log'));
    fs.symlinkSync('/etc/hostname', path.join(dir, 'kamiwazad-core.log'));
    const fifo = spawnSync('mkfifo', [path.join(dir, 'application.jsonl')]);
    expect(fifo.status).toBe(0);
    const result = await query('{source=~".+"}');
    expect(lines(result)).toEqual([app(T0, 'audit')]);
    const notices = noticeText(result);
    expect(notices).toMatch(/\b3 problem\(s\) under the log roots/);
    expect(notices).toMatch(/kamiwazad\.log \(dangling link or no permission\)/);
    expect(notices).toMatch(/kamiwazad-core\.log points outside the log roots/);
    expect(notices).toMatch(/application\.jsonl is not a regular file/);
  });

  it('a metric query tried on summaries before the index covers a file reports a problem once', async () => {
    write('audit-events.jsonl', app(T0, 'audit') + '\n');
    fs.symlinkSync(path.join(dir, 'nowhere.log'), path.join(dir, 'kamiwazad.log'));
    // A fresh block index covers nothing yet: the summaries plan finds no file and the scan answers.
    const store = createFileLogStore({ roots: [dir] }, { index: {} });
    const result = await runQuery(store, {
      query: 'sum by (detected_level) (count_over_time({source=~".+"} [1h]))',
      startMs: T0 - HOUR,
      endMs: T0 + HOUR,
      stepMs: HOUR,
    });
    expect(result.resultType).toBe('matrix');
    expect(result.notices.filter((n) => /problem\(s\) under the log roots/.test(n.text))).toHaveLength(1);
    await store.indexIdle();
  });

  it('an unreadable file (mode 000), read by the built CLI running as nobody', () => {
    // Root reads any file, so the check runs the CLI without privileges: setpriv switches to
    // nobody with no capabilities; the directory is world-readable, the one file is not.
    fs.chmodSync(dir, 0o755);
    write('audit-events.jsonl', app(T0, 'audit') + '\n');
    const secret = write('application.jsonl', app(T0, 'unreadable') + '\n');
    fs.chmodSync(secret, 0o000);
    fs.chmodSync(path.join(dir, 'audit-events.jsonl'), 0o644);
    const run = spawnSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        '--inh-caps=-all',
        CLI,
        'query',
        '{source=~".+"}',
        '--dir',
        dir,
        '--from',
        iso(T0 - HOUR),
        '--to',
        iso(T0 + HOUR),
        '--output',
        'jsonl',
      ],
      { encoding: 'utf8', timeout: HANG_BOUND_MS }
    );
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"message":"audit"');
    expect(run.stdout).not.toContain('unreadable');
    expect(run.stderr).toMatch(/cannot read .*application\.jsonl: EACCES/);
  });
});
