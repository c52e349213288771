import { SupplementaryQueryType, type DataQueryRequest } from '@grafana/data';

import { LogsQueryType, type KamiwazaLogsQuery } from '../shared/query';
import { supplementaryQuery, supplementaryRequest } from './supplementaryQueries';

const volume = { type: SupplementaryQueryType.LogsVolume } as const;
const sample = { type: SupplementaryQueryType.LogsSample } as const;

describe('log volume query', () => {
  it('counts a log query per detected_level over the auto step, under a refId Explore maps back', () => {
    const query: KamiwazaLogsQuery = {
      refId: 'A',
      expr: '{source="application"} |= "timeout" | json',
      maxLines: 50,
      legendFormat: '{{x}}',
    };
    expect(supplementaryQuery(volume, query)).toEqual({
      refId: 'log-volume-A',
      expr: 'sum by (detected_level) (count_over_time({source="application"} |= "timeout" | json | drop __error__ [$__auto]))',
      queryType: LogsQueryType.Range,
      legendFormat: '{{detected_level}}',
      step: undefined,
      maxLines: undefined,
    });
  });

  it('groups by the field Explore asks for', () => {
    expect(
      supplementaryQuery({ ...volume, field: 'service_name' }, { refId: 'B', expr: '{source="audit"}' })?.expr
    ).toBe('sum by (service_name) (count_over_time({source="audit"} | drop __error__ [$__auto]))');
  });

  it('has none for metric, instant, stream, hidden and empty queries', () => {
    const cases: KamiwazaLogsQuery[] = [
      { refId: 'A', expr: 'rate({source="audit"}[1m])' },
      { refId: 'A', expr: '{source="audit"}', queryType: LogsQueryType.Instant },
      { refId: 'A', expr: '{source="audit"}', queryType: LogsQueryType.Stream },
      { refId: 'A', expr: '{source="audit"}', hide: true },
      { refId: 'A', expr: '  ' },
    ];
    for (const query of cases) {
      expect(supplementaryQuery(volume, query)).toBeUndefined();
    }
  });
});

describe('logs sample query', () => {
  it('runs the log query inside a metric query, 100 lines by default', () => {
    const query: KamiwazaLogsQuery = {
      refId: 'A',
      expr: 'sum by (service_name) (rate({source="application"} | level="ERROR" [5m]))',
      queryType: LogsQueryType.Instant,
      legendFormat: '{{service_name}}',
    };
    expect(supplementaryQuery(sample, query)).toMatchObject({
      refId: 'log-sample-A',
      expr: '{source="application"} | level="ERROR"',
      queryType: LogsQueryType.Range,
      maxLines: 100,
      legendFormat: undefined,
    });
    expect(supplementaryQuery({ ...sample, limit: 20 }, query)?.maxLines).toBe(20);
  });

  it('has none for a log query', () => {
    expect(supplementaryQuery(sample, { refId: 'A', expr: '{source="audit"}' })).toBeUndefined();
  });
});

describe('supplementary request', () => {
  const request = {
    requestId: 'explore_left',
    targets: [
      { refId: 'A', expr: '{source="audit"}' },
      { refId: 'B', expr: 'rate({source="audit"}[1m])' },
    ],
  } as DataQueryRequest<KamiwazaLogsQuery>;

  it('keeps the request and only the queries that have one', () => {
    const volumeRequest = supplementaryRequest(SupplementaryQueryType.LogsVolume, request);
    expect(volumeRequest?.requestId).toBe('explore_left');
    expect(volumeRequest?.targets.map((query) => query.refId)).toEqual(['log-volume-A']);
    expect(supplementaryRequest(SupplementaryQueryType.LogsSample, request)?.targets.map((q) => q.refId)).toEqual([
      'log-sample-B',
    ]);
  });

  it('is undefined when no query has one', () => {
    expect(
      supplementaryRequest(SupplementaryQueryType.LogsSample, { ...request, targets: [request.targets[0]] })
    ).toBeUndefined();
  });
});
