import { formatVariableQuery, parseVariableQuery, toVariableQuery, VariableQueryType } from './variables';

describe('variable queries as Loki spells them', () => {
  it.each([
    ['label_names()', { type: VariableQueryType.LabelNames }],
    [' label_names( ) ', { type: VariableQueryType.LabelNames }],
    ['label_values(service_name)', { type: VariableQueryType.LabelValues, label: 'service_name' }],
    ['label_values($label)', { type: VariableQueryType.LabelValues, label: '$label' }],
    [
      'label_values({source="audit", service_name=~"kami.*"}, actor)',
      { type: VariableQueryType.LabelValues, label: 'actor', stream: '{source="audit", service_name=~"kami.*"}' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseVariableQuery(text)).toEqual({ refId: 'KamiwazaVariableQuery', ...expected });
  });

  it.each(['up', 'label_values()', 'label_values({a="b"}, )', 'label_names(source)'])('rejects %s', (text) => {
    expect(parseVariableQuery(text)).toBeUndefined();
  });

  it('writes back the same text', () => {
    for (const text of ['label_names()', 'label_values(source)', 'label_values({source="audit"}, actor)']) {
      expect(formatVariableQuery(parseVariableQuery(text)!)).toBe(text);
    }
  });

  it('accepts the object form as stored', () => {
    const query = { refId: 'A', type: VariableQueryType.LabelValues, label: 'source' };
    expect(toVariableQuery(query)).toBe(query);
    expect(toVariableQuery(undefined)).toBeUndefined();
  });

  it('reads text wrapped as {refId, query}', () => {
    expect(toVariableQuery({ query: 'label_values({source="audit"}, actor)' })).toEqual({
      refId: 'KamiwazaVariableQuery',
      type: VariableQueryType.LabelValues,
      label: 'actor',
      stream: '{source="audit"}',
    });
    expect(toVariableQuery({ query: 42 })).toBeUndefined();
  });
});
