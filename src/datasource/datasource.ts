import {
  CoreApp,
  type AdHocVariableFilter,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceGetTagKeysOptions,
  type DataSourceGetTagValuesOptions,
  type DataSourceInstanceSettings,
  type DataSourceWithLogsContextSupport,
  type DataSourceWithQueryModificationSupport,
  type DataSourceWithSupplementaryQueriesSupport,
  type DataSourceWithToggleableQueryFiltersSupport,
  type LegacyMetricFindQueryOptions,
  type LogRowContextOptions,
  type LogRowModel,
  type MetricFindValue,
  type QueryFilterOptions,
  type QueryFixAction,
  type ScopedVars,
  type SupplementaryQueryOptions,
  type SupplementaryQueryType,
  type TimeRange,
  type ToggleFilterAction,
} from '@grafana/data';
import { DataSourceWithBackend, getDataSourceSrv, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import React from 'react';
import { merge, of, type Observable } from 'rxjs';
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
import { isStreamLabel } from '../shared/labels';
import type { KamiwazaLogsSettings } from '../shared/settings';
import { applyAdHocFilters, streamSelectorOf } from './adHocFilters';
import {
  annotationEvents,
  prepareAnnotation,
  prepareAnnotationQuery,
  type KamiwazaAnnotationQuery,
} from './annotations';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor/AnnotationQueryEditor';
import { LogContextUi } from './components/LogContextUi/LogContextUi';
import { contextPipelineQuery, LogContextProvider } from './logContext';
import { tailQuery } from './liveTail';
import {
  addLabelFilter,
  addLineFilter,
  hasLabelFilter,
  pipelineOf,
  removeLabelFilter,
  type LabelFilterSpec,
  type LabelKind,
} from './queryModification';
import { SUPPORTED_SUPPLEMENTARY_QUERY_TYPES, supplementaryQuery, supplementaryRequest } from './supplementaryQueries';
import { formatLogQLVariable } from './templating';
import { traceLink, withTraceLinks } from './traceLinks';
import { KamiwazaVariableSupport } from './variableSupport';
import { toVariableQuery, VariableQueryType, type KamiwazaVariableQuery } from './variables';

/** Alert rules need a number per series: a logs query cannot be the default there. */
const DEFAULT_ALERTING_EXPR = 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [5m]))';

/** Where ad hoc field names are looked up when no stream-label filter narrows it: every source. */
const ALL_SOURCES_SELECTOR = '{source=~".+"}';

/**
 * Macros the backend expands itself (alert rules reach it without the frontend). They map to
 * their own text so the frontend (Scenes included) leaves them for the backend, as Loki's does.
 */
const BACKEND_MACROS = ['__auto', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms'];

/** Modifications Explore may ask for; see modifyQuery. */
const QUERY_MODIFICATIONS = [
  'ADD_FILTER',
  'ADD_FILTER_OUT',
  'ADD_STRING_FILTER',
  'ADD_STRING_FILTER_OUT',
  'ADD_LINE_FILTER',
  'ADD_LINE_FILTER_OUT',
];

export class DataSource
  extends DataSourceWithBackend<KamiwazaLogsQuery, KamiwazaLogsSettings>
  implements
    DataSourceWithSupplementaryQueriesSupport<KamiwazaLogsQuery>,
    DataSourceWithLogsContextSupport<KamiwazaLogsQuery>,
    DataSourceWithToggleableQueryFiltersSupport<KamiwazaLogsQuery>,
    DataSourceWithQueryModificationSupport<KamiwazaLogsQuery>
{
  private readonly logContext: LogContextProvider;

  constructor(
    private readonly instanceSettings: DataSourceInstanceSettings<KamiwazaLogsSettings>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.annotations = {
      QueryEditor: AnnotationQueryEditor,
      prepareAnnotation,
      prepareQuery: prepareAnnotationQuery,
      processEvents: (annotation, frames) =>
        of(annotationEvents(annotation.target as KamiwazaAnnotationQuery | undefined, frames)),
    };
    this.variables = new KamiwazaVariableSupport(this);
    this.logContext = new LogContextProvider(
      (path, params) => this.getResource(path, params),
      (expr, options) => this.interpolate(expr, options?.scopedVars)
    );
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

  /** Variables, then the dashboard's ad hoc filters (stream labels into the selector, fields after the parsers). */
  applyTemplateVariables(
    query: KamiwazaLogsQuery,
    scopedVars: ScopedVars,
    filters?: AdHocVariableFilter[]
  ): KamiwazaLogsQuery {
    const variables = withoutBackendMacros(scopedVars);
    return {
      ...query,
      expr: applyAdHocFilters(this.interpolate(query.expr, variables), filters),
      legendFormat: query.legendFormat && this.templateSrv.replace(query.legendFormat, variables),
      step: query.step && this.templateSrv.replace(query.step, variables),
    };
  }

  /** Used when a dashboard panel's queries open in Explore: variables and ad hoc filters are resolved there. */
  interpolateVariablesInQueries(
    queries: KamiwazaLogsQuery[],
    scopedVars: ScopedVars,
    filters?: AdHocVariableFilter[]
  ): KamiwazaLogsQuery[] {
    return queries.map((query) => ({
      ...this.applyTemplateVariables(query, scopedVars, filters),
      datasource: this.getRef(),
    }));
  }

  getQueryDisplayText(query: KamiwazaLogsQuery): string {
    return query.expr;
  }

  /**
   * Stream queries (and everything in Explore's live mode) tail through Grafana Live; the rest runs
   * through the backend, with Explore's meta promoted and trace links added to logs frames.
   */
  query(request: DataQueryRequest<KamiwazaLogsQuery>): Observable<DataQueryResponse> {
    const isTail = (query: KamiwazaLogsQuery) => request.liveStreaming || query.queryType === LogsQueryType.Stream;
    const tails = request.targets.filter((query) => this.filterQuery(query) && isTail(query));
    if (tails.length === 0) {
      return this.runBackendQuery(request);
    }
    const streams = tails.map((query) =>
      tailQuery(this.uid, this.applyTemplateVariables(query, request.scopedVars, request.filters))
    );
    const rest = request.targets.filter((query) => !isTail(query));
    return rest.length > 0 ? merge(...streams, this.runBackendQuery({ ...request, targets: rest })) : merge(...streams);
  }

  private runBackendQuery(request: DataQueryRequest<KamiwazaLogsQuery>): Observable<DataQueryResponse> {
    const link = traceLink(this.instanceSettings.jsonData ?? {}, (uid) => getDataSourceSrv().getInstanceSettings(uid));
    return super.query(request).pipe(
      map(promoteExploreMeta),
      map((response) => ({ ...response, data: response.data.map((frame: DataFrame) => withTraceLinks(frame, link)) }))
    );
  }

  // Supplementary queries (Explore's log volume histogram and logs sample).

  getSupportedSupplementaryQueryTypes(): SupplementaryQueryType[] {
    return [...SUPPORTED_SUPPLEMENTARY_QUERY_TYPES];
  }

  getSupplementaryQuery(options: SupplementaryQueryOptions, query: KamiwazaLogsQuery): KamiwazaLogsQuery | undefined {
    return supplementaryQuery(options, query);
  }

  getSupplementaryRequest(
    type: SupplementaryQueryType,
    request: DataQueryRequest<KamiwazaLogsQuery>,
    options?: SupplementaryQueryOptions
  ): DataQueryRequest<KamiwazaLogsQuery> | undefined {
    return supplementaryRequest(type, request, options);
  }

  // Log context.

  getLogRowContext = (row: LogRowModel, options?: LogRowContextOptions, query?: KamiwazaLogsQuery) =>
    this.logContext.getLogRowContext(row, options, query);

  getLogRowContextQuery = async (row: LogRowModel, options?: LogRowContextOptions, query?: KamiwazaLogsQuery) =>
    this.logContext.getLogRowContextQuery(row, options, query);

  getLogRowContextUi(
    row: LogRowModel,
    runContextQuery?: () => void,
    origQuery?: KamiwazaLogsQuery,
    scopedVars?: ScopedVars
  ): React.ReactNode {
    const logQuery = contextPipelineQuery(origQuery, (expr) => this.interpolate(expr, scopedVars));
    return React.createElement(LogContextUi, {
      pipeline: logQuery ? pipelineOf(logQuery) : '',
      initialApply: this.logContext.applyQueryPipeline,
      onApplyChange: (apply: boolean) => {
        this.logContext.applyQueryPipeline = apply;
      },
      runContextQuery,
    });
  }

  // Filter for / filter out from log details, and Explore's other query edits.

  toggleQueryFilter(query: KamiwazaLogsQuery, filter: ToggleFilterAction): KamiwazaLogsQuery {
    const { key, value } = filter.options ?? {};
    if (!key || value === undefined) {
      return query;
    }
    const kind = labelKind(key, filter.frame);
    const positive: LabelFilterSpec = { key, operator: '=', value };
    const negative: LabelFilterSpec = { key, operator: '!=', value };
    let expr = query.expr ?? '';
    if (filter.type === 'FILTER_FOR') {
      // A second click on "filter for" takes the filter away again, as in Loki.
      expr = hasLabelFilter(expr, positive)
        ? removeLabelFilter(expr, positive)
        : addLabelFilter(removeLabelFilter(expr, negative), positive, kind);
    } else {
      expr = addLabelFilter(removeLabelFilter(expr, positive), negative, kind);
    }
    return { ...query, expr };
  }

  queryHasFilter(query: KamiwazaLogsQuery, filter: QueryFilterOptions): boolean {
    return hasLabelFilter(query.expr ?? '', { key: filter.key, operator: '=', value: filter.value });
  }

  modifyQuery(query: KamiwazaLogsQuery, action: QueryFixAction): KamiwazaLogsQuery {
    const expr = query.expr ?? '';
    const { key, value } = action.options ?? {};
    switch (action.type) {
      case 'ADD_FILTER':
      case 'ADD_FILTER_OUT':
        if (!key || value === undefined) {
          return query;
        }
        return {
          ...query,
          expr: addLabelFilter(
            expr,
            { key, operator: action.type === 'ADD_FILTER' ? '=' : '!=', value },
            labelKind(key, action.frame)
          ),
        };
      case 'ADD_STRING_FILTER':
      case 'ADD_LINE_FILTER':
        return { ...query, expr: addLineFilter(expr, value ?? '') };
      case 'ADD_STRING_FILTER_OUT':
      case 'ADD_LINE_FILTER_OUT':
        return { ...query, expr: addLineFilter(expr, value ?? '', '!=') };
      default:
        return query;
    }
  }

  getSupportedQueryModifications(): string[] {
    return [...QUERY_MODIFICATIONS];
  }

  // Ad hoc filters.

  /** Stream labels and the fields lines carry, in the dashboard's range, scoped by the stream-label filters. */
  async getTagKeys(options?: DataSourceGetTagKeysOptions<KamiwazaLogsQuery>): Promise<MetricFindValue[]> {
    const selector = streamSelectorOf(options?.filters);
    const [labels, fields] = await Promise.all([
      this.labelNames(options?.timeRange, selector),
      // Fields are a convenience: a failed lookup still leaves the stream labels.
      this.detectedFields(selector ?? ALL_SOURCES_SELECTOR, options?.timeRange).catch(() => []),
    ]);
    const names = Array.from(new Set([...labels, ...fields.map((field) => field.label)]));
    return toMetricFindValues(names);
  }

  async getTagValues(options: DataSourceGetTagValuesOptions<KamiwazaLogsQuery>): Promise<MetricFindValue[]> {
    const others = options.filters?.filter((filter) => filter.key !== options.key);
    return toMetricFindValues(await this.labelValues(options.key, options.timeRange, streamSelectorOf(others)));
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

  /**
   * Variable queries: `label_names()`, `label_values(<label>)`, `label_values(<selector>, <label>)`
   * as text (Loki's spelling), or the variable editor's object form.
   */
  async metricFindQuery(
    query: KamiwazaVariableQuery | string,
    options?: LegacyMetricFindQueryOptions
  ): Promise<MetricFindValue[]> {
    const parsed = toVariableQuery(typeof query === 'string' ? this.interpolate(query, options?.scopedVars) : query);
    if (!parsed) {
      throw new Error(
        `Unsupported variable query ${JSON.stringify(query)}: use label_names(), label_values(<label>) or label_values(<selector>, <label>)`
      );
    }
    if (parsed.type === VariableQueryType.LabelNames) {
      return toMetricFindValues(await this.labelNames(options?.range));
    }
    const label = this.interpolate(parsed.label ?? '', options?.scopedVars).trim();
    if (label === '') {
      return [];
    }
    const stream = this.interpolate(parsed.stream ?? '', options?.scopedVars);
    return toMetricFindValues(await this.labelValues(label, options?.range, stream));
  }

  private interpolate(text: string, scopedVars?: ScopedVars): string {
    return this.templateSrv.replace(text, scopedVars, formatLogQLVariable);
  }
}

/** The label's place in a query: the frame's `labelTypes` when the backend sends them, else the stream label list. */
function labelKind(key: string, frame?: DataFrame): LabelKind {
  const types = frame?.fields.find((field) => field.name === 'labelTypes')?.values[0] as
    Record<string, string> | undefined;
  if (types?.[key]) {
    return types[key] === 'I' ? 'stream' : 'field';
  }
  return isStreamLabel(key) ? 'stream' : 'field';
}

function withoutBackendMacros(scopedVars: ScopedVars | undefined): ScopedVars {
  const variables: ScopedVars = { ...scopedVars };
  for (const name of BACKEND_MACROS) {
    variables[name] = { text: `$${name}`, value: `$${name}` };
  }
  return variables;
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
