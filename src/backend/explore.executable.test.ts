/**
 * Explore's backend through the BUILT executable, started as Grafana starts it, over its gRPC
 * interface: the label and Explore resources, alert-origin and instant log queries, and live tail
 * across appends, a rotation and a truncation. Fails (never skips) without `npm run build`.
 * Expectations come from the generated files read with JSON.parse and string searches.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateSample, SAMPLE_END_MS } from './testing/sample';
import { connectPlugin, dataSourceContext, panelQuery, type PluginClient, readAll } from './protocol/testing/client';
import { decodeGrafanaFrame } from './protocol/testing/grafana-frame';
import { grafanaEnv, startPlugin, type StartedPlugin, stopPlugin } from './protocol/testing/spawn';

jest.setTimeout(60_000);

describe('built executable: Explore resources, alerting and live tail', () => {
  let logDir: string;
  let plugin: StartedPlugin;
  let client: PluginClient;
  let pluginContext: ReturnType<typeof dataSourceContext>;

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-explore-exe-'));
    await generateSample(logDir);
    plugin = await startPlugin({ env: grafanaEnv({ PATH: process.env.PATH }), cwd: os.tmpdir() });
    client = connectPlugin(plugin.handshake.network, plugin.handshake.address);
    pluginContext = dataSourceContext({ logDirs: [logDir] });
  });

  afterAll(async () => {
    client?.close();
    if (plugin) {
      await stopPlugin(plugin);
    }
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  async function resource(url: string): Promise<{ code: number; body: any }> {
    const messages = await readAll(
      client.stream('Resource', 'CallResource', { pluginContext, path: url.split('?')[0], method: 'GET', url })
    );
    return { code: messages[0].code as number, body: JSON.parse(messages.map((m) => String(m.body)).join('')) };
  }

  async function queryData(json: Record<string, unknown>, headers: Record<string, string> = {}) {
    const reply = await client.call('Data', 'QueryData', {
      pluginContext,
      headers,
      queries: [panelQuery(json, SAMPLE_END_MS - 6 * 3_600_000, SAMPLE_END_MS)],
    });
    return (reply.responses as Record<string, { frames: Buffer[]; status: number; error: string }>).A;
  }

  it('answers labels, label values, detected_fields and index/stats', async () => {
    expect(await resource('labels')).toEqual({
      code: 200,
      body: { status: 'success', data: ['filename', 'service_name', 'source'] },
    });
    const levels = await resource(`label/level/values?query=${encodeURIComponent('{source="application"}')}`);
    expect(levels.body.data).toEqual(expect.arrayContaining(['ERROR', 'INFO']));

    const fields = await resource(`detected_fields?query=${encodeURIComponent('{source="application"}')}&limit=200`);
    expect(fields.code).toBe(200);
    expect(fields.body.limit).toBe(200);
    const byName = Object.fromEntries((fields.body.fields as Array<{ label: string }>).map((f) => [f.label, f]));
    expect(byName.level).toMatchObject({ type: 'string', parsers: null });
    expect(byName.duration_ms).toMatchObject({ type: 'int', parsers: null });

    const audit = path.join(logDir, 'audit-events.jsonl');
    const stats = await resource(`index/stats?query=${encodeURIComponent('{source="audit"}')}`);
    expect(stats.body).toMatchObject({ streams: 1, files: 1, bytes: fs.statSync(audit).size });
  });

  it('answers context around a row id of a logs frame, and 400 for a hostile id', async () => {
    const A = await queryData({ expr: '{source="audit"}', maxLines: 20 });
    const frame = decodeGrafanaFrame(A.frames[0]);
    const ids = frame.fields.find((f) => f.name === 'id')!.values as string[];
    const bodies = frame.fields.find((f) => f.name === 'body')!.values as string[];
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const row = Math.floor(ids.length / 2);
    const context = await resource(`context?id=${encodeURIComponent(ids[row])}&before=2&after=2`);
    expect([context.code, context.body.message]).toEqual([200, undefined]);
    const lines = fs.readFileSync(path.join(logDir, 'audit-events.jsonl'), 'utf8').split('\n');
    const at = lines.indexOf(bodies[row]);
    expect(context.body.file).toBe('audit-events.jsonl');
    expect(context.body.before.map((r: { line: string }) => r.line)).toEqual(lines.slice(at - 2, at));
    expect(context.body.after.map((r: { line: string }) => r.line)).toEqual(lines.slice(at + 1, at + 3));

    const hostile = await resource(`context?id=${encodeURIComponent('../../../etc/passwd:0')}`);
    expect(hostile.code).toBe(400);
    expect(hostile.body.message).toMatch(/names no row/);
  });

  it('refuses log queries from alert rules and as instant queries, per refId, and answers metric alerts', async () => {
    const alert = await queryData({ expr: '{source="application"} | level="ERROR"' }, { FromAlert: 'true' });
    expect(alert.status).toBe(400);
    expect(alert.error).toMatch(/^alert rules need a metric query, e\.g\. count_over_time/);
    const instant = await queryData({ expr: '{source="application"}', queryType: 'instant' });
    expect([instant.status, instant.error]).toEqual([
      400,
      'log queries are not supported as an instant query type, please change your query to a range query type',
    ]);
    const metric = await queryData(
      { expr: 'sum(count_over_time({source="application"} | level="ERROR" [6h]))', queryType: 'instant' },
      { FromAlert: 'true' }
    );
    expect(metric.status).toBe(200);
    expect(decodeGrafanaFrame(metric.frames[0]).fields[1].values[0]).toBeGreaterThan(0);
  });

  it('live-tails appends, then a rotation, then a truncation, each within a second', async () => {
    const live = path.join(logDir, 'application.jsonl');
    const data = Buffer.from(JSON.stringify({ expr: '{source="application"} |= "tail-exe"' }));
    const stream = client.stream('Stream', 'RunStream', { pluginContext, path: 'tail/exe', data });
    const bodies: Array<{ at: number; lines: string[] }> = [];
    const waiters: Array<() => void> = [];
    stream.on('error', () => undefined); // the cancel at the end
    stream.on('data', (packet: { data: Buffer }) => {
      const frame = JSON.parse(String(packet.data));
      const body = frame.schema.fields.findIndex((f: { name: string }) => f.name === 'body');
      bodies.push({ at: performance.now(), lines: frame.data.values[body] });
      waiters.splice(0).forEach((wake) => wake());
    });
    const nextPacket = (deadlineMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no packet within the deadline')), deadlineMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    await new Promise((resolve) => setTimeout(resolve, 700)); // the tail starts at the end of the file
    const line = (n: number) =>
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level: 'INFO',
        service: 'kamiwaza.api',
        message: `tail-exe ${n}`,
      });

    const steps: Array<[string, () => void]> = [
      ['append', () => fs.appendFileSync(live, `${line(1)}\n`)],
      [
        'rotation',
        () => {
          fs.renameSync(live, `${live}.9`);
          fs.writeFileSync(live, `${line(2)}\n`);
        },
      ],
      ['truncation', () => fs.truncateSync(live, 0)],
      ['append after truncation', () => fs.appendFileSync(live, `${line(3)}\n`)],
    ];
    const expected = [['tail-exe 1'], ['tail-exe 2'], [], ['tail-exe 3']];
    for (let i = 0; i < steps.length; i++) {
      const before = bodies.length;
      const wrote = performance.now();
      const arrived = nextPacket(1000);
      steps[i][1]();
      if (expected[i].length === 0) {
        arrived.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 700)); // the truncation is noticed, nothing sent
        expect(bodies.length).toBe(before);
        continue;
      }
      await arrived;
      expect(bodies[before].at - wrote).toBeLessThan(1000);
      expect(bodies[before].lines.map((l) => JSON.parse(l).message)).toEqual(expected[i]);
    }
    stream.cancel();
  });
});
