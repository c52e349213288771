import { interpolate, referencedVariables, type InterpolationContext } from './interpolate';

const ctx = (variables: InterpolationContext['variables']): InterpolationContext => ({
  variables,
  rangeMs: 2 * 86_400_000,
  intervalMs: 60_000,
});

describe('interpolate (as Grafana substitutes dashboard variables)', () => {
  it('inserts a single value as typed, in every syntax', () => {
    const c = ctx({ trace_id: { value: '4bf92f3577b34da6a3ce929d0e0e4736' } });
    expect(interpolate('|= "$trace_id" ${trace_id} [[trace_id]]', c)).toBe(
      '|= "4bf92f3577b34da6a3ce929d0e0e4736" 4bf92f3577b34da6a3ce929d0e0e4736 4bf92f3577b34da6a3ce929d0e0e4736'
    );
  });

  it('escapes multi-value selections for a LogQL regex matcher, backslashes doubled inside the string', () => {
    const c = ctx({ service: { value: ['kamiwaza.api', 'serving'], multi: true, includeAll: true, allValue: '.+' } });
    expect(interpolate('service_name=~"$service"', c)).toBe('service_name=~"kamiwaza\\\\.api|serving"');
  });

  it('uses the custom all value as written when All is selected', () => {
    const c = ctx({ service: { value: ['$__all'], multi: true, includeAll: true, allValue: '.+', all: true } });
    expect(interpolate('service_name=~"$service" ${service:regex}', c)).toBe('service_name=~".+" .+');
  });

  it('applies the regex format with single backslashes and a group for several values', () => {
    const c = ctx({ service: { value: ['a.b', 'c'], multi: true } });
    expect(interpolate('${service:regex}', c)).toBe('(a\\.b|c)');
  });

  it('replaces the range and interval built-ins and leaves $__auto to the data source', () => {
    const c = ctx({});
    expect(interpolate('[$__range] [$__interval] $__range_s $__interval_ms [$__auto]', c)).toBe(
      '[2d] [1m] 172800 60000 [$__auto]'
    );
  });

  it('leaves unknown variables alone and lists the referenced ones', () => {
    expect(interpolate('$nope ${also:raw}', ctx({}))).toBe('$nope ${also:raw}');
    expect(referencedVariables('x=~"$service" ${level:regex} [[actor]] [$__range] $__auto').sort()).toEqual([
      'actor',
      'level',
      'service',
    ]);
  });
});
