import type { MetricExpr, RangeAggregationExpr } from '../logql/ast';
import { parseLogQL } from '../logql/parser';
import { columnLabelsRead, edgeBuckets, MAX_EDGE_BUCKETS, planRange } from './planner';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 20);
const hourly = Array.from({ length: 24 }, (_, i) => T - i * HOUR).reverse();

/** The range aggregation and its `by` labels (own, or pushed down from `sum by`). */
function rangeOf(query: string): { expr: RangeAggregationExpr; by?: string[] } {
  const expr = parseLogQL(query) as MetricExpr;
  if (expr.kind === 'range') {
    return { expr, by: expr.grouping?.mode === 'by' ? expr.grouping.labels : undefined };
  }
  if (expr.kind === 'vector' && expr.inner.kind === 'range') {
    return { expr: expr.inner, by: expr.grouping?.labels ?? [] };
  }
  throw new Error(`not a range aggregation: ${query}`);
}

function plan(query: string, steps = hourly) {
  const { expr, by } = rangeOf(query);
  return planRange(expr, steps, by);
}

describe('planRange', () => {
  it.each([
    'sum by (detected_level) (count_over_time({source=~".+"} [1h]))',
    'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [1h]))',
    'sum by (source, level) (bytes_over_time({source=~".+"} [1h]))',
    'sum (rate({service_name="kamiwaza.api"} | detected_level=~"error|warn" and level!="DEBUG" [1h]))',
  ])('answers %s from summaries with no split minute when windows are whole hours', (query) => {
    expect(plan(query)).toEqual({ plan: 'summaries', edgeBuckets: [], formatLabels: [] });
  });

  it.each([
    'sum (rate({source="access"} | DownstreamStatus=~"5.." [1h]))',
    'sum by (DownstreamStatus) (count_over_time({source="access"} [1h]))',
  ])("answers %s from the access logs' summaries (other files scanned)", (query) => {
    expect(plan(query)).toEqual({ plan: 'summaries', edgeBuckets: [], formatLabels: ['DownstreamStatus'] });
  });

  it.each([
    [
      'sum by (service_name) (count_over_time({source="application"} |= "timeout" [1h]))',
      'a lineFilter stage reads the line',
    ],
    ['sum by (service_name) (count_over_time({source="application"} | json [1h]))', 'a json stage reads the line'],
    ['sum by (model) (count_over_time({source="application"} [1h]))', 'model is not a summary label'],
    ['count_over_time({source="application"} [1h])', 'series without a by grouping keep every label'],
    [
      'sum by (service_name) (count_over_time({source="application"} | trace_id="x" [1h]))',
      'a label filter on trace_id',
    ],
    [
      'sum by (service_name) (count_over_time({source="application"} | duration_ms > 5 [1h]))',
      'a numeric label filter',
    ],
    [
      'sum (sum_over_time({source="application"} | json | unwrap duration_ms [1h]))',
      "sum_over_time with unwrap needs each line's value",
    ],
  ])('scans %s: %s', (query, reason) => {
    expect(plan(query)).toEqual({ plan: 'scan', reason });
  });

  it('scans the two minutes an instant query splits, and only those', () => {
    const at = T + 90_500; // 1 min 30.5 s past a minute
    expect(plan('sum by (detected_level) (count_over_time({source=~".+"} [1h]))', [at])).toEqual({
      plan: 'summaries',
      // The minute holding the window's end, and the one holding its start an hour earlier.
      edgeBuckets: [(T + 120_000 - HOUR) / 60_000, (T + 120_000) / 60_000],
      formatLabels: [],
    });
  });

  it('scans instead when too many minutes are split', () => {
    const steps = Array.from({ length: 100 }, (_, i) => T + i * 45_000);
    expect(edgeBuckets(steps, 45_000, 0).length).toBeGreaterThan(MAX_EDGE_BUCKETS);
    expect(plan('sum (count_over_time({source=~".+"} [45s]))', steps)).toEqual({
      plan: 'scan',
      reason: `more than ${MAX_EDGE_BUCKETS} window edges inside minutes`,
    });
  });
});

describe('columnLabelsRead', () => {
  const read = (query: string) => {
    const { expr, by } = rangeOf(query);
    return columnLabelsRead(expr, by)?.all.sort();
  };

  it('lists every label a query reads: selector, filters of every kind, unwrap and its filters, grouping', () => {
    expect(
      read(
        'quantile_over_time(0.95, {source="access"} | Duration!="" | RouterName="a" or Size > 2 | unwrap duration(Duration) | __error__="" [1h]) by (RequestPath)'
      )
    ).toEqual(['Duration', 'RequestPath', 'RouterName', 'Size', '__error__', '__error_details__', 'source'].sort());
    expect(read('sum by (ClientHost) (count_over_time({source="access", service_name=~".+"} [1h]))')).toEqual(
      ['ClientHost', '__error__', '__error_details__', 'service_name', 'source'].sort()
    );
  });

  it.each([
    ['a line filter reads the line', 'sum by (source) (count_over_time({source="access"} |= "GET" [1h]))'],
    ['a parser rewrites the labels', 'sum by (a) (count_over_time({source="access"} | logfmt [1h]))'],
    ['bytes ops sum the line', 'sum by (source) (bytes_over_time({source="access"} [1h]))'],
    ['without a by, series keep every label', 'count_over_time({source="access"} [1h])'],
    ['without keeps every other label', 'max_over_time({source="access"} | unwrap Duration [1h]) without (Duration)'],
  ])('reads more than labels when %s', (_, query) => {
    expect(read(query)).toBeUndefined();
  });
});

describe('columnLabelsRead, apart', () => {
  const parts = (query: string) => {
    const { expr, by } = rangeOf(query);
    const labels = columnLabelsRead(expr, by)!;
    return { selector: labels.selector.sort(), sample: labels.sample.sort(), series: labels.series.sort() };
  };

  it('lists the labels the selector, the sample and the series each depend on', () => {
    expect(
      parts(
        'quantile_over_time(0.95, {source="access", service_name=~".+"} | DownstreamStatus=~"5.." | unwrap Duration | __error__="" [1h]) by (RequestPath)'
      )
    ).toEqual({
      selector: ['service_name', 'source'],
      sample: ['Duration', 'DownstreamStatus', '__error__', '__error_details__'].sort(),
      series: ['RequestPath'],
    });
    // A filter on a grouping label: the sample depends on it too.
    expect(
      parts('sum by (RequestPath) (count_over_time({source="access"} | RequestPath!="/health" [1h]))').sample
    ).toEqual(['RequestPath', '__error__', '__error_details__'].sort());
  });
});
