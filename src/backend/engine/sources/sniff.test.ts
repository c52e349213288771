import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { parseGeneratorArgs } from '../../../generator/args';
import { generateHistory } from '../../../generator/generate';
import { emptyStats, type LogRecord } from '../model';
import { createFileLogStore } from '../store';
import { discoverSources } from './discovery';
import { sniffLines } from './sniff';

jest.setTimeout(30_000);

const END = '2026-11-20T00:00:00Z';

async function generate(dir: string, extra: string[]): Promise<void> {
  const command = parseGeneratorArgs(
    ['--out', dir, '--size', '1MB', '--days', '1', '--seed', '3', '--end', END, ...extra],
    Date.parse(END)
  );
  if (command.kind !== 'run') {
    throw new Error('generator arguments not accepted');
  }
  await generateHistory(command.options);
}

const CLF_MONTHS: Record<string, number> = { Nov: 10, Dec: 11 };
/** Times of CLF lines read with a regex of their own (not the engine's parser). */
function clfTimes(text: string): number[] {
  return [...text.matchAll(/\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\]/g)].map((m) =>
    Date.UTC(+m[3], CLF_MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6])
  );
}

async function all(store: ReturnType<typeof createFileLogStore>, selector: string, from: number, to: number) {
  const [name, value] = selector.split('=');
  const out: LogRecord[] = [];
  for await (const batch of store.scan(
    { matchers: [{ name, op: '=', value }], fromMs: from, toMs: to, direction: 'forward' },
    emptyStats()
  )) {
    out.push(...batch);
  }
  return out;
}

describe('format sniffing', () => {
  let gen: string;
  let genJson: string;
  let dir: string;
  beforeAll(async () => {
    gen = mkdtempSync(join(tmpdir(), 'kw-sniff-gen-'));
    genJson = mkdtempSync(join(tmpdir(), 'kw-sniff-genjson-'));
    await generate(gen, []);
    await generate(genJson, ['--only', 'access.log', '--access-format', 'json']);
  });
  afterAll(() => {
    rmSync(gen, { recursive: true, force: true });
    rmSync(genJson, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-sniff-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const head = (path: string) => readFileSync(path).subarray(0, 16 << 10);

  it("tells each generated file's format from its first lines", () => {
    expect(sniffLines(head(join(gen, 'application.jsonl')))).toBe('jsonl');
    expect(sniffLines(head(join(gen, 'audit-events.jsonl')))).toBe('jsonl');
    expect(sniffLines(head(join(gen, 'application.log')))).toBe('text');
    expect(sniffLines(head(join(gen, 'kamiwazad.log')))).toBe('text');
    expect(sniffLines(head(join(gen, 'kamiwaza/traefik/access.log')))).toBe('clf');
    expect(sniffLines(head(join(genJson, 'kamiwaza/traefik/access.log')))).toBe('traefik-json');
    expect(sniffLines(Buffer.from('alpha\nbeta\n'))).toBe('untimed');
    expect(sniffLines(Buffer.from('no newline yet'))).toBeUndefined();
  });

  it('reads a Traefik access log at <root>/traefik/access.log as source="access", each line at its own time', async () => {
    const live = join(gen, 'kamiwaza/traefik/access.log');
    mkdirSync(join(dir, 'traefik'));
    copyFileSync(live, join(dir, 'traefik/access.log'));
    const [source] = discoverSources({ roots: [dir], accessLogPath: 'nowhere/access.log' }).sources;
    expect([source.source, source.format.name, source.defaultService]).toEqual(['access', 'access', 'traefik']);

    const times = clfTimes(readFileSync(live, 'utf8'));
    const from = Date.parse(END) - 3 * 3_600_000;
    const to = Date.parse(END) - 3_600_000;
    const expected = times.filter((t) => t >= from && t < to);
    expect(expected.length).toBeGreaterThan(10);
    const store = createFileLogStore({ roots: [dir], accessLogPath: 'nowhere/access.log' });
    const records = await all(store, 'source=access', from, to);
    expect(records.map((r) => r.ts).sort()).toEqual(expected.sort());
    expect(records[0].label('service_name')).toBe('traefik');
    expect(records[0].label('RequestMethod')).toMatch(/^[A-Z]+$/);
  });

  it('reads Traefik JSON under another name, gzipped siblings included, as source="access"', async () => {
    const text = readFileSync(join(genJson, 'kamiwaza/traefik/access.log'));
    mkdirSync(join(dir, 'gateway'));
    writeFileSync(join(dir, 'gateway/edge.log.1.gz'), gzipSync(text));
    writeFileSync(join(dir, 'gateway/edge.log'), '');
    const [source] = discoverSources({ roots: [dir], accessLogPath: 'nowhere/access.log' }).sources;
    expect([source.source, source.format.name]).toEqual(['access', 'access']);
  });

  it('reads JSON Lines named .log as JSON, and never joins a file of untimed lines into one record', async () => {
    copyFileSync(join(gen, 'application.jsonl'), join(dir, 'worker.log'));
    writeFileSync(join(dir, 'notes.log'), 'alpha\nbeta\ngamma\n');
    const sources = discoverSources({ roots: [dir], accessLogPath: 'nowhere/access.log' }).sources;
    expect(sources.map((s) => [s.source, s.format.name])).toEqual([
      ['notes', 'lines'],
      ['worker', 'json'],
    ]);
    const store = createFileLogStore({ roots: [dir], accessLogPath: 'nowhere/access.log' });
    const notes = await all(store, 'source=notes', 0, 8.64e15);
    expect(notes.map((r) => r.line)).toEqual(['alpha', 'beta', 'gamma']);
  });
});
