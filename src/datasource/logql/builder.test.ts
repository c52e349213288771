import { builderToLogQL, EMPTY_BUILDER_QUERY, type BuilderQuery } from './builder';
import { logqlToBuilder } from './builderParse';

/** Queries the builder shows, each with its canonical text (worked out by hand from the rules in builder.ts). */
const REPRESENTABLE: Array<[input: string, canonical: string]> = [
  ['{source="application"}', '{source="application"}'],
  ['{ source = "application" }', '{source="application"}'],
  ['{source=~".+"}', '{source=~".+"}'],
  ['{service_name="kamiwaza.serving"}', '{service_name="kamiwaza.serving"}'],
  ['{source="application", service_name="kamiwaza.serving"}', '{source="application", service_name="kamiwaza.serving"}'],
  ['{service_name="kamiwaza.serving", source="application"}', '{source="application", service_name="kamiwaza.serving"}'],
  ['{source=~"audit|access"}', '{source=~"audit|access"}'],
  ['{source=~".+", service_name=~"kamiwaza\\\\.serving|traefik"}', '{service_name=~"kamiwaza\\\\.serving|traefik"}'],
  ['{source="application"} |= "timeout"', '{source="application"} |= "timeout"'],
  ['{source="application"} |= `time"out` != "retry"', '{source="application"} |= "time\\"out" != "retry"'],
  ['{source="application"} |~ "time(out)?" !~ `(?i)debug`', '{source="application"} |~ "time(out)?" !~ "(?i)debug"'],
  ['{source="application"} | detected_level="error"', '{source="application"} | detected_level="error"'],
  ['{source="application"} | detected_level=~"error|warn"', '{source="application"} | detected_level=~"error|warn"'],
  ['{source="application"} | level="ERROR"', '{source="application"} | level="ERROR"'],
  [
    '{source=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"',
    '{source=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"',
  ],
  // Filters before the parser commute: the canonical order is line, level, trace id.
  [
    '{source="application"} | trace_id="abc" |= "x" | detected_level="info"',
    '{source="application"} |= "x" | detected_level="info" | trace_id="abc"',
  ],
  ['{source="audit"} | json', '{source="audit"} | json'],
  ['{source="kamiwazad"} | logfmt | caller="x.go"', '{source="kamiwazad"} | logfmt | caller="x.go"'],
  ['{source="audit"} | json | actor="admin", outcome!="success"', '{source="audit"} | json | actor="admin" | outcome!="success"'],
  ['{source="audit"} | json | actor="admin" and outcome=~"fail.*"', '{source="audit"} | json | actor="admin" | outcome=~"fail.*"'],
  ['{source="access"} | DownstreamStatus >= 500', '{source="access"} | DownstreamStatus>=500'],
  ['{source="access"} | json | Duration > 1.5s | size<10KB', '{source="access"} | json | Duration>1.5s | size<10KB'],
  // A level filter after the parser stays a label filter after it.
  ['{source="audit"} | json | detected_level="error"', '{source="audit"} | json | detected_level="error"'],
  ['count_over_time({source="audit"}[5m])', 'count_over_time({source="audit"}[5m])'],
  ['count_over_time({source="audit"} [5m])', 'count_over_time({source="audit"}[5m])'],
  ['rate({source="application"} |= "error" [$__auto])', 'rate({source="application"} |= "error" [$__auto])'],
  ['bytes_over_time({source="access"}[$__interval])', 'bytes_over_time({source="access"}[$__interval])'],
  [
    'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [5m]))',
    'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [5m]))',
  ],
  [
    'sum(count_over_time({source="application"}[1m])) by (service_name, detected_level)',
    'sum by (service_name, detected_level) (count_over_time({source="application"}[1m]))',
  ],
  ['sum(rate({source="audit"}[1h]))', 'sum(rate({source="audit"}[1h]))'],
  [
    'sum by (RouterName) (sum_over_time({source="access"} | json | unwrap Duration [5m]))',
    'sum by (RouterName) (sum_over_time({source="access"} | json | unwrap Duration [5m]))',
  ],
  ['sum_over_time({source="access"} | unwrap DownstreamContentSize[1m])', 'sum_over_time({source="access"} | unwrap DownstreamContentSize [1m])'],
  ['', '{source=~".+"}'],
];

/** Queries the builder cannot show, with the reason the UI gives. */
const NOT_REPRESENTABLE: Array<[input: string, reason: string]> = [
  ['count_over_time({source="audit"}[5m]) / 2', 'binary operations are not shown in the builder'],
  ['avg(rate({source="audit"}[5m]))', 'the avg aggregation is not shown in the builder (only sum)'],
  ['topk(5, rate({source="audit"}[5m]))', 'the topk aggregation is not shown in the builder (only sum)'],
  ['quantile_over_time(0.9, {source="access"} | unwrap Duration [5m])', 'quantile_over_time is not shown in the builder'],
  ['sum without (filename) (rate({source="audit"}[5m]))', '"without" grouping is not shown in the builder'],
  ['{filename="/var/log/a.log"}', 'the stream label filename is not shown in the builder (only source and service_name)'],
  ['{source=~"app.*"}', 'source=~"app.*" is not shown in the builder'],
  ['{source!="audit"}', 'source!="audit" is not shown in the builder'],
  ['{source="audit"} | pattern "<ip> <_>"', 'the pattern parser is not shown in the builder'],
  ['{source="audit"} | json actor="user.name"', 'the json parser with parameters is not shown in the builder'],
  ['{source="audit"} | json | logfmt', 'two parsers are not shown in the builder'],
  ['{source="audit"} | line_format "{{.actor}}"', 'the line_format stage is not shown in the builder'],
  ['{source="audit"} | json | drop actor', 'the drop stage is not shown in the builder'],
  ['{source="audit"} |= "a" or "b"', 'line filters joined with "or" are not shown in the builder'],
  ['{source="audit"} |> "<_> error"', 'the |> line filter is not shown in the builder'],
  ['{source="audit"} | actor="a" or actor="b"', 'label filters joined with "or" are not shown in the builder'],
  ['{source="audit"} | actor="a" | json', 'label filters before the parser are not shown in the builder'],
  ['{source="audit"} | json | status == 200', 'the label filter status == 200 is not shown in the builder'],
  ['count_over_time({source="audit"} | json | unwrap x [5m])', 'unwrap with count_over_time is not shown in the builder'],
  ['sum_over_time({source="access"} | unwrap duration(Duration) [5m])', 'unwrap with a conversion or filters is not shown in the builder'],
  ['count_over_time({source="audit"}[5m] offset 1h)', 'offset is not shown in the builder'],
  ['{source="audit"} # the audit trail', 'comments are not shown in the builder'],
  ['{source="audit"', 'the query has a syntax error'],
];

describe('builder ⇄ LogQL', () => {
  it.each(REPRESENTABLE)('%s', (input, canonical) => {
    const parsed = logqlToBuilder(input);
    expect(parsed.reason).toBeUndefined();
    expect(builderToLogQL(parsed.query!)).toBe(canonical);
    // The canonical text is a fixed point.
    expect(builderToLogQL(logqlToBuilder(canonical).query!)).toBe(canonical);
  });

  it.each(NOT_REPRESENTABLE)('refuses %s', (input, reason) => {
    expect(logqlToBuilder(input)).toEqual({ reason });
  });

  it('reads the builder fields', () => {
    const parsed = logqlToBuilder(
      'sum by (actor) (count_over_time({source="audit", service_name="kamiwaza.auth"} |= "login" | detected_level=~"error|warn" | trace_id="t1" | json | outcome="failure" [$__auto]))'
    );
    expect(parsed.query).toEqual<BuilderQuery>({
      sources: ['audit'],
      services: ['kamiwaza.auth'],
      lineFilters: [{ op: '|=', text: 'login' }],
      levels: ['error', 'warn'],
      traceId: 't1',
      parser: 'json',
      labelFilters: [{ label: 'outcome', op: '=', value: 'failure' }],
      metric: { fn: 'count_over_time', range: '$__auto', sumBy: ['actor'] },
    });
  });

  it('writes regex alternatives escaped and a selector that matches every source when none is chosen', () => {
    expect(builderToLogQL({ ...EMPTY_BUILDER_QUERY, services: ['kamiwaza.serving', 'a+b'] })).toBe(
      '{service_name=~"kamiwaza\\\\.serving|a\\\\+b"}'
    );
    expect(builderToLogQL({ ...EMPTY_BUILDER_QUERY, lineFilters: [{ op: '!=', text: 'say "hi" \\o/' }] })).toBe(
      '{source=~".+"} != "say \\"hi\\" \\\\o/"'
    );
  });
});
