import type { DetectedField } from '../../shared/resources';
import { completionsFor, replacedFrom, type CompletionData } from './completion';
import { situationAt } from './situation';

const FIELDS: DetectedField[] = [
  { label: 'actor', type: 'string', cardinality: 4, parsers: ['json'] },
  { label: 'detected_level', type: 'string', cardinality: 3, parsers: null },
];

/** Mocked resources: what the backend would answer for the sample logs. */
function mockData(): jest.Mocked<CompletionData> {
  return {
    labelNames: jest.fn(async (_selector: string) => ['filename', 'service_name', 'source']),
    labelValues: jest.fn(async (label: string, _selector: string) =>
      label === 'source' ? ['application', 'audit'] : label === 'actor' ? ['admin', 'o"brien'] : ['kamiwaza.serving']
    ),
    detectedFields: jest.fn(async (_logQuery: string) => FIELDS),
  };
}

async function complete(textWithCursor: string, data = mockData()) {
  const text = textWithCursor.replace('¦', '');
  const items = await completionsFor(situationAt(text, textWithCursor.indexOf('¦')), data);
  return { items, data, inserts: items.map((item) => item.insertText) };
}

describe('completion', () => {
  it('after `{`: label names of every stream', async () => {
    const { inserts, data } = await complete('{¦}');
    expect(inserts).toEqual(['filename=', 'service_name=', 'source=']);
    expect(data.labelNames).toHaveBeenCalledWith('');
  });

  it('after `label=`: its values, quoted, scoped by the selector typed so far', async () => {
    const { inserts, data } = await complete('{source="audit", service_name=¦}');
    expect(inserts).toEqual(['"kamiwaza.serving"']);
    expect(data.labelValues).toHaveBeenCalledWith('service_name', '{source="audit"}');
  });

  it('after `label=~"`: values regex-escaped, not quoted again', async () => {
    const { inserts } = await complete('{service_name=~"¦"}');
    // In the text: kamiwaza\\.serving (a Go string of the regex kamiwaza\.serving); snippets double each backslash.
    expect(inserts).toEqual([String.raw`kamiwaza\\\\.serving`]);
  });

  it('after `|`: parsers and stages, then the fields of the query so far as label filters', async () => {
    const { items, data } = await complete('{source="audit"} | json | ¦');
    const labels = items.map((item) => item.label);
    expect(labels.slice(0, 11)).toEqual([
      'json',
      'logfmt',
      'pattern',
      'regexp',
      'unpack',
      'line_format',
      'label_format',
      'drop',
      'keep',
      'decolorize',
      'unwrap',
    ]);
    expect(items.slice(11).map((item) => item.insertText)).toEqual(['actor=', 'detected_level=']);
    expect(items[11].detail).toBe('string, from json');
    expect(items[12].detail).toBe('string, structured metadata');
    expect(data.detectedFields).toHaveBeenCalledWith('{source="audit"} | json');
  });

  it('after a field filter: the field’s values, escaped for a string', async () => {
    const { inserts, data } = await complete('{source="audit"} | json | actor="¦"');
    // In the text: o\"brien; snippets double the backslash.
    expect(inserts).toEqual(['admin', String.raw`o\\"brien`]);
    expect(data.labelValues).toHaveBeenCalledWith('actor', '{source="audit"} | json');
  });

  it('after a selector and a space: line filters and stages', async () => {
    const { items } = await complete('{source="audit"} ¦');
    const labels = items.map((item) => item.label);
    expect(labels.slice(0, 4)).toEqual(['|= ""', '!= ""', '|~ ""', '!~ ""']);
    expect(items[0].insertText).toBe('|= "$0"');
    expect(labels).toContain('| json');
    expect(labels).not.toContain('[5m]');
  });

  it('after a selector inside a range function: ranges first', async () => {
    const { items } = await complete('rate({source="audit"} ¦');
    expect(items.slice(0, 3).map((item) => item.label)).toEqual(['[$__auto]', '[$__interval]', '[$__range]']);
  });

  it('inside `[`: durations and Grafana’s interval variables', async () => {
    const { inserts } = await complete('count_over_time({source="audit"}[¦])');
    expect(inserts).toEqual(['$__auto', '$__interval', '$__range', '1m', '5m', '10m', '1h', '1d']);
  });

  it('after `by (`: stream labels and fields of the aggregated query, once each', async () => {
    const { inserts, data } = await complete('sum by (¦) (count_over_time({source="audit"} | json [5m]))');
    expect(inserts).toEqual(['filename', 'service_name', 'source', 'actor', 'detected_level']);
    expect(data.labelNames).toHaveBeenCalledWith('{source="audit"}');
    expect(data.detectedFields).toHaveBeenCalledWith('{source="audit"} | json');
  });

  it('at the start: a selector and the functions', async () => {
    const { items } = await complete('¦');
    expect(items[0].insertText).toBe('{$0}');
    expect(items.map((item) => item.label)).toEqual(
      expect.arrayContaining(['count_over_time', 'rate', 'bytes_over_time', 'sum_over_time', 'sum', 'topk'])
    );
  });

  it('after an aggregation: by and without', async () => {
    const { inserts } = await complete('sum(count_over_time({source="audit"}[5m])) ¦');
    expect(inserts).toEqual(['by ($0)', 'without ($0)']);
  });

  it('offers nothing when a lookup fails to answer', async () => {
    const data = mockData();
    data.labelNames.mockResolvedValue([]);
    expect((await complete('{¦', data)).items).toEqual([]);
  });

  it('replaces the word being typed, or the partial value after a quote', () => {
    const text = '{source="aud';
    expect(replacedFrom(text, text.length, situationAt(text, text.length))).toBe(9);
    const typed = '{source="audit"} | json | act';
    expect(replacedFrom(typed, typed.length, situationAt(typed, typed.length))).toBe(typed.length - 3);
  });
});
