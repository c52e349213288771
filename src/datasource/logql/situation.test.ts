import { situationAt, type Situation } from './situation';

/** `¦` marks the cursor. */
function at(textWithCursor: string): Situation {
  return situationAt(textWithCursor.replace('¦', ''), textWithCursor.indexOf('¦'));
}

describe('situationAt', () => {
  it.each<[string, Situation]>([
    ['¦', { kind: 'expression' }],
    ['cou¦', { kind: 'expression' }],
    ['sum(¦', { kind: 'expression' }],
    ['{¦', { kind: 'labelName', selector: '' }],
    ['{¦}', { kind: 'labelName', selector: '' }],
    ['{source="application", ¦}', { kind: 'labelName', selector: '{source="application"}' }],
    ['{source="application", serv¦}', { kind: 'labelName', selector: '{source="application"}' }],
    [
      '{source="application", service_name=¦}',
      { kind: 'labelValue', label: 'service_name', op: '=', inQuotes: false, selector: '{source="application"}' },
    ],
    [
      '{source="application", service_name=~"¦"}',
      { kind: 'labelValue', label: 'service_name', op: '=~', inQuotes: true, selector: '{source="application"}' },
    ],
    ['{source="app¦', { kind: 'labelValue', label: 'source', op: '=', inQuotes: true, selector: '' }],
    ['{source="audit"} ¦', { kind: 'afterLogExpr', logQuery: '{source="audit"}', inRangeFunction: false }],
    ['{source="audit"} |= "x" ¦', { kind: 'afterLogExpr', logQuery: '{source="audit"} |= "x"', inRangeFunction: false }],
    ['{source="audit"} |¦', { kind: 'pipe', logQuery: '{source="audit"}' }],
    ['{source="audit"} | json | ¦', { kind: 'pipe', logQuery: '{source="audit"} | json' }],
    ['{source="audit"} | json | act¦', { kind: 'pipe', logQuery: '{source="audit"} | json' }],
    [
      '{source="audit"} | json | actor="¦',
      { kind: 'fieldValue', field: 'actor', op: '=', inQuotes: true, logQuery: '{source="audit"} | json' },
    ],
    ['{source="audit"} | json | unwrap ¦', { kind: 'fieldName', logQuery: '{source="audit"} | json' }],
    ['{source="audit"} | keep actor, ¦', { kind: 'fieldName', logQuery: '{source="audit"}' }],
    ['count_over_time({source="audit"}[¦', { kind: 'range' }],
    ['count_over_time({source="audit"}[¦])', { kind: 'range' }],
    [
      'count_over_time({source="audit"} ¦',
      { kind: 'afterLogExpr', logQuery: '{source="audit"}', inRangeFunction: true },
    ],
    ['sum by (¦', { kind: 'grouping', logQuery: '' }],
    [
      'sum by (¦) (rate({source="audit"} | json [5m]))',
      { kind: 'grouping', logQuery: '{source="audit"} | json' },
    ],
    [
      'sum(count_over_time({source="audit"}[5m])) by (actor, ¦',
      { kind: 'grouping', logQuery: '{source="audit"}' },
    ],
    ['sum(count_over_time({source="audit"}[5m])) ¦', { kind: 'afterAggregation' }],
    ['sum ¦', { kind: 'afterAggregation' }],
    ['count_over_time({source="audit"}[$__auto]) ¦', { kind: 'none' }],
    ['{source="audit"} |= "¦', { kind: 'none' }],
  ])('%s', (text, expected) => {
    expect(at(text)).toEqual(expected);
  });
});
