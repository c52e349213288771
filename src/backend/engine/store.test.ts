import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import {
  DISORDER_TOLERANCE_MS,
  emptyStats,
  type LabelMatcher,
  type LogRecord,
  type ScanRequest,
  type ScanStats,
} from './model';
import { createFileLogStore, type FileLogStore } from './store';
import { Prng } from '../../generator/prng';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(path: string, content: string | Buffer): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

function appLine(ms: number, extra: Record<string, unknown> = {}): string {
  return (
    JSON.stringify({ timestamp: iso(ms), level: 'INFO', service: 'kamiwaza.serving', message: `m${ms}`, ...extra }) +
    '\n'
  );
}

async function collect(
  store: FileLogStore,
  req: Partial<ScanRequest>,
  stats: ScanStats = emptyStats()
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const request: ScanRequest = { matchers: [], fromMs: -Infinity, toMs: Infinity, direction: 'forward', ...req };
  for await (const batch of store.scan(request, stats)) {
    out.push(...batch);
  }
  return out;
}

const sel = (name: string, value: string, op: LabelMatcher['op'] = '='): LabelMatcher => ({ name, op, value });

/** Uniform [0, 1) draws from the project's seeded generator, so property tests are reproducible. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.float();
}

describe('discovery and labels', () => {
  it('finds every source, groups rotated siblings and labels them', async () => {
    const logs = join(dir, 'logs');
    write('logs/application.jsonl', appLine(T0 + 2000));
    write('logs/application.jsonl.1', appLine(T0 + 1000));
    write('logs/application.jsonl.2.gz', gzipSync(appLine(T0)));
    write(
      'logs/audit-events.jsonl',
      '{"timestamp":"2026-11-20T10:00:00Z","event_type":"auth.login","actor":"alice","outcome":"success"}\n'
    );
    write('logs/application.log', '2026-11-20 10:00:00,123 - kamiwaza.api - INFO - [trace_id=abc] hello\n');
    write('logs/kamiwazad.log', '2026-11-20 10:00:00,123 [INFO] kamiwazad.supervisor: starting service ray\n');
    write('logs/kamiwazad-core.log', '2026-11-20T10:00:00.123456Z ERROR kamiwaza.core.worker pid=4121 boom\n');
    write('logs/kamiwazad-containers.log.2026-11-19', '2026-11-19T10:00:00Z INFO kamiwaza.containers started\n');
    write('logs/extra/worker.jsonl', '{"ts":1795168800,"msg":"generic"}\n');
    write(
      'root/kamiwaza/traefik/access.log',
      '10.0.0.7 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl" 1 "r@docker" "http://x" 3ms\n'
    );
    const store = createFileLogStore({ roots: [logs], kamiwazaRoot: join(dir, 'root') });

    const records = await collect(store, {});
    const bySource = (s: string) => records.filter((r) => r.stream.source === s);
    expect(bySource('application').map((r) => r.ts)).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(new Set(bySource('application').map((r) => r.stream.filename))).toEqual(
      new Set([join(logs, 'application.jsonl')])
    );
    expect(bySource('audit')[0].metadata).toMatchObject({
      event_type: 'auth.login',
      actor: 'alice',
      outcome: 'success',
    });
    expect(bySource('application-text')[0].metadata.trace_id).toBe('abc');
    expect(bySource('kamiwazad')[0].stream.service_name).toBe('kamiwazad.supervisor');
    expect(bySource('kamiwazad-core')[0].label('detected_level')).toBe('error');
    expect(bySource('kamiwazad-containers')).toHaveLength(1);
    expect(bySource('worker')[0].stream).toEqual({
      source: 'worker',
      service_name: 'unknown_service',
      filename: join(logs, 'extra/worker.jsonl'),
    });
    expect(bySource('access')[0].metadata).toMatchObject({
      RequestMethod: 'GET',
      DownstreamStatus: '200',
      Duration: '3000000',
    });

    const described = store.describeSources();
    const app = described.find((s) => s.source === 'application')!;
    expect(app.files.map((f) => [f.compressed, f.live])).toEqual([
      [false, true],
      [false, false],
      [true, false],
    ]);
    expect(app.files[0].firstTime).toBe('2026-11-20T10:00:02.000000Z');
    expect(app.problems).toEqual([]);
    expect(described.find((s) => s.source === 'kamiwazad-containers')!.problems.join()).toContain('live file');

    expect(await store.labelValues('source', 0, Infinity)).toEqual(
      [
        'access',
        'application',
        'application-text',
        'audit',
        'kamiwazad',
        'kamiwazad-containers',
        'kamiwazad-core',
        'worker',
      ].sort()
    );
    expect(await store.labelValues('service_name', -Infinity, Infinity, [sel('source', 'application')])).toEqual([
      'kamiwaza.serving',
    ]);
    const names = await store.labelNames(-Infinity, Infinity);
    expect(names).toEqual(
      expect.arrayContaining([
        'source',
        'service_name',
        'filename',
        'level',
        'detected_level',
        'trace_id',
        'RequestPath',
      ])
    );
  });

  it('selects by stream labels, service_name from content', async () => {
    write(
      'application.jsonl',
      appLine(T0) + appLine(T0 + 1, { service: 'kamiwaza.api' }) + appLine(T0 + 2, { service: undefined })
    );
    const store = createFileLogStore({ roots: [dir] });
    expect((await collect(store, { matchers: [sel('service_name', 'kamiwaza.api')] })).map((r) => r.ts)).toEqual([
      T0 + 1,
    ]);
    expect((await collect(store, { matchers: [sel('service_name', 'unknown_service')] })).map((r) => r.ts)).toEqual([
      T0 + 2,
    ]);
    expect((await collect(store, { matchers: [sel('service_name', 'kamiwaza.*', '=~')] })).map((r) => r.ts)).toEqual([
      T0,
      T0 + 1,
    ]);
    expect(await collect(store, { matchers: [sel('source', 'audit')] })).toEqual([]);
    expect(await collect(store, { matchers: [sel('level', 'INFO')] })).toEqual([]);
  });

  it('rejects symlinks that escape the roots and reports missing roots', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'kw-outside-'));
    try {
      writeFileSync(join(outside, 'secret.jsonl'), appLine(T0, { message: 'secret' }));
      write('logs/application.jsonl', appLine(T0));
      symlinkSync(join(outside, 'secret.jsonl'), join(dir, 'logs/leak.jsonl'));
      symlinkSync(outside, join(dir, 'logs/leakdir'));
      const store = createFileLogStore({
        roots: [join(dir, 'logs'), join(dir, 'missing')],
        accessLogPath: '../../etc/passwd',
      });
      const stats = emptyStats();
      const records = await collect(store, {}, stats);
      expect(records.map((r) => r.stream.source)).toEqual(['application']);
      const text = stats.notices.map((n) => n.text).join('\n');
      expect(text).toContain('leak.jsonl points outside');
      expect(text).toContain('leakdir points outside');
      expect(text).toContain('missing does not exist');
      expect(text).toContain('contains ".."');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('damaged input', () => {
  it('keeps malformed lines, replaces invalid UTF-8, cuts huge lines, holds an incomplete last line', async () => {
    const huge = '{"timestamp":"2026-11-20T10:00:03Z","message":"' + 'x'.repeat(3 << 20) + '"}\n';
    const content = Buffer.concat([
      Buffer.from(appLine(T0)),
      Buffer.from('{"timestamp":"2026-11-20T10:00:01Z","level":"ERR\n'),
      Buffer.from('\x00\x01 binary junk\n'),
      Buffer.from('{"timestamp":"2026-11-20T10:00:02Z","message":"bad \xff\xfe bytes"}\n', 'latin1'),
      Buffer.from(huge),
      Buffer.from(appLine(T0 + 4000)),
      Buffer.from(appLine(T0 + 5000).trimEnd()),
    ]);
    write('application.jsonl', content);
    write('application.jsonl.1', appLine(T0 - 2000) + appLine(T0 - 1000).trimEnd());
    const store = createFileLogStore({ roots: [dir] });
    for (const direction of ['forward', 'backward'] as const) {
      const stats = emptyStats();
      const records = await collect(store, { direction }, stats);
      const ordered = direction === 'forward' ? records : [...records].reverse();
      expect(ordered.map((r) => r.ts)).toEqual([
        T0 - 2000,
        T0 - 1000,
        T0,
        T0 + 1000,
        T0 + 1000,
        T0 + 2000,
        T0 + 3000,
        T0 + 4000,
      ]);
      expect(ordered[3].label('__error__')).toBe('JSONParserErr');
      expect(ordered[4].line).toBe('\x00\x01 binary junk');
      expect(ordered[5].line).toContain('bad \ufffd\ufffd bytes');
      expect(ordered[6].line.length).toBe(1 << 20);
      expect(ordered[6].metadata.line_truncated).toBe('true');
      // The cut line is no longer valid JSON: it counts as malformed too.
      expect(stats).toMatchObject({ malformedLines: 3, invalidUtf8Lines: 1, cutLines: 1 });
      expect(stats.notices.map((n) => n.text).join('\n')).toMatch(/1 line\(s\) read had invalid UTF-8/);
    }
    appendFileSync(join(dir, 'application.jsonl'), '\n');
    expect((await collect(store, {})).map((r) => r.ts).pop()).toBe(T0 + 5000);
  });

  it('survives corrupt gzip siblings and empty files with a notice', async () => {
    write('application.jsonl', '');
    write('application.jsonl.1', appLine(T0));
    write(
      'application.jsonl.2.gz',
      Buffer.concat([gzipSync(appLine(T0 - 1000)).subarray(0, 12), Buffer.from('garbage')])
    );
    write('application.jsonl.3.gz', 'not gzip at all');
    const stats = emptyStats();
    const records = await collect(createFileLogStore({ roots: [dir] }), {}, stats);
    expect(records.map((r) => r.ts)).toEqual([T0]);
    expect(stats.notices.filter((n) => /not a readable gzip/.test(n.text))).toHaveLength(2);
  });

  it.each([
    // Random messages (they compress little): over the one-call inflate's 8 MB, so streamed.
    ['large, streamed', 120_000, 10, 0.7, 8 << 20, (prng: Prng) => prng.hex(160)],
    // Repetitive lines: the whole sibling inflates at once to less than one read block.
    ['small, inflated at once', 3000, 1000, 0.6, 0, () => 'tick'],
  ])(
    'reads a gzip sibling cut short up to its cut, with a notice, in both directions: %s',
    async (_, count, everyMs, kept, minGzipBytes, message) => {
      const prng = new Prng(7);
      const lines = Array.from({ length: count }, (_, i) =>
        appLine(T0 - 3_600_000 + i * everyMs, { message: message(prng) })
      );
      const gzip = gzipSync(lines.join(''));
      expect(gzip.length).toBeGreaterThan(minGzipBytes);
      const cut = gzip.subarray(0, Math.floor(gzip.length * kept));
      write('application.jsonl.1.gz', cut);
      // The whole lines before the cut, as zlib inflates them (a tolerance of 64 KiB of lines).
      const readable =
        gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('latin1').split('\n').length - 1;
      const mayLose = Math.ceil((64 << 10) / lines[0].length) + 1;
      write('application.jsonl', appLine(T0));
      for (const direction of ['forward', 'backward'] as const) {
        const stats = emptyStats();
        const records = await collect(createFileLogStore({ roots: [dir] }), { direction }, stats);
        const fromGzip = records.filter((r) => r.ts < T0).map((r) => r.line + '\n');
        const inOrder = direction === 'forward' ? fromGzip : [...fromGzip].reverse();
        // A prefix of the sibling's lines: what lies before the cut.
        expect(inOrder.length).toBeGreaterThanOrEqual(readable - mayLose);
        expect(inOrder.length).toBeLessThanOrEqual(readable);
        expect(inOrder).toEqual(lines.slice(0, inOrder.length));
        expect(records.some((r) => r.ts === T0)).toBe(true);
        expect(
          stats.notices.filter((n) => /application\.jsonl\.1\.gz is not a readable gzip/.test(n.text))
        ).toHaveLength(1);
      }
    }
  );

  it('keeps stack traces with their first line in both directions', async () => {
    const text = [
      '2026-11-20 10:00:00,000 - kamiwaza.api - INFO - ok',
      '2026-11-20 10:00:01,000 - kamiwaza.api - ERROR - [trace_id=t1] Request failed',
      'Traceback (most recent call last):',
      '  File "routes.py", line 88, in handle',
      'TimeoutError: upstream timeout',
      '2026-11-20 10:00:02,000 - kamiwaza.api - INFO - after',
      '',
    ].join('\n');
    write('application.log', text);
    const store = createFileLogStore({ roots: [dir] });
    const forward = await collect(store, {});
    expect(forward.map((r) => r.line.split('\n').length)).toEqual([1, 4, 1]);
    expect(forward[1].label('trace_id')).toBe('t1');
    const backward = await collect(store, { direction: 'backward' });
    expect(backward.map((r) => r.line)).toEqual(forward.map((r) => r.line).reverse());
    expect((await collect(store, { mustContain: ['TimeoutError'] })).map((r) => r.ts)).toEqual([T0 + 1000]);
  });
});

/** A randomized source: live file and rotated siblings (some gzip), disorder within the tolerance, junk lines. */
function randomSource(seed: number): { lines: number; times: number[] } {
  const rnd = prng(seed);
  const files = 1 + Math.floor(rnd() * 3);
  let t = T0;
  const times: number[] = [];
  for (let f = files - 1; f >= 0; f--) {
    const parts: string[] = [];
    const count = 1500 + Math.floor(rnd() * 4000);
    for (let i = 0; i < count; i++) {
      t += Math.floor(rnd() * 3000);
      if (rnd() < 0.01) {
        parts.push('junk line without time ' + i + '\n');
        continue;
      }
      const ts = t - Math.floor(rnd() * DISORDER_TOLERANCE_MS * 0.9);
      times.push(ts);
      parts.push(appLine(ts, { trace_id: rnd() < 0.05 ? 'needle' : 'hay', pad: 'p'.repeat(Math.floor(rnd() * 200)) }));
    }
    const body = parts.join('');
    const name = f === 0 ? 'application.jsonl' : `application.jsonl.${f}`;
    if (f > 0 && rnd() < 0.5) {
      write(name + '.gz', gzipSync(body));
    } else {
      write(name, body);
    }
  }
  return { lines: times.length, times };
}

describe('seek and direction (property test)', () => {
  it('returns with seeks exactly what a full scan filtered by time returns, in both directions', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const { times } = randomSource(seed);
      const store = createFileLogStore({ roots: [dir] });
      const full = await collect(store, {});
      expect(full.filter((r) => !r.line.startsWith('junk')).length).toBe(times.length);
      const rnd = prng(seed * 7919);
      const min = Math.min(...times);
      const max = Math.max(...times);
      for (let q = 0; q < 8; q++) {
        const a = min + rnd() * (max - min);
        const b = a + rnd() * (max - min) * (q % 2 ? 0.02 : 0.5);
        const mustContain = q % 3 === 0 ? ['needle'] : undefined;
        // One of each group: the needle or the junk lines, and a quote (no junk line has one).
        const mustContainOneOf =
          q % 3 === 1
            ? [
                ['needle', 'junk'],
                ['"', 'no such text'],
              ]
            : undefined;
        const kept = (line: string) =>
          (!mustContain || line.includes('needle')) &&
          (!mustContainOneOf || ((line.includes('needle') || line.includes('junk')) && line.includes('"')));
        const expected = full.filter((r) => r.ts >= a && r.ts < b && kept(r.line)).map((r) => r.id);
        const forward = await collect(store, { fromMs: a, toMs: b, mustContain, mustContainOneOf });
        expect([seed, q, forward.map((r) => r.id).sort()]).toEqual([seed, q, [...expected].sort()]);
        const backward = await collect(store, {
          fromMs: a,
          toMs: b,
          mustContain,
          mustContainOneOf,
          direction: 'backward',
        });
        expect(backward.map((r) => r.id).sort()).toEqual([...expected].sort());
        for (let i = 1; i < forward.length; i++) {
          expect(forward[i].ts).toBeGreaterThanOrEqual(forward[i - 1].ts - DISORDER_TOLERANCE_MS);
          expect(backward[i].ts).toBeLessThanOrEqual(backward[i - 1].ts + DISORDER_TOLERANCE_MS);
        }
      }
    }
  });

  it('reads a single file backward as the exact reverse of forward', async () => {
    randomSource(99);
    rmSync(join(dir, 'application.jsonl.1'), { force: true });
    rmSync(join(dir, 'application.jsonl.1.gz'), { force: true });
    rmSync(join(dir, 'application.jsonl.2'), { force: true });
    rmSync(join(dir, 'application.jsonl.2.gz'), { force: true });
    const store = createFileLogStore({ roots: [dir] });
    const forward = await collect(store, {});
    const backward = await collect(store, { direction: 'backward' });
    expect(backward.map((r) => r.id)).toEqual(forward.map((r) => r.id).reverse());
  });
});

describe('multi-line text across chunk boundaries (property test)', () => {
  it('groups the same records forward, backward and with seeks', async () => {
    const rnd = prng(4242);
    const parts: string[] = ['orphan continuation before any timestamp\n'];
    let t = T0;
    for (let i = 0; i < 12000; i++) {
      t += Math.floor(rnd() * 2000);
      const ts = new Date(t).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
      parts.push(`${ts} - kamiwaza.api - ERROR - [trace_id=t${i}] failure ${'x'.repeat(Math.floor(rnd() * 150))}\n`);
      for (let c = rnd() < 0.2 ? Math.floor(rnd() * 8) : 0; c > 0; c--) {
        parts.push(`  File "x.py", line ${c}, in f${'y'.repeat(Math.floor(rnd() * 100))}\n`);
      }
    }
    write('application.log', parts.join(''));
    const store = createFileLogStore({ roots: [dir] });
    const forward = await collect(store, {});
    const backward = await collect(store, { direction: 'backward' });
    expect(forward).toHaveLength(12001);
    expect(backward.map((r) => [r.id, r.line])).toEqual(forward.map((r) => [r.id, r.line]).reverse());
    expect(forward.map((r) => r.line).join('\n') + '\n').toBe(parts.join(''));
    for (let q = 0; q < 6; q++) {
      const a = T0 + rnd() * (t - T0);
      const b = a + rnd() * (t - T0) * 0.3;
      const expected = forward.filter((r) => r.ts >= a && r.ts < b).map((r) => r.line);
      expect((await collect(store, { fromMs: a, toMs: b })).map((r) => r.line)).toEqual(expected);
      expect((await collect(store, { fromMs: a, toMs: b, direction: 'backward' })).map((r) => r.line)).toEqual(
        [...expected].reverse()
      );
    }
  });
});

describe('literal search of multi-line text (property test)', () => {
  it('returns exactly the records containing the literal, across search chunks, in both directions', async () => {
    const rnd = prng(977);
    // The model: each record's text and time, written independently of the scanner.
    const records: Array<{ ts: number; text: string }> = [];
    const orphan = 'orphan continuation before any timestamp needle-orphan';
    let t = T0;
    const body: string[] = [orphan + '\n'];
    for (let i = 0; i < 70_000; i++) {
      t += Math.floor(rnd() * 2000);
      const stamp = new Date(t).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
      const lines = [
        `${stamp} - kamiwaza.api - ERROR - [trace_id=t${i}] failure ${'x'.repeat(Math.floor(rnd() * 150))}`,
      ];
      // Mostly short stack traces; now and then 20,000 untimed lines (under 1 MiB, the record limit).
      if (i % 20_000 === 10_000) {
        for (let c = 20_000; c > 0; c--) {
          lines.push(`  at f${c % 97}`);
        }
      }
      for (let c = rnd() < 0.2 ? Math.floor(rnd() * 8) : 0; c > 0; c--) {
        lines.push(`  File "x.py", line ${c}, in f${'y'.repeat(Math.floor(rnd() * 100))}`);
      }
      records.push({ ts: t, text: lines.join('\n') });
      body.push(lines.join('\n') + '\n');
    }
    records.unshift({ ts: records[0].ts, text: orphan });
    write('application.log', body.join(''));
    const store = createFileLogStore({ roots: [dir] });
    const needles = ['trace_id=t4242]', 'trace_id=t1', 'line 7, in', 'at f96', 'needle-orphan', 'absent', 'ERROR'];
    for (const needle of needles) {
      const a = T0 + rnd() * (t - T0) * 0.5;
      for (const [fromMs, toMs] of [
        [-Infinity, Infinity],
        [a, a + (t - T0) * 0.3],
      ]) {
        const expected = records.filter((r) => r.ts >= fromMs && r.ts < toMs && r.text.includes(needle));
        const forward = await collect(store, { fromMs, toMs, mustContain: [needle] });
        expect(forward.map((r) => [r.ts, r.line])).toEqual(expected.map((r) => [r.ts, r.text]));
        const backward = await collect(store, { fromMs, toMs, mustContain: [needle], direction: 'backward' });
        expect(backward.map((r) => [r.ts, r.line])).toEqual(expected.map((r) => [r.ts, r.text]).reverse());
      }
    }
  });
});

describe('time index', () => {
  it('reads only the part of a large file a narrow range needs and skips whole gzip siblings', async () => {
    write(
      'application.jsonl.1.gz',
      gzipSync(Array.from({ length: 2000 }, (_, i) => appLine(T0 - 2 * 86_400_000 + i * 1000)).join(''))
    );
    const live = Array.from({ length: 20000 }, (_, i) => appLine(T0 + i * 100)).join('');
    write('application.jsonl', live);
    const store = createFileLogStore({ roots: [dir] });
    for (const direction of ['forward', 'backward'] as const) {
      const stats = emptyStats();
      const records = await collect(store, { fromMs: T0 + 1_000_000, toMs: T0 + 1_010_000, direction }, stats);
      expect(records.map((r) => r.ts).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => T0 + 1_000_000 + i * 100)
      );
      expect(stats.filesRead).toBe(1);
      expect(stats.bytesScanned).toBeLessThan(live.length / 2);
    }
    // Between the gzip file's last line and the live file: without an index the gzip file may
    // reach up to the live file's start, so it is read; a full read indexes it, then it is skipped.
    const first = emptyStats();
    await collect(store, { fromMs: T0 - 1.5 * 86_400_000, toMs: T0 - 86_400_000 }, first);
    expect(first.filesRead).toBe(1);
    const old = await collect(store, { fromMs: T0 - 2 * 86_400_000, toMs: T0 - 86_400_000 });
    expect(old).toHaveLength(2000);
    const stats = emptyStats();
    await collect(store, { fromMs: T0 - 1.5 * 86_400_000, toMs: T0 - 86_400_000 }, stats);
    expect(stats.filesRead).toBe(0);
  });

  it('learns a gzip sibling’s span and line count from a literal search of it as well', async () => {
    const old = Array.from({ length: 3000 }, (_, i) =>
      appLine(T0 - 2 * 86_400_000 + i * 1000, { trace_id: i % 100 === 0 ? 'needle' : 'hay' })
    );
    write('application.jsonl.1.gz', gzipSync(old.join('')));
    write('application.jsonl', appLine(T0));
    const store = createFileLogStore({ roots: [dir] });
    const between = { fromMs: T0 - 1.5 * 86_400_000, toMs: T0 - 86_400_000 };
    expect((await collect(store, { mustContain: ['needle'] })).map((r) => r.ts)).toEqual(
      Array.from({ length: 30 }, (_, i) => T0 - 2 * 86_400_000 + i * 100_000)
    );
    const stats = emptyStats();
    expect(await collect(store, between, stats)).toEqual([]);
    expect(stats.filesRead).toBe(0);
    const sibling = (await store.plannedReads([], -Infinity, Infinity)).find((read) => read.gzip);
    expect(sibling?.lines).toBe(3000);
  });
});

describe('limits and cancellation', () => {
  beforeEach(() => {
    write('application.jsonl', Array.from({ length: 20000 }, (_, i) => appLine(T0 + i * 10)).join(''));
  });

  it('stops at maxBytesScanned with a notice', async () => {
    const stats = emptyStats();
    const records = await collect(createFileLogStore({ roots: [dir] }), { limits: { maxBytesScanned: 1000 } }, stats);
    expect(stats.truncated).toBe('bytes');
    expect(records.length).toBeLessThan(20000);
    expect(stats.notices.some((n) => /limit/.test(n.text))).toBe(true);
  });

  it('stops when the time budget is spent', async () => {
    const stats = emptyStats();
    await collect(createFileLogStore({ roots: [dir] }), { limits: { maxDurationMs: -1 } }, stats);
    expect(stats.truncated).toBe('time');
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    const stats = emptyStats();
    const records = await collect(createFileLogStore({ roots: [dir] }), { signal: abort.signal }, stats);
    expect(records).toEqual([]);
    expect(stats.truncated).toBe('cancelled');
  });
});

describe('tail', () => {
  async function take(iter: AsyncIterator<LogRecord[]>, n: number): Promise<string[]> {
    const lines: string[] = [];
    while (lines.length < n) {
      const next = await iter.next();
      if (next.done) {
        break;
      }
      lines.push(...next.value.map((r) => r.line));
    }
    return lines;
  }

  it('follows appends, rotation and truncation without losing or repeating lines', async () => {
    const live = write('application.jsonl', appLine(T0, { message: 'old' }));
    const store = createFileLogStore({ roots: [dir] });
    const abort = new AbortController();
    const notices: string[] = [];
    const iter = store
      .tail({ matchers: [sel('source', 'application')], signal: abort.signal, onNotice: (n) => notices.push(n.text) })
      [Symbol.asyncIterator]();
    try {
      const first = iter.next();
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(live, appLine(T0 + 1, { message: 'a1' }) + '{"timestamp":"2026-11-20T10:00:00Z","message":"par');
      const firstBatch = await first;
      expect(firstBatch.value!.map((r: LogRecord) => JSON.parse(r.line).message)).toEqual(['a1']);

      appendFileSync(live, 'tial"}\n' + appLine(T0 + 2, { message: 'a2' }));
      renameSync(live, live + '.1');
      writeFileSync(live, appLine(T0 + 3, { message: 'b1' }));
      const afterRotation = (await take(iter, 3)).map((l) => JSON.parse(l).message);
      expect(afterRotation).toEqual(['partial', 'a2', 'b1']);
      expect(notices.join('\n')).toContain('rotated');

      truncateSync(live, 0);
      await new Promise((r) => setTimeout(r, 700));
      appendFileSync(live, appLine(T0 + 4, { message: 'c1' }));
      expect((await take(iter, 1)).map((l) => JSON.parse(l).message)).toEqual(['c1']);
      expect(notices.join('\n')).toContain('truncated');
    } finally {
      abort.abort();
      await iter.return?.(undefined);
    }
  }, 15_000);
});
