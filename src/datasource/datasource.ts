import {
  CoreApp,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { type Observable } from 'rxjs';
import { map } from 'rxjs/operators';

import {
  DEFAULT_QUERY,
  LogsQueryType,
  type KamiwazaLogsFrameCustomMeta,
  type KamiwazaLogsQuery,
} from '../shared/query';
import {
  ResourcePath,
  type DetectedField,
  type DetectedFieldsResponse,
  type IndexStatsResponse,
  type LokiListResponse,
} from '../shared/resources';
import type { KamiwazaLogsSettings } from '../shared/settings';
import { formatLogQLVariable } from './templating';

/** Alert rules need a number per series: a logs query cannot be the default there. */
const DEFAULT_ALERTING_EXPR = 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [5m]))';


// Variable queries, spelled as Loki's data source spells them so dashboards carry over.
const LABEL_NAMES_QUERY = /^\s*label_names\(\s*\)\s*$/;
const LABEL_VALUES_QUERY = /^\s*label_values\(\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/;

export class DataSource extends DataSourceWithBackend<KamiwazaLogsQuery, KamiwazaLogsSettings> {
  constructor(
    instanceSettings: DataSourceInstanceSettings<KamiwazaLogsSettings>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    // Annotations use the ordinary query editor; Grafana maps the returned rows to events.
    this.annotations = {};
  }

  getDefaultQuery(app: CoreApp): Partial<KamiwazaLogsQuery> {
    if (app === CoreApp.UnifiedAlerting) {
      return { expr: DEFAULT_ALERTING_EXPR, queryType: LogsQueryType.Instant };
    }
    return { ...DEFAULT_QUERY };
  }

  /** Empty and hidden queries never reach the backend. */
  filterQuery(query: KamiwazaLogsQuery): boolean {
    return !query.hide && (query.expr ?? '').trim() !== '';
  }

  applyTemplateVariables(query: KamiwazaLogsQuery, scopedVars: ScopedVars): KamiwazaLogsQuery {
    return {
      ...query,
      expr: this.templateSrv.replace(query.expr, scopedVars, formatLogQLVariable),
      legendFormat: query.legendFormat && this.templateSrv.replace(query.legendFormat, scopedVars),
      step: query.step && this.templateSrv.replace(query.step, scopedVars),
    };
  }

  /** Used when a dashboard panel's queries open in Explore: variables are resolved there. */
  interpolateVariablesInQueries(queries: KamiwazaLogsQuery[], scopedVars: ScopedVars): KamiwazaLogsQuery[] {
    return queries.map((query) => ({
      ...this.applyTemplateVariables(query, scopedVars),
      datasource: this.getRef(),
    }));
  }

  getQueryDisplayText(query: KamiwazaLogsQuery): string {
    return query.expr;
  }

  query(request: DataQueryRequest<KamiwazaLogsQuery>): Observable<DataQueryResponse> {
    return super.query(request).pipe(map(promoteExploreMeta));
  }

  /** Stream label names in `range` (all time when omitted), of the streams `selector` matches if given. */
  async labelNames(range?: TimeRange, selector?: string): Promise<string[]> {
    const response = await this.getResource<LokiListResponse>(ResourcePath.Labels, {
      ...rangeParams(range),
      ...selectorParam(selector),
    });
    return response?.data ?? [];
  }

  /** Values of one label in `range` (all time when omitted), of the streams `selector` matches if given. */
  async labelValues(label: string, range?: TimeRange, selector?: string): Promise<string[]> {
    const response = await this.getResource<LokiListResponse>(ResourcePath.labelValues(label), {
      ...rangeParams(range),
      ...selectorParam(selector),
    });
    return response?.data ?? [];
  }

  /** Fields (structured metadata and parsed) that the lines of `expr` carry, as Loki's `detected_fields`. */
  async detectedFields(expr: string, range?: TimeRange): Promise<DetectedField[]> {
    const response = await this.getResource<DetectedFieldsResponse>(ResourcePath.DetectedFields, {
      ...rangeParams(range),
      query: expr,
    });
    return response?.fields ?? [];
  }

  /** What `expr` would read over `range`: bytes, lines, streams and files. */
  async queryStats(expr: string, range?: TimeRange): Promise<IndexStatsResponse | undefined> {
    return this.getResource<IndexStatsResponse>(ResourcePath.IndexStats, { ...rangeParams(range), query: expr });
  }

  /** Query variables: `label_names()` and `label_values(<label>)`. */
  async metricFindQuery(query: string, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const interpolated = this.templateSrv.replace(query, options?.scopedVars);
    const valuesMatch = LABEL_VALUES_QUERY.exec(interpolated);
    if (valuesMatch) {
      return toMetricFindValues(await this.labelValues(valuesMatch[1], options?.range));
    }
    if (LABEL_NAMES_QUERY.test(interpolated)) {
      return toMetricFindValues(await this.labelNames(options?.range));
    }
    throw new Error(`Unsupported variable query "${query}": use label_names() or label_values(<label>)`);
  }
}

function selectorParam(selector?: string): Record<string, string> {
  return selector && selector.trim() !== '' ? { query: selector } : {};
}

function rangeParams(range?: TimeRange): Record<string, string> {
  if (!range) {
    return {};
  }
  return { start: msToNs(range.from.valueOf()), end: msToNs(range.to.valueOf()) };
}

/** Exact for any millisecond epoch: no float multiplication beyond 2^53. */
function msToNs(ms: number): string {
  return `${Math.trunc(ms)}000000`;
}

function toMetricFindValues(values: string[]): MetricFindValue[] {
  return values.map((text) => ({ text, value: text }));
}

/** Copies the Explore-only meta keys the backend had to send inside `meta.custom` (see KamiwazaLogsFrameCustomMeta). */
export function promoteExploreMeta(response: DataQueryResponse): DataQueryResponse {
  if (!response.data?.length) {
    return response;
  }
  return { ...response, data: response.data.map(promoteFrameMeta) };
}

function promoteFrameMeta(frame: DataFrame): DataFrame {
  const custom = frame.meta?.custom as KamiwazaLogsFrameCustomMeta | undefined;
  if (!custom) {
    return frame;
  }
  const promoted: { limit?: number; searchWords?: string[] } = {};
  if (typeof custom.limit === 'number') {
    promoted.limit = custom.limit;
  }
  if (Array.isArray(custom.searchWords)) {
    promoted.searchWords = custom.searchWords.filter((word): word is string => typeof word === 'string');
  }
  if (Object.keys(promoted).length === 0) {
    return frame;
  }
  return { ...frame, meta: { ...frame.meta, ...promoted } };
}
