/**
 * Literal searches through the BUILT executable (two threads: it runs the worker threads that
 * Node under jest cannot) over a live file large enough to be split between them, with rotated
 * gzip siblings inflated whole by the worker. Searches one after the other reuse the same search worker; a
 * search the worker did not finish (a limit reached first) gives it up. Every answer must hold
 * exactly the lines that contain the id, read here with plain string searches. Fails (never skips)
 * without `npm run build`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { generateSample, SAMPLE_END_MS } from './testing/sample';
import { threadsOf } from './testing/threads';
import { connectPlugin, dataSourceContext, panelQuery, type PluginClient } from './protocol/testing/client';
import { decodeGrafanaFrame } from './protocol/testing/grafana-frame';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from './protocol/testing/spawn';
import { MIN_SPLIT_BYTES } from './engine/scan/parts';

jest.setTimeout(120_000);

const DAYS = 2;

/** Every line of every log file under `dir`, gzip siblings inflated. */
function allLines(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return allLines(file);
    }
    const raw = fs.readFileSync(file);
    return (entry.name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8').split('\n');
  });
}

describe('built executable: literal searches on two threads', () => {
  let logDir: string;
  let plugin: StartedPlugin;
  let client: PluginClient;
  let lines: string[];
  let traceIds: string[];

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-search-exe-'));
    await generateSample(logDir, { seed: 5, size: '130MB', days: DAYS, rotate: false });
    lines = allLines(logDir);
    // Trace ids from the live file's start, middle and end (each part of a split search).
    const live = fs.readFileSync(path.join(logDir, 'application.jsonl'), 'latin1');
    traceIds = [0.02, 0.5, 0.98].map(
      (at) => /"trace_id":"([0-9a-f]{32})"/.exec(live.slice(Math.floor(live.length * at)))![1]
    );
    // Without the index, so that every search reads the files.
    plugin = await startPlugin({
      env: grafanaEnv({ PATH: process.env.PATH, KAMIWAZA_LOGS_INDEX: 'off' }),
      cwd: os.tmpdir(),
    });
    client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
  });

  afterAll(async () => {
    client?.close();
    if (plugin) {
      await stopPlugin(plugin);
    }
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  async function search(id: string, maxLines = 5000): Promise<string[]> {
    return (await searchFrame(id, maxLines)).bodies;
  }

  async function searchFrame(
    id: string,
    maxLines = 5000,
    dir = logDir
  ): Promise<{ bodies: string[]; times: number[]; filesRead: number; notices: string[] }> {
    const reply = await client.call('Data', 'QueryData', {
      pluginContext: dataSourceContext({ logDirs: [dir] }, { uid: dir }),
      queries: [
        panelQuery({ expr: `{source=~".+"} |= "${id}"`, maxLines }, SAMPLE_END_MS - DAYS * 86_400_000, SAMPLE_END_MS),
      ],
    });
    const response = (reply.responses as Record<string, { frames: Buffer[]; status: number; error: string }>).A;
    expect(response.error).toBe('');
    const frame = decodeGrafanaFrame(response.frames[0]);
    const stats = (frame.meta?.stats ?? []) as Array<{ displayName: string; value: number }>;
    return {
      bodies: frame.fields.find((f) => f.name === 'body')!.values as string[],
      times: (frame.fields.find((f) => f.name === 'timestamp')!.values as Array<number | bigint>).map(Number),
      filesRead: stats.find((s) => s.displayName === 'Summary: log files read')!.value,
      notices: ((frame.meta?.notices ?? []) as Array<{ text: string }>).map((n) => n.text),
    };
  }

  const holding = (id: string) => lines.filter((line) => line.includes(id)).sort();

  it('splits the live file and has gzip siblings to inflate', () => {
    expect(fs.statSync(path.join(logDir, 'application.jsonl')).size).toBeGreaterThan(MIN_SPLIT_BYTES);
    expect(fs.readdirSync(logDir).some((name) => name.endsWith('.gz'))).toBe(true);
  });

  /** The plugin's worker threads' ids. */
  const workerThreads = () =>
    threadsOf(plugin.child.pid!)
      .filter((thread) => thread.name === 'Worker')
      .map((thread) => thread.tid)
      .sort((a, b) => a - b);

  it('answers searches one after the other, each id twice, with exactly the lines holding it, in one worker', async () => {
    let threads: number[] | undefined;
    for (const id of [...traceIds, ...traceIds]) {
      const found = await search(id);
      expect(found.length).toBeGreaterThan(0);
      expect([...found].sort()).toEqual(holding(id));
      // This thread takes parts back from the worker as it runs out of its own; the worker, with
      // nothing of the search left, still serves the next one (a new worker is cold).
      threads ??= workerThreads();
      expect(workerThreads()).toEqual(threads);
    }
    expect(threads).toHaveLength(1);
  });

  it('searches the gzip siblings in the worker: their lines, newest first, every file counted once', async () => {
    const containerLines = (name: string) => name.startsWith('kamiwazad-containers.log');
    const siblings = fs.readdirSync(logDir).filter((name) => containerLines(name) && name.endsWith('.gz'));
    expect(siblings.length).toBeGreaterThan(0);
    const literal = 'kamiwazad.containers: container';
    const found = await searchFrame(literal);
    expect(found.bodies.length).toBeGreaterThan(siblings.length);
    expect([...found.bodies].sort()).toEqual(holding(literal));
    expect(found.times).toEqual([...found.times].sort((a, b) => b - a));
    const everyFile = fs
      .readdirSync(logDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile());
    expect(found.filesRead).toBe(everyFile.length);
  });

  /**
   * A log directory of its own: a kamiwazad.log sibling of the day before the sample's end,
   * `count` lines 10 s apart (line i says `message(i)`), cut to `kept` of its gzip bytes, and a
   * live file of one line. Returns the sibling's lines.
   */
  function kamiwazadSibling(dir: string, message: (i: number) => string, count: number, kept = 1): string[] {
    const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    const day = SAMPLE_END_MS - 86_400_000;
    const rotated = Array.from(
      { length: count },
      (_, i) => `${stamp(day + i * 10_000)} [INFO] kamiwazad.main: ${message(i)}`
    );
    const gzip = zlib.gzipSync(rotated.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'kamiwazad.log.2026-11-19.gz'), gzip.subarray(0, Math.floor(gzip.length * kept)));
    fs.writeFileSync(path.join(dir, 'kamiwazad.log'), `${stamp(SAMPLE_END_MS - 1000)} [INFO] kamiwazad.main: up\n`);
    return rotated;
  }

  it('answers a gzip file holding a frequent literal whole, and newest first under a line limit', async () => {
    const frequent = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-search-frequent-'));
    try {
      // 5 000 lines (~370 KB), every one holding the literal: more than the worker collects of a
      // gzip file, so this thread reads it (given back, or taken back first).
      const rotated = kamiwazadSibling(frequent, (i) => `heartbeat ${i} of the supervisor loop`, 5000);
      const all = await searchFrame('heartbeat', 5000, frequent);
      expect([...all.bodies].sort()).toEqual([...rotated].sort());
      const newest = await searchFrame('heartbeat', 10, frequent);
      expect(newest.bodies).toEqual(rotated.slice(-10).reverse());
    } finally {
      fs.rmSync(frequent, { recursive: true, force: true });
    }
  });

  it('answers the readable start of a gzip sibling cut short, and says the rest was skipped', async () => {
    const cut = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-search-cut-'));
    try {
      const rotated = kamiwazadSibling(cut, (i) => `tick ${i} ${(i * 7919).toString(36)}`, 3000, 0.6);
      const found = await searchFrame('kamiwazad.main: tick', 5000, cut);
      // The lines before the cut, in order (newest first), none after it.
      expect(found.bodies.length).toBeGreaterThan(rotated.length * 0.3);
      expect([...found.bodies].reverse()).toEqual(rotated.slice(0, found.bodies.length));
      // Unreadable files are summed up in one notice, with each reason and path.
      expect(found.notices.some((text) => /could not be read.*unexpected end of file.*2026-11-19\.gz/.test(text))).toBe(
        true
      );
    } finally {
      fs.rmSync(cut, { recursive: true, force: true });
    }
  });

  it('answers searches at once, and after one stopped early by its line limit', async () => {
    const early = await search(traceIds[0], 1);
    expect(early).toHaveLength(1);
    const together = await Promise.all(traceIds.map((id) => search(id)));
    together.forEach((found, i) => expect([...found].sort()).toEqual(holding(traceIds[i])));
    expect([...(await search(traceIds[1]))].sort()).toEqual(holding(traceIds[1]));
  });
});
