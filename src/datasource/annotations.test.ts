import { createDataFrame, FieldType } from '@grafana/data';

import { annotationEvents, prepareAnnotation, prepareAnnotationQuery } from './annotations';

const auditFrame = createDataFrame({
  refId: 'Anno',
  fields: [
    { name: 'timestamp', type: FieldType.time, values: [1_763_596_800_000, 1_763_596_860_000] },
    {
      name: 'body',
      type: FieldType.string,
      values: ['{"event_type":"login","outcome":"failure"}', '{"event_type":"model.delete","outcome":"failure"}'],
    },
    {
      name: 'labels',
      type: FieldType.other,
      values: [
        { source: 'audit', service_name: 'kamiwaza.audit', event_type: 'login', actor: 'alice', outcome: 'failure' },
        { source: 'audit', service_name: 'kamiwaza.audit', event_type: 'model.delete', actor: ' ', outcome: 'failure' },
      ],
    },
  ],
});

describe('annotationEvents', () => {
  it('maps title, text and tags from the line labels', () => {
    const target = {
      refId: 'Anno',
      expr: '{source="audit"} | outcome="failure"',
      titleFormat: 'Failed {{event_type}}',
      textFormat: '{{event_type}} by {{actor}}',
      tagKeys: 'outcome, actor, event_type',
    };
    expect(annotationEvents(target, [auditFrame])).toEqual([
      {
        time: 1_763_596_800_000,
        title: 'Failed login',
        text: 'login by alice',
        tags: ['failure', 'alice', 'login'],
      },
      {
        time: 1_763_596_860_000,
        title: 'Failed model.delete',
        text: 'model.delete by  ',
        tags: ['failure', 'model.delete'],
      },
    ]);
  });

  it('defaults to the log line as text, no title, and the stream labels as tags', () => {
    const [event] = annotationEvents({ refId: 'Anno', expr: '{source="audit"}' }, [auditFrame]);
    expect(event).toEqual({
      time: 1_763_596_800_000,
      title: undefined,
      text: '{"event_type":"login","outcome":"failure"}',
      tags: ['audit', 'kamiwaza.audit'],
    });
  });

  it('gives no events for frames without lines (metric results)', () => {
    const series = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, values: [3] },
      ],
    });
    expect(annotationEvents({ refId: 'Anno', expr: 'x' }, [series])).toEqual([]);
  });
});

describe('annotation model', () => {
  it("moves Loki's annotation-level fields into the target", () => {
    const legacy = {
      name: 'Errors',
      enable: true,
      iconColor: 'red',
      expr: '{source="application"} | level="ERROR"',
      titleFormat: '{{service_name}}',
      tagKeys: 'service_name',
    };
    expect(prepareAnnotation(legacy).target).toEqual({
      refId: 'Anno',
      expr: '{source="application"} | level="ERROR"',
      titleFormat: '{{service_name}}',
      tagKeys: 'service_name',
    });
  });

  it('leaves an annotation with a target alone', () => {
    const current = { name: 'x', enable: true, iconColor: 'red', target: { refId: 'A', expr: '{source="audit"}' } };
    expect(prepareAnnotation(current)).toBe(current);
  });

  it('runs a range query, and nothing while the expression is empty', () => {
    const base = { name: 'x', enable: true, iconColor: 'red' };
    expect(prepareAnnotationQuery({ ...base, target: { refId: '', expr: '{source="audit"}' } })).toEqual({
      refId: 'Anno',
      expr: '{source="audit"}',
      queryType: 'range',
    });
    expect(prepareAnnotationQuery({ ...base, target: { refId: 'A', expr: ' ' } })).toBeUndefined();
  });
});
