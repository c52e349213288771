import type { AnnotationQuery } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { KamiwazaLogsQuery } from '../../../shared/query';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

const annotation: AnnotationQuery<KamiwazaLogsQuery> = {
  name: 'Failed audit events',
  enable: true,
  iconColor: 'red',
  target: { refId: 'Anno', expr: '{source="audit"}' },
};

function renderEditor() {
  const onAnnotationChange = jest.fn();
  render(
    <AnnotationQueryEditor
      datasource={{}}
      query={annotation.target!}
      onChange={jest.fn()}
      onRunQuery={jest.fn()}
      annotation={annotation}
      onAnnotationChange={onAnnotationChange}
    />
  );
  return onAnnotationChange;
}

describe('AnnotationQueryEditor', () => {
  it('commits the log query on blur', () => {
    const onAnnotationChange = renderEditor();
    const expr = screen.getByLabelText(/^Log query/);
    expect(expr).toHaveValue('{source="audit"}');

    fireEvent.change(expr, { target: { value: '{source="audit"} | outcome="failure"' } });
    expect(onAnnotationChange).not.toHaveBeenCalled();
    fireEvent.blur(expr);

    expect(onAnnotationChange).toHaveBeenLastCalledWith({
      ...annotation,
      target: { refId: 'Anno', expr: '{source="audit"} | outcome="failure"' },
    });
  });

  it('maps title, text, tags and the line limit into the target', () => {
    const onAnnotationChange = renderEditor();

    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'Failed {{event_type}}' } });
    expect(onAnnotationChange.mock.lastCall[0].target.titleFormat).toBe('Failed {{event_type}}');
    fireEvent.change(screen.getByLabelText(/^Text/), { target: { value: '{{actor}}' } });
    expect(onAnnotationChange.mock.lastCall[0].target.textFormat).toBe('{{actor}}');
    fireEvent.change(screen.getByLabelText(/^Tags/), { target: { value: 'actor, outcome' } });
    expect(onAnnotationChange.mock.lastCall[0].target.tagKeys).toBe('actor, outcome');
    fireEvent.change(screen.getByLabelText(/^Maximum lines/), { target: { value: '200' } });
    expect(onAnnotationChange.mock.lastCall[0].target.maxLines).toBe(200);
  });
});
