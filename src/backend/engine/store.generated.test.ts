/** The store over a sample written by the project's generator: every source is found and read. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGeneratorArgs } from '../../generator/args';
import { generateHistory } from '../../generator/generate';
import { emptyStats, type LogRecord } from './model';
import { createFileLogStore } from './store';

const SOURCE_OF_FILE: Record<string, string> = {
  'application.jsonl': 'application',
  'application.log': 'application-text',
  'audit-events.jsonl': 'audit',
  'kamiwazad.log': 'kamiwazad',
  'kamiwazad-core.log': 'kamiwazad-core',
  'kamiwazad-containers.log': 'kamiwazad-containers',
  'kamiwaza/traefik/access.log': 'access',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-generated-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it.each(['clf', 'json'])(
  'scans every generated source (access log as %s)',
  async (accessFormat) => {
    const out = join(dir, accessFormat);
    const command = parseGeneratorArgs(
      [
        '--out',
        out,
        '--size',
        '1MB',
        '--days',
        '1',
        '--seed',
        '3',
        '--end',
        '2026-11-20T00:00:00Z',
        '--access-format',
        accessFormat,
      ],
      Date.UTC(2026, 10, 20)
    );
    if (command.kind !== 'run') {
      throw new Error('generator arguments not accepted');
    }
    const run = await generateHistory(command.options);
    const store = createFileLogStore({ roots: [out] });
    const stats = emptyStats();
    const bySource = new Map<string, LogRecord[]>();
    for await (const batch of store.scan(
      { matchers: [], fromMs: -Infinity, toMs: Infinity, direction: 'forward' },
      stats
    )) {
      for (const record of batch) {
        bySource.set(record.stream.source, [...(bySource.get(record.stream.source) ?? []), record]);
      }
    }
    for (const file of run.summary.files) {
      const source = SOURCE_OF_FILE[file.file];
      expect([source, bySource.get(source)?.length]).toEqual([source, file.lines]);
    }
    const start = run.summary.startUs / 1000;
    const end = run.summary.endUs / 1000;
    for (const records of bySource.values()) {
      for (const r of records) {
        expect(r.ts).toBeGreaterThanOrEqual(start - 60_000);
        expect(r.ts).toBeLessThanOrEqual(end + 60_000);
      }
    }
    const access = bySource.get('access')!;
    expect(access.every((r) => /^\d{3}$/.test(r.label('DownstreamStatus') ?? ''))).toBe(true);
    expect(access.every((r) => r.label('RequestMethod') !== undefined)).toBe(true);
    const app = bySource.get('application')!;
    expect(new Set(app.map((r) => r.label('detected_level')))).toEqual(expect.any(Set));
    expect(
      app
        .filter((r) => r.label('__error__') === undefined)
        .every((r) => ['debug', 'info', 'warn', 'error', 'critical'].includes(r.label('detected_level')!))
    ).toBe(true);
  },
  60_000
);
