import { createDataFrame, FieldType } from '@grafana/data';

import { traceLink, withTraceLinks } from './traceLinks';

const TEMPO = { uid: 'tempo-1', name: 'Tempo', type: 'tempo' };
const JAEGER = { uid: 'jaeger-1', name: 'Jaeger', type: 'jaeger' };
const lookup = (uid: string) => [TEMPO, JAEGER].find((ds) => ds.uid === uid);

describe('traceLink', () => {
  it('defaults to the trace drill-down dashboard with the trace id variable and the time range', () => {
    expect(traceLink({}, lookup)).toEqual({
      title: 'Trace drill-down',
      url: '/d/kamiwaza-trace-drilldown?var-trace_id=${__value.raw}&${__url_time_range}',
    });
  });

  it('links a Tempo data source with a TraceQL trace id query', () => {
    expect(traceLink({ traceLinkTarget: 'datasource', tracesDatasourceUid: 'tempo-1' }, lookup)).toEqual({
      title: 'View trace in Tempo',
      url: '',
      internal: {
        datasourceUid: 'tempo-1',
        datasourceName: 'Tempo',
        query: { query: '${__value.raw}', queryType: 'traceql' },
      },
    });
  });

  it('links Jaeger with the trace id as its query, also for settings saved with only the uid', () => {
    expect(traceLink({ tracesDatasourceUid: 'jaeger-1' }, lookup)?.internal).toEqual({
      datasourceUid: 'jaeger-1',
      datasourceName: 'Jaeger',
      query: { query: '${__value.raw}' },
    });
  });

  it('has no link when off or when the data source is gone', () => {
    expect(traceLink({ traceLinkTarget: 'none', tracesDatasourceUid: 'tempo-1' }, lookup)).toBeUndefined();
    expect(traceLink({ traceLinkTarget: 'datasource', tracesDatasourceUid: 'deleted' }, lookup)).toBeUndefined();
  });
});

describe('withTraceLinks', () => {
  const link = { title: 'Trace drill-down', url: '/d/x' };
  const logsFrame = () =>
    createDataFrame({
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [3, 2, 1] },
        { name: 'body', type: FieldType.string, values: ['a', 'b', 'c'] },
        {
          name: 'labels',
          type: FieldType.other,
          values: [{ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, { source: 'kamiwazad' }, { trace_id: '' }],
        },
        { name: 'traceID', type: FieldType.string, values: [null, null, null] },
      ],
    });

  it('adds a linked trace_id field with the ids rows carry, replacing the backend traceID field', () => {
    const result = withTraceLinks(logsFrame(), link);
    expect(result.fields.map((field) => field.name)).toEqual(['timestamp', 'body', 'labels', 'trace_id']);
    const traceField = result.fields[3];
    expect(traceField.values).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', null, null]);
    expect(traceField.config.links).toEqual([link]);
  });

  it('adds nothing when no row has a trace id, or links are off', () => {
    const frame = logsFrame();
    frame.fields[2].values = [{}, {}, {}];
    expect(withTraceLinks(frame, link).fields.map((field) => field.name)).toEqual(['timestamp', 'body', 'labels']);
    expect(withTraceLinks(logsFrame(), undefined).fields.map((field) => field.name)).toEqual([
      'timestamp',
      'body',
      'labels',
    ]);
  });

  it('leaves frames without labels (metric series) untouched', () => {
    const series = createDataFrame({ fields: [{ name: 'Value', type: FieldType.number, values: [1] }] });
    expect(withTraceLinks(series, link)).toBe(series);
  });
});
