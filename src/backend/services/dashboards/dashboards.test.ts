/**
 * The app's dashboards: valid Grafana 12 dashboard JSON, queries that parse and use only declared
 * variables and the data source variable, links to dashboards that exist, and every panel's
 * queries answering data of the kind the panel draws, run through this data source's backend over
 * logs written by the project's generator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { defaultDashboard, type Dashboard } from '@grafana/schema';
import { parse as parseYaml } from 'yaml';

import auditActivity from '../../../../dashboards/audit-activity.json';
import httpGateway from '../../../../dashboards/http-gateway.json';
import platformStartup from '../../../../dashboards/platform-startup.json';
import serviceErrors from '../../../../dashboards/service-errors.json';
import traceDrillDown from '../../../../dashboards/trace-drilldown.json';
import pluginJson from '../../../plugin.json';
import { DashboardUid, TRACE_ID_VARIABLE } from '../../../shared/kamiwaza';
import { parseLogQL } from '../../engine/logql/parser';
import { frameToArrow } from '../../protocol/frames/arrow';
import { createHclogLogger } from '../../protocol/logger';
import type { DataQuery, QueryDataRequest } from '../../protocol/messages';
import { dataSourcePluginContext } from '../../protocol/testing/contexts';
import { generateSample, SAMPLE_END_MS } from '../../testing/sample';
import { decodeGrafanaFrame, type DecodedFrame } from '../../protocol/testing/grafana-frame';
import { createDataSourceService } from '../datasource/datasource';
import { expandMacros } from '../datasource/macros';
import {
  allPanels,
  dashboardFiles,
  defaultSelection,
  DASHBOARDS_DIR,
  linkedDashboardUids,
  readDashboard,
  type DashboardJson,
  type DashboardPanel,
  type DashboardTarget,
} from './dashboards';
import { PANEL_SCHEMAS, schemaMismatch } from './panel-schemas';
import { interpolate, referencedVariables, type InterpolationContext } from './interpolate';
import { SERVICE_TEST_ENV } from '../../testing/serviceEnv';

/**
 * The schema's types with literal unions widened to their base type: a JSON import types `"type":
 * "datasource"` as string, so this checks structure and value kinds; the literal values are
 * checked at run time below.
 */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends Array<infer U>
        ? Array<Widen<U>>
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;

// The type check: each file must be assignable to Grafana's dashboard model.
const typed: Record<string, Widen<Dashboard>> = {
  'audit-activity.json': auditActivity,
  'http-gateway.json': httpGateway,
  'platform-startup.json': platformStartup,
  'service-errors.json': serviceErrors,
  'trace-drilldown.json': traceDrillDown,
};

const DATASOURCE_TYPE = 'kamiwaza-logs-datasource';
const DATASOURCE_REF = { type: DATASOURCE_TYPE, uid: '${datasource}' };
const VARIABLE_TYPES = [
  'query',
  'adhoc',
  'groupby',
  'constant',
  'datasource',
  'interval',
  'textbox',
  'custom',
  'switch',
];
const PANEL_TYPES = ['timeseries', 'stat', 'table', 'bargauge', 'logs', 'row'];
const files = dashboardFiles();
const dashboards: Array<[string, DashboardJson]> = files.map((file) => [file, readDashboard(file)]);

describe('dashboard JSON', () => {
  it('is one file per shipped dashboard uid, each type-checked above', () => {
    expect(files).toEqual(Object.keys(typed).sort());
    expect(dashboards.map(([, d]) => d.uid).sort()).toEqual(Object.values(DashboardUid).sort());
  });

  it.each(dashboards)('%s has the keys Grafana 12 requires, at the current schema version', (_file, d) => {
    expect(d.schemaVersion).toBe(defaultDashboard.schemaVersion);
    expect(d.title).toMatch(/^Kamiwaza \/ /);
    expect(d.uid.length).toBeLessThanOrEqual(40);
    const ids = allPanels(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of allPanels(d)) {
      expect(PANEL_TYPES).toContain(panel.type);
      expect(panel.title).toBeTruthy();
      expect(panel).toHaveProperty('gridPos');
    }
    for (const variable of d.templating.list) {
      expect(VARIABLE_TYPES).toContain(variable.type);
    }
  });

  it.each(dashboards)('%s sets the panel options and custom field config Grafana 12 defines', (_file, d) => {
    for (const panel of allPanels(d).filter((p) => p.type !== 'row')) {
      const schema = PANEL_SCHEMAS[panel.type];
      const options = (panel as unknown as { options?: Record<string, unknown> }).options;
      expect({ panel: panel.title, ...schemaMismatch(options, schema.options) }).toEqual({
        panel: panel.title,
        missing: [],
        unknown: [],
      });
      if (schema.custom) {
        const custom = panel.fieldConfig?.defaults.custom as Record<string, unknown> | undefined;
        expect({ panel: panel.title, ...schemaMismatch(custom, schema.custom) }).toEqual({
          panel: panel.title,
          missing: [],
          unknown: [],
        });
      }
    }
  });

  it.each(dashboards)(
    '%s names every series (legendFormat) and gives metric panels a unit and thresholds',
    (_file, d) => {
      for (const panel of allPanels(d).filter((p) => !['row', 'logs'].includes(p.type))) {
        for (const target of panel.targets ?? []) {
          expect({ panel: panel.title, legendFormat: target.legendFormat ?? '' }).toEqual({
            panel: panel.title,
            legendFormat: expect.stringMatching(/\S/),
          });
        }
        expect(panel.fieldConfig?.defaults).toEqual(
          expect.objectContaining({
            unit: expect.any(String),
            thresholds: expect.objectContaining({ steps: expect.any(Array) }),
          })
        );
      }
    }
  );

  it.each(dashboards)('%s selects its data source through the datasource variable only', (_file, d) => {
    const variable = d.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: DATASOURCE_TYPE });
    for (const panel of allPanels(d).filter((p) => p.type !== 'row')) {
      expect(panel.datasource).toEqual(DATASOURCE_REF);
      for (const target of panel.targets ?? []) {
        expect(target.datasource).toEqual(DATASOURCE_REF);
      }
    }
    for (const v of d.templating.list.filter((v) => v.type === 'query')) {
      expect(v.datasource).toEqual(DATASOURCE_REF);
    }
  });

  it.each(dashboards)('%s refers only to variables it declares', (_file, d) => {
    const declared = d.templating.list.map((v) => v.name);
    const used = referencedVariables(JSON.stringify({ panels: d.panels, templating: d.templating }));
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it.each(dashboards)('%s links only to dashboards that exist', (_file, d) => {
    const uids: string[] = Object.values(DashboardUid);
    expect(linkedDashboardUids(d).filter((uid) => !uids.includes(uid))).toEqual([]);
    for (const link of d.links) {
      // Tag links list the shipped dashboards: every shipped dashboard carries the tags.
      expect(link.type).toBe('dashboards');
      expect(link.tags.length).toBeGreaterThan(0);
      for (const [, other] of dashboards) {
        expect(other.tags).toEqual(expect.arrayContaining(link.tags));
      }
    }
  });

  it('trace links open the trace drill-down with its trace variable', () => {
    const drillDown = dashboards.find(([, d]) => d.uid === DashboardUid.TraceDrillDown)![1];
    expect(drillDown.templating.list.find((v) => v.name === TRACE_ID_VARIABLE)).toMatchObject({ type: 'textbox' });
    const links = JSON.stringify(dashboards.map(([, d]) => d)).match(/\/d\/kamiwaza-trace-drilldown\?[^"]*/g) ?? [];
    // Service errors' "Traces with errors" and the drill-down's own "Recent traces with errors".
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toContain(`var-${TRACE_ID_VARIABLE}=`);
    }
  });
});

describe('plugin.json and provisioning', () => {
  it('lists every dashboard in the app includes, so they import with the app', () => {
    const included = pluginJson.includes
      .filter((i) => i.type === 'dashboard')
      .map((i) => (i as { path?: string }).path)
      .sort();
    expect(included).toEqual(files.map((f) => `dashboards/${f}`));
  });

  it('provisions the dashboards from the folder the compose stack mounts', () => {
    const dir = path.resolve(DASHBOARDS_DIR, '../provisioning/dashboards');
    const yamlFiles = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles).toEqual(['kamiwaza.yaml']);
    const config = parseYaml(fs.readFileSync(path.join(dir, 'kamiwaza.yaml'), 'utf8'));
    expect(config).toMatchObject({
      apiVersion: 1,
      providers: [{ type: 'file', options: { path: '/etc/grafana/provisioning/dashboards/kamiwaza' } }],
    });
    // The mount point exists inside the read-only provisioning mount, so the nested mount needs no mkdir.
    expect(fs.statSync(path.join(dir, 'kamiwaza')).isDirectory()).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// Queries over generated logs

const END_MS = SAMPLE_END_MS;
const DAY_MS = 86_400_000;
const RANGE = { from: END_MS - DAY_MS - 3_600_000, to: END_MS + 60_000 };
const INTERVAL_MS = 60_000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-'));
let traceWithError = '';

/** A trace id with an ERROR record, read from the raw file (not through the engine). */
function findErrorTrace(dir: string): string {
  for (const name of fs.readdirSync(dir).filter((n) => n.startsWith('application.jsonl'))) {
    const raw = fs.readFileSync(path.join(dir, name));
    for (const line of (name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8').split('\n')) {
      if (line.includes('"level":"ERROR"') && line.includes('"trace_id"')) {
        return JSON.parse(line).trace_id;
      }
    }
  }
  throw new Error('no traced error in the sample');
}

/** Sources (docs/labels.md) whose files hold `text`, read from the raw files, rotated ones included. */
function sourcesContaining(dir: string, text: string): Set<string> {
  const sources = new Set<string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) {
      continue;
    }
    const raw = fs.readFileSync(path.join(entry.parentPath, entry.name));
    if ((entry.name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).includes(text)) {
      const base = entry.name.replace(/\.(jsonl|log)(\..*)?$/, '.$1');
      const bySpecialName: Record<string, string> = {
        'application.log': 'application-text',
        'audit-events.jsonl': 'audit',
        'access.log': 'access',
      };
      sources.add(bySpecialName[base] ?? base.replace(/\.(jsonl|log)$/, ''));
    }
  }
  return sources;
}

beforeAll(async () => {
  await generateSample(root);
  traceWithError = findErrorTrace(root);
}, 120_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** What a user has selected: every variable of the five dashboards, as Grafana would hold it. */
function selection(): InterpolationContext {
  return { variables: defaultSelection(traceWithError), rangeMs: RANGE.to - RANGE.from, intervalMs: INTERVAL_MS };
}

/** The query as the backend receives it: variables substituted by Grafana, macros by the backend. */
function sentExpr(target: DashboardTarget, ctx: InterpolationContext): string {
  return interpolate(target.expr, ctx);
}

const logger = createHclogLogger({ write: () => undefined });
const service = createDataSourceService({ logger, env: SERVICE_TEST_ENV });

async function run(target: DashboardTarget, ctx: InterpolationContext): Promise<DecodedFrame[]> {
  const json = { ...target, expr: sentExpr(target, ctx) };
  const q: DataQuery = {
    refId: target.refId,
    queryType: target.queryType ?? '',
    maxDataPoints: 1500,
    intervalMS: INTERVAL_MS,
    timeRange: RANGE,
    json: Buffer.from(JSON.stringify(json)),
  };
  const request: QueryDataRequest = {
    pluginContext: dataSourcePluginContext({ logDirs: [root] }),
    headers: {},
    queries: [q],
    format: 'arrow',
  };
  const response = await service.handlers.query!(q, request, new AbortController().signal);
  return response.frames.map((frame) => decodeGrafanaFrame(frameToArrow(frame)));
}

const panelCases: Array<[string, string, DashboardPanel]> = dashboards.flatMap(([file, d]) =>
  allPanels(d)
    .filter((p) => p.type !== 'row')
    .map((p): [string, string, DashboardPanel] => [file, p.title, p])
);

describe('queries', () => {
  it.each(panelCases)('%s / %s: every query parses once variables are substituted', (_file, _title, panel) => {
    for (const target of panel.targets ?? []) {
      const expr = expandMacros(sentExpr(target, selection()), {
        intervalMs: INTERVAL_MS,
        rangeMs: RANGE.to - RANGE.from,
        stepMs: INTERVAL_MS,
        instant: target.queryType === 'instant',
      });
      expect(() => parseLogQL(expr)).not.toThrow();
    }
  });
});

/** Labels a table panel turns into columns (its organize renames), minus the reduced value. */
function labelColumns(panel: DashboardPanel): string[] {
  const organize = panel.transformations?.find((t) => t.id === 'organize')?.options as
    { renameByName?: Record<string, string> } | undefined;
  return Object.keys(organize?.renameByName ?? {}).filter((name) => name !== 'Last *' && !name.includes('\\'));
}

function kind(arrowType: string): string {
  return /^Timestamp/.test(arrowType) ? 'time' : /^(Float|Int|Uint)/.test(arrowType) ? 'number' : arrowType;
}

function seriesLabels(frames: DecodedFrame[]): Array<Record<string, string>> {
  return frames.filter((f) => f.fields.length > 1).map((f) => f.fields[1].labels ?? {});
}

describe('panels over generated logs', () => {
  it.each(panelCases)(
    '%s / %s answers the data its panel shows',
    async (_file, title, panel) => {
      const ctx = selection();
      for (const target of panel.targets ?? []) {
        const frames = await run(target, ctx);
        const withData = frames.filter((f) => f.fields.length > 0 && f.rows > 0);
        expect(withData.length).toBeGreaterThan(0);
        if (panel.type === 'logs') {
          expect(withData.map((f) => f.meta?.type)).toEqual(['log-lines']);
          continue;
        }
        // Graphs, stats, gauges and tables are fed by metric queries: numeric series.
        for (const frame of withData) {
          expect(frame.meta?.type ?? 'timeseries-multi').toBe('timeseries-multi');
          expect(frame.fields.map((f) => kind(f.arrowType))).toEqual(['time', 'number']);
        }
        if (panel.type === 'timeseries' || panel.transformations?.some((t) => t.id === 'timeSeriesTable')) {
          // A line or a sparkline needs points over time, not a single sample.
          expect(Math.max(...withData.map((f) => f.rows))).toBeGreaterThan(1);
        }
        if (panel.type === 'table' && target.queryType === 'instant') {
          const wanted = labelColumns(panel).filter((name) => !['Field'].includes(name));
          const present = [...new Set(seriesLabels(withData).flatMap((l) => Object.keys(l)))].sort();
          expect(present).toEqual(expect.arrayContaining(wanted));
        }
      }
    },
    60_000
  );

  it('the trace drill-down finds the trace in every file that holds it and counts its errors', async () => {
    const drillDown = dashboards.find(([, d]) => d.uid === DashboardUid.TraceDrillDown)![1];
    const lines = allPanels(drillDown).find((p) => p.title === 'Every line of the trace')!;
    const [frame] = await run(lines.targets![0], selection());
    const labels = frame.fields
      .find((f) => f.name === 'labels')!
      .values.map((v) => JSON.parse(Buffer.from(v as Uint8Array).toString('utf8')));
    expect(new Set(labels.map((l: { source: string }) => l.source))).toEqual(sourcesContaining(root, traceWithError));
    // Oldest first: the query reads forward (the first lines of a long trace, not its last) and the
    // panel sorts ascending.
    expect(lines.targets![0].direction).toBe('forward');
    expect((lines as unknown as { options: { sortOrder: string } }).options.sortOrder).toBe('Ascending');
    const services = allPanels(drillDown).find((p) => p.title === 'Services involved')!;
    const errors = await run(
      services.targets!.find((t) => t.refId === 'B')!,
      selection()
    );
    expect(errors.reduce((n, f) => n + Number(f.fields[1]?.values[0] ?? 0), 0)).toBeGreaterThan(0);
  }, 60_000);
});
