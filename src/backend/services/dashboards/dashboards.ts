/**
 * The app's dashboards (`dashboards/*.json`) as the tests read them: every query target of every
 * panel, with the panel that shows it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TRACE_ID_VARIABLE } from '../../../shared/kamiwaza';
import type { VariableValue } from './interpolate';

export const DASHBOARDS_DIR = path.resolve(__dirname, '../../../../dashboards');

export interface DashboardTarget {
  refId: string;
  expr: string;
  queryType?: string;
  direction?: 'forward' | 'backward';
  maxLines?: number;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
  fieldConfig?: {
    defaults: Record<string, unknown>;
    overrides: Array<{ properties: Array<{ id: string; value?: unknown }> }>;
  };
  transformations?: Array<{ id: string; options: unknown }>;
}

export interface DashboardVariable {
  name: string;
  type: string;
  query?: unknown;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion: number;
  tags: string[];
  links: Array<{ type: string; tags: string[]; url?: string }>;
  templating: { list: DashboardVariable[] };
  panels: DashboardPanel[];
}

export function dashboardFiles(): string[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readDashboard(file: string): DashboardJson {
  return JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8'));
}

/** Panels at any depth (rows hold theirs in `panels`). */
export function allPanels(dashboard: DashboardJson): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** `/d/<uid>` references in any string of the JSON (panel links, data links, text). */
export function linkedDashboardUids(dashboard: unknown): string[] {
  const uids = new Set<string>();
  for (const m of JSON.stringify(dashboard).matchAll(/\/d\/([A-Za-z0-9_-]+)/g)) {
    uids.add(m[1]);
  }
  return [...uids];
}

/**
 * The dashboards' variables as a user first sees them, as Grafana holds them: every service and
 * actor ("All"), the levels critical, error and warn, and the trace `traceId`.
 */
export function defaultSelection(traceId: string): Record<string, VariableValue> {
  return {
    service: { value: ['$__all'], multi: true, includeAll: true, allValue: '.+', all: true },
    actor: { value: ['$__all'], multi: true, includeAll: true, allValue: '.*', all: true },
    level: { value: ['critical', 'error', 'warn'], multi: true },
    [TRACE_ID_VARIABLE]: { value: traceId },
  };
}
