import {
  CoreApp,
  dateTime,
  FieldType,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  toDataFrame,
} from '@grafana/data';
import { DataSourceWithBackend, type TemplateSrv } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';
import type { KamiwazaLogsSettings } from '../shared/settings';
import { DataSource, promoteExploreMeta } from './datasource';

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

function makeDataSource(variables: Record<string, FakeVariable> = {}) {
  return new DataSource(instanceSettings, fakeTemplateSrv(variables));
}

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
    await expect(makeDataSource().metricFindQuery('up{job="x"}')).rejects.toThrow(/label_names\(\), label_values\(<label>\) or label_values\(<selector>, <label>\)/);
  });

  it('treats a response without data as no labels', async () => {
    const ds = makeDataSource();
    jest.spyOn(ds, 'getResource').mockResolvedValue({});
    await expect(ds.labelValues('source')).resolves.toEqual([]);
  });
});
