import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILES, FileId, GeneratorOptions } from './args';
import { HistoryRun, generateHistory } from './generate';
import {
  APP_TEXT,
  CLF,
  CORE_TEXT,
  DAEMON_TEXT,
  ISO_MICROS,
  STARTS_WITH_TIMESTAMP,
  clfMs,
  linesOf,
  pythonMs,
  readPart,
  streamParts,
  removeTempDirs,
  tempDir,
} from './testing';

afterAll(removeTempDirs);

const MB = 1024 * 1024;
const END_MS = Date.parse('2026-11-20T00:00:00Z');
const DAY_MS = 86_400_000;

function options(out: string, over: Partial<GeneratorOptions> = {}): GeneratorOptions {
  return {
    out,
    sizeBytes: 3 * MB,
    days: 2,
    seed: 11,
    endUs: END_MS * 1000,
    endDefaulted: false,
    follow: false,
    files: [...FILES],
    rotate: true,
    accessFormat: 'clf',
    damageRate: 1 / 50_000,
    partialLastLine: false,
    ...over,
  };
}

/** Every record line of a file's stream, oldest part first, with the part it came from. */
function streamLines(dir: string, file: FileId): Array<{ part: string; line: string }> {
  return streamParts(path.join(dir, file)).flatMap((part) => linesOf(readPart(part)).map((line) => ({ part, line })));
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function damageOf(run: HistoryRun, file: FileId): number {
  const s = run.summary.files.find((f) => f.file === file)!;
  return Object.values(s.damage).reduce((a, b) => a + (b ?? 0), 0);
}

/** Timestamp (ms) of a record's first line, for each format; undefined for continuation lines. */
function recordMs(file: FileId, line: string): number | undefined {
  if (file.endsWith('.jsonl')) {
    const rec = parseJson(line);
    return rec ? Date.parse(rec.timestamp as string) : undefined;
  }
  if (file.endsWith('access.log')) {
    const m = CLF.exec(line);
    return m ? clfMs(m) : undefined;
  }
  if (file === 'kamiwazad-core.log') {
    const m = CORE_TEXT.exec(line);
    return m ? Date.parse(m[1]) : undefined;
  }
  const m = (file === 'application.log' ? APP_TEXT : DAEMON_TEXT).exec(line);
  return m ? pythonMs(m[1]) : undefined;
}

let dir: string;
let run: HistoryRun;

beforeAll(async () => {
  dir = tempDir('history');
  run = await generateHistory(options(dir));
}, 60_000);

describe('generateHistory', () => {
  it('is byte-identical for the same arguments and differs for another seed', async () => {
    const again = tempDir('again');
    await generateHistory(options(again));
    const other = tempDir('other');
    await generateHistory(options(other, { seed: 12 }));
    for (const file of FILES) {
      const parts = streamParts(path.join(dir, file));
      expect(parts.length).toBeGreaterThan(0);
      expect(streamParts(path.join(again, file)).map((p) => path.relative(again, p))).toEqual(
        parts.map((p) => path.relative(dir, p))
      );
      for (const p of parts) {
        expect(fs.readFileSync(path.join(again, path.relative(dir, p))).equals(fs.readFileSync(p))).toBe(true);
      }
    }
    expect(
      fs
        .readFileSync(path.join(other, 'application.jsonl'))
        .equals(fs.readFileSync(path.join(dir, 'application.jsonl')))
    ).toBe(false);
  }, 60_000);

  it('writes about the requested size, application.jsonl the largest share', () => {
    const sizes = new Map(
      FILES.map((f) => [f, streamParts(path.join(dir, f)).reduce((n, p) => n + readPart(p).length, 0)])
    );
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.9 * 3 * MB);
    expect(total).toBeLessThan(1.1 * 3 * MB);
    const largest = [...sizes].sort((a, b) => b[1] - a[1])[0][0];
    expect(largest).toBe('application.jsonl');
  });

  it('rotates application.jsonl and the kamiwazad logs into siblings', () => {
    const app = streamParts(path.join(dir, 'application.jsonl')).map((p) => path.basename(p));
    expect(app.slice(-3)).toEqual(['application.jsonl.2.gz', 'application.jsonl.1', 'application.jsonl']);
    const kd = streamParts(path.join(dir, 'kamiwazad.log')).map((p) => path.basename(p));
    // The live file holds the last day (2026-11-19); the day before is a dated gzip sibling.
    expect(kd).toEqual(['kamiwazad.log.2026-11-18.gz', 'kamiwazad.log']);
  });

  it('spans the requested days, in time order across rotated siblings (small disorder only)', () => {
    const startMs = END_MS - 2 * DAY_MS;
    for (const file of FILES) {
      let max = -Infinity;
      let first: number | undefined;
      let outOfRange = 0;
      let disorder = 0;
      // Concurrent writers: a few ms to a couple of seconds; access entries are written at completion.
      const tolerance = file.endsWith('access.log') ? 31_000 : 2_000;
      for (const { line } of streamLines(dir, file)) {
        const ms = recordMs(file, line);
        if (ms === undefined) {
          continue;
        }
        first ??= ms;
        outOfRange += ms < startMs || ms > END_MS ? 1 : 0;
        disorder += ms < max - tolerance ? 1 : 0;
        max = Math.max(max, ms);
      }
      expect({ file, outOfRange, disorder }).toEqual({ file, outOfRange: 0, disorder: 0 });
      if (file.startsWith('application') || file.startsWith('kamiwazad')) {
        expect(first! - startMs).toBeLessThan(60_000);
      }
      if (file.startsWith('application')) {
        expect(END_MS - max).toBeLessThan(3_600_000);
      }
    }
  });

  it('writes lines that match docs/log-formats.md, apart from the damaged ones', () => {
    const levels = new Set(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
    const appKeys = 'timestamp,level,service,message';
    const auditKeys = 'timestamp,event_type,actor,actor_ip,resource,action,outcome';
    for (const file of FILES) {
      let bad = 0;
      let records = 0;
      const wrong: string[] = [];
      for (const { line } of streamLines(dir, file)) {
        if (file.endsWith('.jsonl')) {
          const rec = parseJson(line);
          if (!rec) {
            bad++;
            continue;
          }
          records++;
          const keys = Object.keys(rec);
          const ok =
            ISO_MICROS.test(rec.timestamp as string) &&
            (file === 'application.jsonl'
              ? keys.slice(0, 4).join() === appKeys &&
                levels.has(rec.level as string) &&
                (rec.trace_id === undefined ||
                  (/^[0-9a-f]{32}$/.test(rec.trace_id as string) && /^[0-9a-f]{16}$/.test(rec.span_id as string)))
              : keys.slice(0, 7).join() === auditKeys && (rec.outcome === 'success' || rec.outcome === 'failure'));
          if (!ok) {
            wrong.push(line);
          }
        } else if (file.endsWith('access.log')) {
          CLF.test(line) ? records++ : bad++;
        } else {
          const header =
            file === 'application.log' ? APP_TEXT : file === 'kamiwazad-core.log' ? CORE_TEXT : DAEMON_TEXT;
          if (header.test(line)) {
            records++;
          } else if (STARTS_WITH_TIMESTAMP.test(line) || line.includes('\u0000') || line.includes('\ufffd')) {
            bad++;
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(records).toBeGreaterThan(0);
      expect(bad).toBeLessThanOrEqual(damageOf(run, file));
    }
  });

  it('injects damage: at least a few per file over 1 MB, counted in the summary', () => {
    for (const f of run.summary.files) {
      if (f.bytes > MB) {
        expect(damageOf(run, f.file)).toBeGreaterThanOrEqual(3);
      }
    }
    const app = run.summary.files.find((f) => f.file === 'application.jsonl')!;
    expect(app.damage['long-line']).toBe(1);
    const lines = streamLines(dir, 'application.jsonl').map((l) => l.line);
    expect(lines.filter((l) => l.includes('\ufffd'))).toHaveLength(app.damage['invalid-utf8'] ?? 0);
    expect(lines.filter((l) => !parseJson(l))).toHaveLength(app.damage.truncated ?? 0);
    expect(lines.filter((l) => l.length > 200 * 1024)).toHaveLength(1);
    for (const file of FILES) {
      const live = fs.readFileSync(path.join(dir, file));
      expect(live[live.length - 1]).toBe(0x0a);
    }
  });

  it('links every traced HTTP request to exactly one access entry (time, method, path, status, duration)', () => {
    const traces = new Map<string, { key?: string; services: Set<string> }>();
    for (const { line } of streamLines(dir, 'application.jsonl')) {
      const rec = parseJson(line) as Record<string, any> | undefined;
      if (!rec?.trace_id) {
        continue;
      }
      const t = traces.get(rec.trace_id) ?? { services: new Set<string>() };
      traces.set(rec.trace_id, t);
      t.services.add(rec.service);
      if (rec.request) {
        (t as any).startSec = Math.floor(Date.parse(rec.timestamp) / 1000);
      }
      if (rec.http_method && rec.status_code !== undefined) {
        (t as any).http = `${rec.http_method} ${rec.http_path} ${rec.status_code} ${rec.duration_ms}ms`;
      }
    }
    const expected = new Map<string, number>();
    let http = 0;
    for (const t of traces.values()) {
      const any = t as any;
      if (any.http && any.startSec !== undefined) {
        http++;
        const key = `${any.startSec} ${any.http}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const seen = new Map<string, number>();
    for (const { line } of streamLines(dir, 'kamiwaza/traefik/access.log')) {
      const m = CLF.exec(line);
      if (m) {
        const key = `${clfMs(m) / 1000} ${m[7]} ${m[8]} ${m[10]} ${m[17]}ms`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    expect(http).toBeGreaterThan(500);
    let mismatched = 0;
    expected.forEach((n, key) => (mismatched += Math.abs((seen.get(key) ?? 0) - n)));
    expect(mismatched).toBeLessThanOrEqual(
      damageOf(run, 'kamiwaza/traefik/access.log') + damageOf(run, 'application.jsonl')
    );

    let outside = 0;
    traces.forEach((t) => (outside += t.services.size < 2 || t.services.size > 6 ? 1 : 0));
    expect(outside).toBeLessThanOrEqual(damageOf(run, 'application.jsonl'));
  });

  it('has realistic content: services, levels, audit types, incidents', () => {
    const services = new Set<string>();
    const levels = new Map<string, number>();
    let n = 0;
    for (const { line } of streamLines(dir, 'application.jsonl')) {
      const rec = parseJson(line);
      if (rec) {
        n++;
        services.add(rec.service as string);
        levels.set(rec.level as string, (levels.get(rec.level as string) ?? 0) + 1);
      }
    }
    expect(services.size).toBeGreaterThanOrEqual(8);
    expect(services.has('serving')).toBe(true);
    expect(services.has('kamiwaza.serving')).toBe(true);
    const errors = ((levels.get('ERROR') ?? 0) + (levels.get('CRITICAL') ?? 0)) / n;
    expect(errors).toBeGreaterThan(0.003);
    expect(errors).toBeLessThan(0.08);
    expect(levels.get('DEBUG')).toBeGreaterThan(0);
    expect(levels.get('WARNING')).toBeGreaterThan(0);
    expect(levels.get('INFO')! / n).toBeGreaterThan(0.5);

    const audit = streamLines(dir, 'audit-events.jsonl')
      .map((l) => parseJson(l.line))
      .filter(Boolean) as Array<Record<string, string>>;
    expect(new Set(audit.map((a) => a.event_type)).size).toBeGreaterThanOrEqual(6);
    expect(audit.some((a) => a.outcome === 'failure')).toBe(true);

    const appText = streamLines(dir, 'application.log').map((l) => l.line);
    expect(appText.some((l) => l === 'Traceback (most recent call last):')).toBe(true);
    const kamiwazad = streamLines(dir, 'kamiwazad.log').map((l) => l.line);
    expect(kamiwazad[0]).toContain('kamiwazad 0.8.1 starting');
    expect(kamiwazad.some((l) => l.includes('starting service ray (attempt 1/3)'))).toBe(true);
    const containers = streamLines(dir, 'kamiwazad-containers.log').map((l) => l.line);
    expect(containers.some((l) => / container \S+ started \(id=[0-9a-f]{12}\)$/.test(l))).toBe(true);
  });
});

describe('generateHistory options', () => {
  it('writes one file spanning the days with --only application.jsonl --no-rotate', async () => {
    const out = tempDir('only');
    const r = await generateHistory(
      options(out, { files: ['application.jsonl'], rotate: false, sizeBytes: 2 * MB, days: 1 })
    );
    expect(fs.readdirSync(out)).toEqual(['application.jsonl']);
    const lines = linesOf(fs.readFileSync(path.join(out, 'application.jsonl')));
    const first = Date.parse(JSON.parse(lines[0]).timestamp);
    expect(first).toBe(END_MS - DAY_MS);
    const size = fs.statSync(path.join(out, 'application.jsonl')).size;
    expect(Math.abs(size - 2 * MB) / (2 * MB)).toBeLessThan(0.1);
    expect(r.summary.files.map((f) => f.file)).toEqual(['application.jsonl']);
  });

  it('damages lines at the configured rate', async () => {
    const out = tempDir('rate');
    const r = await generateHistory(
      options(out, { files: ['application.jsonl'], rotate: false, sizeBytes: MB, days: 1, damageRate: 1 / 500 })
    );
    const lines = linesOf(fs.readFileSync(path.join(out, 'application.jsonl')));
    const damaged =
      lines.filter((l) => l.includes('\ufffd') || !parseJson(l)).length +
      lines.filter((l) => l.length > 200 * 1024).length;
    const counted = damageOf(r, 'application.jsonl');
    expect(damaged).toBe(counted);
    expect(Math.abs(counted - lines.length / 500)).toBeLessThan(0.1 * (lines.length / 500) + 2);
  });

  it('leaves the last line of application.jsonl without its newline when asked', async () => {
    const out = tempDir('partial');
    const r = await generateHistory(
      options(out, {
        files: ['application.jsonl', 'audit-events.jsonl'],
        rotate: false,
        sizeBytes: 256 * 1024,
        days: 1,
        partialLastLine: true,
      })
    );
    const app = fs.readFileSync(path.join(out, 'application.jsonl'));
    expect(app[app.length - 1]).not.toBe(0x0a);
    expect(r.summary.files[0].damage['partial-last-line']).toBe(1);
    const audit = fs.readFileSync(path.join(out, 'audit-events.jsonl'));
    expect(audit[audit.length - 1]).toBe(0x0a);
  });

  it('writes Traefik JSON whose traceparent links each traced request to its trace', async () => {
    const out = tempDir('json');
    await generateHistory(
      options(out, {
        files: ['application.jsonl', 'kamiwaza/traefik/access.log'],
        accessFormat: 'json',
        sizeBytes: MB,
        days: 1,
        damageRate: 0,
        rotate: false,
      })
    );
    const roots = new Map<string, Record<string, any>>();
    for (const line of linesOf(fs.readFileSync(path.join(out, 'application.jsonl')))) {
      const rec = JSON.parse(line);
      if (rec.http_method) {
        roots.set(rec.trace_id, rec);
      }
    }
    const linked = new Map<string, number>();
    for (const line of linesOf(fs.readFileSync(path.join(out, 'kamiwaza/traefik/access.log')))) {
      const rec = JSON.parse(line);
      expect(typeof rec.StartUTC).toBe('string');
      if (rec.request_Traceparent) {
        const traceId = rec.request_Traceparent.split('-')[1];
        const root = roots.get(traceId)!;
        expect(root).toBeDefined();
        expect(rec.RequestPath).toBe(root.http_path);
        expect(rec.DownstreamStatus).toBe(root.status_code);
        expect(Math.round(rec.Duration / 1e6)).toBe(root.duration_ms);
        linked.set(traceId, (linked.get(traceId) ?? 0) + 1);
      }
    }
    expect(linked.size).toBe(roots.size);
    linked.forEach((n) => expect(n).toBe(1));
  });
});
