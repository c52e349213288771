import { createDataFrame, FieldType, LogRowContextQueryDirection, type LogRowModel } from '@grafana/data';

import type { LogContextResponse } from '../shared/resources';
import { LogContextProvider } from './logContext';

const FILE = '/var/log/kamiwaza/application.jsonl';

function row(overrides: Partial<LogRowModel> = {}): LogRowModel {
  const dataFrame = createDataFrame({
    refId: 'A',
    fields: [
      { name: 'timestamp', type: FieldType.time, values: [1_763_596_800_000] },
      { name: 'body', type: FieldType.string, values: ['{"level":"ERROR","msg":"boom"}'] },
      { name: 'id', type: FieldType.string, values: ['f1:4096'] },
    ],
  });
  return {
    dataFrame,
    rowIndex: 0,
    entryFieldIndex: 1,
    labels: { source: 'application', service_name: 'kamiwaza.api', filename: FILE, level: 'ERROR' },
    ...overrides,
  } as LogRowModel;
}

const RESPONSE: LogContextResponse = {
  file: 'application.jsonl',
  before: [
    { id: 'f1:3900', ts: 1_763_596_799_000, line: 'older', labels: { detected_level: 'info', source: 'application' } },
    { id: 'f1:4000', ts: 1_763_596_799_500, line: 'newer', labels: { level: 'WARNING' } },
  ],
  after: [{ id: 'f1:4200', ts: 1_763_596_801_000, line: 'next', labels: {} }],
};

function provider() {
  const getResource = jest.fn().mockResolvedValue(RESPONSE);
  const interpolate = jest.fn((expr: string) => expr.replace('$level', 'ERROR'));
  return { context: new LogContextProvider(getResource, interpolate), getResource };
}

describe('LogContextProvider.getLogRowContext', () => {
  it('asks for the lines before the row by its id and returns them newest first as a logs frame', async () => {
    const { context, getResource } = provider();

    const { data } = await context.getLogRowContext(row(), {
      limit: 2,
      direction: LogRowContextQueryDirection.Backward,
    });

    expect(getResource).toHaveBeenCalledWith('context', { id: 'f1:4096', before: 2, after: 0 });
    const frame = data[0];
    expect(frame.refId).toBe('log-row-context-A');
    expect(frame.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });
    expect(frame.fields.map((field: { name: string }) => field.name)).toEqual([
      'timestamp',
      'body',
      'severity',
      'id',
      'labels',
    ]);
    const values = (name: string) => frame.fields.find((field: { name: string }) => field.name === name).values;
    expect(values('body')).toEqual(['newer', 'older']);
    expect(values('timestamp')).toEqual([1_763_596_799_500, 1_763_596_799_000]);
    expect(values('severity')).toEqual(['WARNING', 'info']);
    expect(values('id')).toEqual(['f1:4000', 'f1:3900']);
  });

  it('asks for the lines after the row oldest first, and prefers the row model id', async () => {
    const { context, getResource } = provider();

    const { data } = await context.getLogRowContext(row({ rowId: 'f9:1' }), {
      limit: 5,
      direction: LogRowContextQueryDirection.Forward,
    });

    expect(getResource).toHaveBeenCalledWith('context', { id: 'f9:1', before: 0, after: 5 });
    expect(data[0].fields[1].values).toEqual(['next']);
  });

  it("sends the query, interpolated, only when the switch asks for the query's pipeline", async () => {
    const { context, getResource } = provider();
    const query = { refId: 'A', expr: 'sum(count_over_time({source="application"} | json | level="$level" [1m]))' };

    await context.getLogRowContext(row(), { limit: 3 }, query);
    expect(getResource).toHaveBeenLastCalledWith('context', { id: 'f1:4096', before: 3, after: 0 });

    context.applyQueryPipeline = true;
    await context.getLogRowContext(row(), { limit: 3 }, query);
    expect(getResource).toHaveBeenLastCalledWith('context', {
      id: 'f1:4096',
      before: 3,
      after: 0,
      query: '{source="application"} | json | level="ERROR"',
    });
  });

  it('explains a row without an id instead of asking the backend', async () => {
    const { context, getResource } = provider();
    const noId = row({ dataFrame: createDataFrame({ fields: [] }) });
    await expect(context.getLogRowContext(noId)).rejects.toThrow(/no id/);
    expect(getResource).not.toHaveBeenCalled();
  });
});

describe('LogContextProvider.getLogRowContextQuery', () => {
  it('opens the row file, with the pipeline once the switch is on', () => {
    const { context } = provider();
    const query = { refId: 'A', expr: '{source="application"} |= "boom" | json' };

    expect(context.getLogRowContextQuery(row(), { limit: 50 }, query)).toEqual({
      refId: 'log-row-context-A',
      expr: `{filename="${FILE}"}`,
      queryType: 'range',
      direction: 'backward',
      maxLines: 50,
    });

    context.applyQueryPipeline = true;
    expect(context.getLogRowContextQuery(row(), { limit: 50 }, query).expr).toBe(
      `{filename="${FILE}"} |= "boom" | json`
    );
  });

  it('falls back to the stream labels when the row has no filename', () => {
    const { context } = provider();
    const labels = { source: 'audit', service_name: 'kamiwaza.audit', outcome: 'failure' };
    expect(context.getLogRowContextQuery(row({ labels }), {}).expr).toBe(
      '{service_name="kamiwaza.audit", source="audit"}'
    );
  });
});
