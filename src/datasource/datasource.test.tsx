import {
  CoreApp,
  createDataFrame,
  dateTime,
  FieldType,
  LoadingState,
  LogRowContextQueryDirection,
  SupplementaryQueryType,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LogRowModel,
  type ScopedVars,
  toDataFrame,
} from '@grafana/data';
import { DataSourceWithBackend, getDataSourceSrv, getGrafanaLiveSrv, type TemplateSrv } from '@grafana/runtime';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { firstValueFrom, lastValueFrom, of } from 'rxjs';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';
import type { KamiwazaLogsSettings } from '../shared/settings';
import { DataSource, promoteExploreMeta } from './datasource';
import { VariableQueryType } from './variables';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getGrafanaLiveSrv: jest.fn(),
  getDataSourceSrv: jest.fn(),
}));

interface FakeVariable {
  value: string | string[];
  multi?: boolean;
  includeAll?: boolean;
}

/**
 * A stand-in for Grafana's TemplateSrv covering what the data source relies on: `$name` and
 * `${name}` are replaced by dashboard variables (or scoped vars) and `format` sees the variable model.
 */
function fakeTemplateSrv(variables: Record<string, FakeVariable>): TemplateSrv {
  const replace = (target?: string, scopedVars?: ScopedVars, format?: string | Function) =>
    (target ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced, bare) => {
      const name = braced ?? bare;
      const variable = scopedVars?.[name] ? { value: scopedVars[name]!.value } : variables[name];
      if (!variable) {
        return match;
      }
      return typeof format === 'function' ? format(variable.value, variable) : String(variable.value);
    });
  return { replace } as unknown as TemplateSrv;
}

const instanceSettings = {
  id: 1,
  uid: 'kamiwaza-logs',
  type: 'kamiwaza-logs-datasource',
  name: 'Kamiwaza Logs',
  jsonData: {},
  meta: {},
} as unknown as DataSourceInstanceSettings<KamiwazaLogsSettings>;

function makeDataSource(variables: Record<string, FakeVariable> = {}, jsonData: KamiwazaLogsSettings = {}) {
  return new DataSource({ ...instanceSettings, jsonData }, fakeTemplateSrv(variables));
}

const RANGE = {
  from: dateTime(1_763_596_800_000),
  to: dateTime(1_763_600_400_000),
  raw: { from: 'now-1h', to: 'now' },
};

afterEach(() => jest.restoreAllMocks());

describe('DataSource.applyTemplateVariables', () => {
  it('escapes multi-value variables for a regex matcher and keeps single values as typed', () => {
    const ds = makeDataSource({
      service: { value: ['kamiwaza.api', 'serving'], multi: true },
      level: { value: 'ERROR' },
    });
    const query: KamiwazaLogsQuery = {
      refId: 'A',
      expr: '{service_name=~"$service"} | level="${level}"',
      legendFormat: '{{service_name}} $level',
      step: '$step',
    };

    const result = ds.applyTemplateVariables(query, { step: { text: '30s', value: '30s' } });

    expect(result.expr).toBe('{service_name=~"kamiwaza\\\\.api|serving"} | level="ERROR"');
    expect(result.legendFormat).toBe('{{service_name}} ERROR');
    expect(result.step).toBe('30s');
    expect(result.refId).toBe('A');
  });

  it('keeps an absent legend or step absent', () => {
    const result = makeDataSource().applyTemplateVariables({ refId: 'A', expr: '{source="audit"}' }, {});
    expect(result.legendFormat).toBeUndefined();
    expect(result.step).toBeUndefined();
  });
});

describe('DataSource.filterQuery', () => {
  const ds = makeDataSource();
  it('skips empty, blank and hidden queries', () => {
    expect(ds.filterQuery({ refId: 'A', expr: '' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: '  \n' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: '{source="audit"}', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: '{source="audit"}' })).toBe(true);
  });
});

describe('DataSource.getDefaultQuery', () => {
  const ds = makeDataSource();
  it('starts Explore and dashboards on the application log', () => {
    expect(ds.getDefaultQuery(CoreApp.Explore)).toMatchObject({
      expr: '{source="application"}',
      queryType: LogsQueryType.Range,
    });
  });
  it('gives alert rules an instant metric query', () => {
    const query = ds.getDefaultQuery(CoreApp.UnifiedAlerting);
    expect(query.queryType).toBe(LogsQueryType.Instant);
    expect(query.expr).toMatch(/^sum by \(service_name\) \(count_over_time\(/);
  });
});

describe('DataSource.query', () => {
  it('promotes limit and searchWords from meta.custom so Explore sees them', async () => {
    const frame = toDataFrame({
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [1] },
        { name: 'body', type: FieldType.string, values: ['boom'] },
      ],
      meta: { custom: { limit: 1, searchWords: ['boom'], other: 'kept' } },
    });
    jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [frame] }));

    const response = await lastValueFrom(
      makeDataSource().query({
        targets: [{ refId: 'A', expr: '{source="application"} |= "boom"' }],
      } as DataQueryRequest<KamiwazaLogsQuery>)
    );

    expect(response.data[0].meta).toEqual({
      limit: 1,
      searchWords: ['boom'],
      custom: { limit: 1, searchWords: ['boom'], other: 'kept' },
    });
  });

  it('leaves frames without those keys, and malformed values, untouched', () => {
    const plain = toDataFrame({ fields: [], meta: { custom: { limit: 'many', searchWords: 'boom' } } });
    const bare = toDataFrame({ fields: [] });
    const response: DataQueryResponse = { data: [plain, bare] };

    const result = promoteExploreMeta(response);

    expect(result.data[0]).toBe(plain);
    expect(result.data[1]).toBe(bare);
  });
});

describe('DataSource label resources', () => {
  it('asks the backend for label names over the given range in nanoseconds', async () => {
    const ds = makeDataSource();
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockResolvedValue({ status: 'success', data: ['level', 'source'] });
    const range = {
      from: dateTime(1_700_000_000_123),
      to: dateTime(1_700_000_060_000),
      raw: { from: 'now-1m', to: 'now' },
    };

    await expect(ds.labelNames(range)).resolves.toEqual(['level', 'source']);
    expect(getResource).toHaveBeenCalledWith('labels', { start: '1700000000123000000', end: '1700000060000000000' });
  });

  it('serves label_values(<label>) and label_names() variable queries', async () => {
    const ds = makeDataSource({ which: { value: 'service_name' } });
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue({ data: ['kamiwaza.api', 'serving'] });

    await expect(ds.metricFindQuery('label_values($which)')).resolves.toEqual([
      { text: 'kamiwaza.api', value: 'kamiwaza.api' },
      { text: 'serving', value: 'serving' },
    ]);
    expect(getResource).toHaveBeenLastCalledWith('label/service_name/values', {});

    await ds.metricFindQuery(' label_names() ');
    expect(getResource).toHaveBeenLastCalledWith('labels', {});
  });

  it('rejects other variable queries with a message that says what is supported', async () => {
    await expect(makeDataSource().metricFindQuery('up{job="x"}')).rejects.toThrow(
      /label_names\(\), label_values\(<label>\) or label_values\(<selector>, <label>\)/
    );
  });

  it('treats a response without data as no labels', async () => {
    const ds = makeDataSource();
    jest.spyOn(ds, 'getResource').mockResolvedValue({});
    await expect(ds.labelValues('source')).resolves.toEqual([]);
  });
});

describe('DataSource filter for / filter out', () => {
  const ds = makeDataSource();
  const frameWithTypes = createDataFrame({
    fields: [{ name: 'labelTypes', type: FieldType.other, values: [{ source: 'I', status: 'P' }] }],
  });

  it('filters a stream label in the selector and a field after the parsers', () => {
    const query = { refId: 'A', expr: '{source="application"} | json' };
    const forService = ds.toggleQueryFilter(query, {
      type: 'FILTER_FOR',
      options: { key: 'service_name', value: 'kamiwaza.api' },
    });
    expect(forService.expr).toBe('{source="application", service_name="kamiwaza.api"} | json');

    const forLevel = ds.toggleQueryFilter(forService, {
      type: 'FILTER_FOR',
      options: { key: 'level', value: 'ERROR' },
    });
    expect(forLevel.expr).toBe('{source="application", service_name="kamiwaza.api"} | json | level="ERROR"');
    expect(ds.queryHasFilter(forLevel, { key: 'level', value: 'ERROR' })).toBe(true);
    expect(ds.queryHasFilter(forLevel, { key: 'level', value: 'INFO' })).toBe(false);
  });

  it('takes a filter away on the second click and swaps for and out', () => {
    const query = { refId: 'A', expr: '{source="audit"} | outcome="failure"' };
    expect(
      ds.toggleQueryFilter(query, { type: 'FILTER_FOR', options: { key: 'outcome', value: 'failure' } }).expr
    ).toBe('{source="audit"}');
    expect(
      ds.toggleQueryFilter(query, { type: 'FILTER_OUT', options: { key: 'outcome', value: 'failure' } }).expr
    ).toBe('{source="audit"} | outcome!="failure"');
    const out = { refId: 'A', expr: '{source="audit"} | outcome!="failure"' };
    expect(ds.toggleQueryFilter(out, { type: 'FILTER_FOR', options: { key: 'outcome', value: 'failure' } }).expr).toBe(
      '{source="audit"} | outcome="failure"'
    );
  });

  it("follows the frame's labelTypes where the backend sends them", () => {
    const query = { refId: 'A', expr: '{source="access"} | json' };
    const result = ds.toggleQueryFilter(query, {
      type: 'FILTER_FOR',
      options: { key: 'status', value: '500' },
      frame: frameWithTypes,
    });
    expect(result.expr).toBe('{source="access"} | json | status="500"');
  });

  it('applies the modification types Explore sends', () => {
    const metric = { refId: 'A', expr: 'sum by (level) (count_over_time({source="audit"} | json [5m]))' };
    expect(ds.modifyQuery(metric, { type: 'ADD_FILTER', options: { key: 'actor', value: 'alice' } }).expr).toBe(
      'sum by (level) (count_over_time({source="audit"} | json | actor="alice" [5m]))'
    );
    const logs = { refId: 'A', expr: '{source="audit"} | json' };
    expect(ds.modifyQuery(logs, { type: 'ADD_FILTER_OUT', options: { key: 'source', value: 'access' } }).expr).toBe(
      '{source="audit", source!="access"} | json'
    );
    expect(ds.modifyQuery(logs, { type: 'ADD_STRING_FILTER', options: { value: 'timeout' } }).expr).toBe(
      '{source="audit"} |= `timeout` | json'
    );
    expect(ds.modifyQuery(logs, { type: 'ADD_STRING_FILTER_OUT', options: { value: 'health' } }).expr).toBe(
      '{source="audit"} != `health` | json'
    );
    expect(ds.modifyQuery(logs, { type: 'ADD_LINE_FILTER' }).expr).toBe('{source="audit"} |= `` | json');
    expect(ds.modifyQuery(logs, { type: 'ADD_JSON_PARSER' })).toBe(logs);
    expect(ds.getSupportedQueryModifications()).toEqual(
      expect.arrayContaining(['ADD_FILTER', 'ADD_FILTER_OUT', 'ADD_STRING_FILTER', 'ADD_STRING_FILTER_OUT'])
    );
  });
});

describe('DataSource ad hoc filters', () => {
  it('applies dashboard filters to every query, leaving $__auto to the backend', () => {
    const ds = makeDataSource({ service: { value: 'kamiwaza.api' } });
    const result = ds.applyTemplateVariables(
      { refId: 'A', expr: 'sum(count_over_time({service_name="$service"} | json [$__auto]))' },
      { __auto: { text: '1m', value: '1m' }, __interval: { text: '1m', value: '1m' } },
      [
        { key: 'source', operator: '=~', value: 'application|audit' },
        { key: 'level', operator: '!=', value: 'DEBUG' },
      ]
    );
    expect(result.expr).toBe(
      'sum(count_over_time({service_name="kamiwaza.api", source=~"application|audit"} | json | level!="DEBUG" [$__auto]))'
    );
  });

  it('offers stream labels and fields of the range, scoped by the stream-label filters', async () => {
    const ds = makeDataSource();
    const getResource = jest.spyOn(ds, 'getResource').mockImplementation(async (path: string) =>
      path === 'labels'
        ? { status: 'success', data: ['filename', 'service_name', 'source'] }
        : {
            fields: [
              { label: 'level', type: 'string', cardinality: 4, parsers: null },
              { label: 'source', type: 'string', cardinality: 1, parsers: null },
            ],
          }
    );

    const keys = await ds.getTagKeys({
      timeRange: RANGE,
      filters: [
        { key: 'source', operator: '=', value: 'audit' },
        { key: 'outcome', operator: '=', value: 'failure' },
      ],
    });

    expect(keys).toEqual([
      { text: 'filename', value: 'filename' },
      { text: 'service_name', value: 'service_name' },
      { text: 'source', value: 'source' },
      { text: 'level', value: 'level' },
    ]);
    const range = { start: '1763596800000000000', end: '1763600400000000000' };
    expect(getResource).toHaveBeenCalledWith('labels', { ...range, query: '{source="audit"}' });
    expect(getResource).toHaveBeenCalledWith('detected_fields', { ...range, query: '{source="audit"}' });
  });

  it('still offers the stream labels when the field lookup fails', async () => {
    const ds = makeDataSource();
    jest.spyOn(ds, 'getResource').mockImplementation(async (path: string) => {
      if (path === 'labels') {
        return { status: 'success', data: ['source'] };
      }
      throw new Error('404');
    });
    await expect(ds.getTagKeys({ filters: [] })).resolves.toEqual([{ text: 'source', value: 'source' }]);
  });

  it('lists values of a key scoped by the other filters', async () => {
    const ds = makeDataSource();
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue({ status: 'success', data: ['alice', 'bob'] });
    const values = await ds.getTagValues({
      key: 'actor',
      timeRange: RANGE,
      filters: [
        { key: 'actor', operator: '=', value: 'old' },
        { key: 'source', operator: '=', value: 'audit' },
      ],
    });
    expect(values).toEqual([
      { text: 'alice', value: 'alice' },
      { text: 'bob', value: 'bob' },
    ]);
    expect(getResource).toHaveBeenCalledWith('label/actor/values', {
      start: '1763596800000000000',
      end: '1763600400000000000',
      query: '{source="audit"}',
    });
  });
});

describe('DataSource.query routing and frames', () => {
  const logsFrame = () =>
    toDataFrame({
      refId: 'A',
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [2, 1] },
        { name: 'body', type: FieldType.string, values: ['a', 'b'] },
        {
          name: 'labels',
          type: FieldType.other,
          values: [{ trace_id: '0af7651916cd43dd8448eb211c80319c' }, { source: 'audit' }],
        },
      ],
    });

  it('adds trace links to logs frames, to the trace drill-down dashboard by default', async () => {
    jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [logsFrame()] }));
    const response = await lastValueFrom(
      makeDataSource().query({
        targets: [{ refId: 'A', expr: '{source="application"}' }],
      } as DataQueryRequest<KamiwazaLogsQuery>)
    );
    const traceField = response.data[0].fields.find((field: { name: string }) => field.name === 'trace_id');
    expect(traceField.values).toEqual(['0af7651916cd43dd8448eb211c80319c', null]);
    expect(traceField.config.links[0].url).toBe(
      '/d/kamiwaza-trace-drilldown?var-trace_id=${__value.raw}&${__url_time_range}'
    );
  });

  it('links trace ids to the configured Tempo data source', async () => {
    jest.mocked(getDataSourceSrv).mockReturnValue({
      getInstanceSettings: (uid: string) => (uid === 'tempo' ? { uid, name: 'Tempo', type: 'tempo' } : undefined),
    } as unknown as ReturnType<typeof getDataSourceSrv>);
    jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [logsFrame()] }));
    const ds = makeDataSource({}, { traceLinkTarget: 'datasource', tracesDatasourceUid: 'tempo' });
    const response = await lastValueFrom(
      ds.query({ targets: [{ refId: 'A', expr: '{source="application"}' }] } as DataQueryRequest<KamiwazaLogsQuery>)
    );
    const link = response.data[0].fields.find((field: { name: string }) => field.name === 'trace_id').config.links[0];
    expect(link.internal).toEqual({
      datasourceUid: 'tempo',
      datasourceName: 'Tempo',
      query: { query: '${__value.raw}', queryType: 'traceql' },
    });
  });

  it('tails stream queries through Grafana Live and sends the rest to the backend', async () => {
    const getDataStream = jest.fn((_options: unknown) => of({ data: [], state: LoadingState.Streaming }));
    jest
      .mocked(getGrafanaLiveSrv)
      .mockReturnValue({ getDataStream } as unknown as ReturnType<typeof getGrafanaLiveSrv>);
    const backend = jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [] }));
    const ds = makeDataSource({ src: { value: 'audit' } });

    await lastValueFrom(
      ds.query({
        targets: [
          { refId: 'A', expr: '{source="$src"}', queryType: LogsQueryType.Stream },
          { refId: 'B', expr: 'rate({source="audit"}[1m])' },
        ],
        scopedVars: {},
        filters: [{ key: 'outcome', operator: '=', value: 'failure' }],
      } as unknown as DataQueryRequest<KamiwazaLogsQuery>)
    );

    expect(getDataStream).toHaveBeenCalledTimes(1);
    expect(getDataStream.mock.calls[0][0]).toMatchObject({
      addr: { stream: 'kamiwaza-logs', data: { expr: '{source="audit"} | outcome="failure"' } },
    });
    expect(backend.mock.calls[0][0].targets.map((query: KamiwazaLogsQuery) => query.refId)).toEqual(['B']);
  });

  it("tails every log query in Explore's live mode without calling the backend", async () => {
    const getDataStream = jest.fn((_options: unknown) => of({ data: [], state: LoadingState.Streaming }));
    jest
      .mocked(getGrafanaLiveSrv)
      .mockReturnValue({ getDataStream } as unknown as ReturnType<typeof getGrafanaLiveSrv>);
    const backend = jest.spyOn(DataSourceWithBackend.prototype, 'query');

    await lastValueFrom(
      makeDataSource().query({
        liveStreaming: true,
        targets: [
          { refId: 'A', expr: '{source="application"}' },
          { refId: 'B', expr: '', hide: false },
        ],
      } as unknown as DataQueryRequest<KamiwazaLogsQuery>)
    );

    expect(getDataStream).toHaveBeenCalledTimes(1);
    expect(backend).not.toHaveBeenCalled();
  });
});

describe('DataSource supplementary queries', () => {
  it('gives Explore a log volume request for log queries and a sample request for metric queries', () => {
    const ds = makeDataSource();
    const request = {
      targets: [
        { refId: 'A', expr: '{source="audit"}' },
        { refId: 'B', expr: 'sum(rate({source="access"} | DownstreamStatus=~"5.." [5m]))' },
      ],
    } as DataQueryRequest<KamiwazaLogsQuery>;
    expect(ds.getSupportedSupplementaryQueryTypes()).toEqual([
      SupplementaryQueryType.LogsVolume,
      SupplementaryQueryType.LogsSample,
    ]);
    expect(ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, request)?.targets).toEqual([
      expect.objectContaining({
        refId: 'log-volume-A',
        expr: 'sum by (detected_level) (count_over_time({source="audit"} | drop __error__ [$__auto]))',
      }),
    ]);
    expect(ds.getSupplementaryRequest(SupplementaryQueryType.LogsSample, request)?.targets).toEqual([
      expect.objectContaining({ refId: 'log-sample-B', expr: '{source="access"} | DownstreamStatus=~"5.."' }),
    ]);
  });
});

describe('DataSource log context', () => {
  const row = {
    rowIndex: 0,
    rowId: 'app:120',
    labels: { source: 'application', filename: '/logs/application.jsonl' },
    dataFrame: createDataFrame({ refId: 'A', fields: [] }),
  } as unknown as LogRowModel;

  it('reads context through the resource, and the UI switch adds the query pipeline', async () => {
    const ds = makeDataSource({ lvl: { value: 'ERROR' } });
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockResolvedValue({ file: 'application.jsonl', before: [], after: [] });
    const query = { refId: 'A', expr: '{source="application"} | json | level="$lvl"' };
    const runContextQuery = jest.fn();

    render(<>{ds.getLogRowContextUi(row, runContextQuery, query)}</>);
    expect(screen.getByText('Lines before and after this row in the same log file.')).toBeInTheDocument();
    await ds.getLogRowContext(row, { limit: 10, direction: LogRowContextQueryDirection.Backward }, query);
    expect(getResource).toHaveBeenLastCalledWith('context', { id: 'app:120', before: 10, after: 0 });

    act(() => fireEvent.click(screen.getByLabelText("Apply the query's parsers and filters")));
    expect(runContextQuery).toHaveBeenCalled();
    await ds.getLogRowContext(row, { limit: 10, direction: LogRowContextQueryDirection.Forward }, query);
    expect(getResource).toHaveBeenLastCalledWith('context', {
      id: 'app:120',
      before: 0,
      after: 10,
      query: '{source="application"} | json | level="ERROR"',
    });
    await expect(ds.getLogRowContextQuery(row, { limit: 10 }, query)).resolves.toMatchObject({
      expr: '{filename="/logs/application.jsonl"} | json | level="ERROR"',
    });
  });
});

describe('DataSource variables and annotations', () => {
  it('answers the variable editor query through the variable support', async () => {
    const ds = makeDataSource({ src: { value: 'audit' } });
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue({ status: 'success', data: ['alice'] });
    const support = ds.variables as unknown as { query: (r: unknown) => ReturnType<DataSource['query']> };

    const response = await firstValueFrom(
      support.query({
        targets: [{ refId: 'V', type: VariableQueryType.LabelValues, label: 'actor', stream: '{source="$src"}' }],
        range: RANGE,
        scopedVars: {},
      })
    );

    expect(response.data).toEqual([{ text: 'alice', value: 'alice' }]);
    expect(getResource).toHaveBeenCalledWith('label/actor/values', {
      start: '1763596800000000000',
      end: '1763600400000000000',
      query: '{source="audit"}',
    });
  });

  it('reads label_values(<selector>, <label>) as Loki spells it', async () => {
    const ds = makeDataSource();
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue({ status: 'success', data: ['login'] });
    await ds.metricFindQuery('label_values({source="audit"}, event_type)');
    expect(getResource).toHaveBeenCalledWith('label/event_type/values', { query: '{source="audit"}' });
  });

  it('turns annotation query results into events with mapped title and tags', async () => {
    const ds = makeDataSource();
    const frame = createDataFrame({
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [1_763_596_800_000] },
        { name: 'body', type: FieldType.string, values: ['ERROR kamiwaza.api boom'] },
        { name: 'labels', type: FieldType.other, values: [{ source: 'application', service_name: 'kamiwaza.api' }] },
      ],
    });
    const annotation = {
      name: 'Errors',
      enable: true,
      iconColor: 'red',
      target: {
        refId: 'Anno',
        expr: '{source="application"} | level="ERROR"',
        titleFormat: 'Error in {{service_name}}',
      },
    };
    const events = await firstValueFrom(ds.annotations!.processEvents!(annotation, [frame]));
    expect(events).toEqual([
      {
        time: 1_763_596_800_000,
        title: 'Error in kamiwaza.api',
        text: 'ERROR kamiwaza.api boom',
        tags: ['application', 'kamiwaza.api'],
      },
    ]);
    expect(ds.annotations!.QueryEditor).toBeDefined();
  });
});
