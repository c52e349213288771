import { adHocFilterSpec, applyAdHocFilters, streamSelectorOf } from './adHocFilters';

describe('applyAdHocFilters', () => {
  it('puts stream labels into the selector and fields after the parsers, for every operator', () => {
    const expr = '{source="application"} | json | line_format "{{.msg}}"';
    const filters = [
      { key: 'service_name', operator: '=', value: 'kamiwaza.api' },
      { key: 'filename', operator: '!=', value: '/var/log/old.jsonl' },
      { key: 'level', operator: '=~', value: 'ERROR|WARNING' },
      { key: 'trace_id', operator: '!~', value: '' },
    ];
    expect(applyAdHocFilters(expr, filters)).toBe(
      '{source="application", service_name="kamiwaza.api", filename!="/var/log/old.jsonl"} | json' +
        ' | level=~"ERROR|WARNING" | trace_id!~"" | line_format "{{.msg}}"'
    );
  });

  it('filters every log expression of a metric query', () => {
    expect(
      applyAdHocFilters('sum(rate({source="a"}[1m])) / sum(rate({source="b"}[1m]))', [
        { key: 'outcome', operator: '=', value: 'failure' },
      ])
    ).toBe('sum(rate({source="a"} | outcome="failure"[1m])) / sum(rate({source="b"} | outcome="failure"[1m]))');
  });

  it('keeps a regex value as the regex, escaping only for the string', () => {
    expect(applyAdHocFilters('{source="audit"}', [{ key: 'actor', operator: '=~', value: 'svc-\\d+' }])).toBe(
      '{source="audit"} | actor=~"svc-\\\\d+"'
    );
  });

  it('turns a multi-value filter into one escaped regex', () => {
    expect(
      applyAdHocFilters('{source="application"}', [
        { key: 'service_name', operator: '=|', value: '', values: ['kamiwaza.api', 'serving'] },
      ])
    ).toBe('{source="application", service_name=~"kamiwaza\\\\.api|serving"}');
  });

  it('skips operators LogQL has no label form for, and empty keys', () => {
    expect(adHocFilterSpec({ key: 'Duration', operator: '>', value: '5' })).toBeUndefined();
    expect(adHocFilterSpec({ key: '', operator: '=', value: 'x' })).toBeUndefined();
    expect(applyAdHocFilters('{source="a"}', [{ key: 'Duration', operator: '<', value: '5' }])).toBe('{source="a"}');
    expect(applyAdHocFilters('{source="a"}', undefined)).toBe('{source="a"}');
  });
});

describe('streamSelectorOf', () => {
  it('builds a selector from the stream-label filters only', () => {
    expect(
      streamSelectorOf([
        { key: 'source', operator: '=', value: 'audit' },
        { key: 'outcome', operator: '=', value: 'failure' },
        { key: 'service_name', operator: '!~', value: 'x.*' },
      ])
    ).toBe('{source="audit", service_name!~"x.*"}');
    expect(streamSelectorOf([{ key: 'outcome', operator: '=', value: 'failure' }])).toBeUndefined();
  });
});
