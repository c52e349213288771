import { LiveChannelScope, LoadingState, StreamingFrameAction, type DataQueryResponse } from '@grafana/data';
import { firstValueFrom, Subject } from 'rxjs';

import { tailChannelId, tailQuery } from './liveTail';

function fakeLive() {
  const packets = new Subject<DataQueryResponse>();
  const getDataStream = jest.fn(() => packets.asObservable());
  return { live: { getDataStream }, packets, getDataStream };
}

describe('tailQuery', () => {
  it('subscribes to the data source tail channel with the expression and the line limit', async () => {
    const { live, packets, getDataStream } = fakeLive();
    const expr = '{source="application"} |= "error"';

    const first = firstValueFrom(tailQuery('kamiwaza-logs', { refId: 'A', expr, maxLines: 200 }, live));
    const frame = { refId: 'tail', name: 'tail', fields: [], length: 0 };
    packets.next({ data: [frame], state: LoadingState.Streaming, key: 'kamiwaza-tail-A' });
    const response = await first;

    expect(getDataStream).toHaveBeenCalledWith({
      addr: {
        scope: LiveChannelScope.DataSource,
        stream: 'kamiwaza-logs',
        namespace: 'kamiwaza-logs',
        path: `tail/${tailChannelId(expr)}`,
        data: { expr },
      },
      key: 'kamiwaza-tail-A',
      buffer: { maxLength: 200, action: StreamingFrameAction.Append },
    });
    // The same frame object (Explore appends to it in place), relabelled with the query's refId.
    expect(response.data[0]).toBe(frame);
    expect(response.data[0].refId).toBe('A');
    expect(response.state).toBe(LoadingState.Streaming);
  });

  it('refuses a metric query without opening a channel', async () => {
    const { live, getDataStream } = fakeLive();
    const response = await firstValueFrom(tailQuery('uid', { refId: 'B', expr: 'rate({source="audit"}[1m])' }, live));
    expect(getDataStream).not.toHaveBeenCalled();
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors?.[0]).toMatchObject({ refId: 'B', message: expect.stringMatching(/log query/) });
  });
});

describe('tailChannelId', () => {
  it('is a stable 16-hex-digit path segment that differs between expressions', () => {
    const id = tailChannelId('{source="audit"}');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(tailChannelId('{source="audit"}')).toBe(id);
    expect(tailChannelId('{source="audit"} |= "x"')).not.toBe(id);
  });

  it('matches FNV-1a 32 of the empty string for the standard seed', () => {
    // FNV-1a of "" is its offset basis 0x811c9dc5 (published test vector).
    expect(tailChannelId('').slice(0, 8)).toBe('811c9dc5');
    // FNV-1a of "a" is 0xe40c292c (published test vector).
    expect(tailChannelId('a').slice(0, 8)).toBe('e40c292c');
  });
});
