import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { DataSource } from '../../datasource';
import { VariableQueryType, type KamiwazaVariableQuery } from '../../variables';
import { VariableQueryEditor } from './VariableQueryEditor';

// jsdom has no layout: Combobox measures text on a canvas and its virtualised menu renders only
// options that fit the measured height; its scroll shadows need an IntersectionObserver.
beforeAll(() => {
  jest.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(300);
  jest.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(300);
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockReturnValue({ measureText: (text: string) => ({ width: text.length * 8 }) } as unknown as RenderingContext);
  global.IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof IntersectionObserver;
});

async function renderEditor(query: KamiwazaVariableQuery | string) {
  const onChange = jest.fn();
  const labelNames = jest.fn().mockResolvedValue(['filename', 'service_name', 'source']);
  const datasource = { labelNames } as unknown as DataSource;
  await act(async () => {
    render(
      <VariableQueryEditor
        datasource={datasource}
        query={query as KamiwazaVariableQuery}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
  });
  return { onChange, labelNames };
}

async function chooseLabel(option: string) {
  const input = screen.getByLabelText('Label');
  await act(async () => {
    fireEvent.click(input);
  });
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

describe('VariableQueryEditor', () => {
  it('switches from label names to the values of a label picked from the stream labels', async () => {
    const { onChange, labelNames } = await renderEditor({ refId: 'V', type: VariableQueryType.LabelNames });
    expect(screen.getByText('label_names()')).toBeInTheDocument();
    expect(screen.queryByLabelText('Label')).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('radio', { name: 'Label values' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'V', type: VariableQueryType.LabelValues, label: '' });

    await chooseLabel('service_name');
    expect(labelNames).toHaveBeenCalled();
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'V',
      type: VariableQueryType.LabelValues,
      label: 'service_name',
    });
    expect(screen.getByText('label_values(service_name)')).toBeInTheDocument();
  });

  it('scopes the values by a stream selector, committed on blur', async () => {
    const { onChange } = await renderEditor({ refId: 'V', type: VariableQueryType.LabelValues, label: 'actor' });
    const input = screen.getByLabelText('Stream selector');

    fireEvent.change(input, { target: { value: ' {source="audit"} ' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(input);

    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'V',
      type: VariableQueryType.LabelValues,
      label: 'actor',
      stream: '{source="audit"}',
    });
    expect(screen.getByText('label_values({source="audit"}, actor)')).toBeInTheDocument();
  });

  it("opens a text query stored by Loki's editor in the same form", async () => {
    await renderEditor('label_values({source="audit"}, outcome)');
    expect(screen.getByRole('radio', { name: 'Label values' })).toBeChecked();
    expect(screen.getByLabelText('Label')).toHaveValue('outcome');
    expect(screen.getByLabelText('Stream selector')).toHaveValue('{source="audit"}');
  });
});
