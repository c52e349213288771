import { act, render, screen } from '@testing-library/react';
import React from 'react';

import type { IndexStatsResponse } from '../../../shared/resources';
import { QueryStats, STATS_DEBOUNCE_MS } from './QueryStats';

const STATS: IndexStatsResponse = { streams: 3, chunks: 0, bytes: 12_345_678, entries: 40_000, files: 4 };

async function advance(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}

describe('QueryStats', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks once the typing pauses and shows bytes and files', async () => {
    const datasource = { queryStats: jest.fn().mockResolvedValue(STATS) };
    const { rerender } = render(<QueryStats datasource={datasource} expr='{source="a' />);
    rerender(<QueryStats datasource={datasource} expr='{source="audit"}' />);
    await advance(STATS_DEBOUNCE_MS - 1);
    expect(datasource.queryStats).not.toHaveBeenCalled();
    await advance(1);
    expect(datasource.queryStats).toHaveBeenCalledTimes(1);
    expect(datasource.queryStats).toHaveBeenCalledWith('{source="audit"}', undefined);
    // 12,345,678 bytes in decimal units, one decimal.
    expect(screen.getByText('This query reads about 12.3 MB in 4 files')).toBeInTheDocument();
  });

  it('says so when no file has lines in the range, instead of "0 B in 0 files"', async () => {
    const datasource = { queryStats: jest.fn().mockResolvedValue({ ...STATS, bytes: 0, entries: 0, files: 0 }) };
    render(<QueryStats datasource={datasource} expr='{source="audit"}' />);
    await advance(STATS_DEBOUNCE_MS);
    expect(
      screen.getByText('This query reads no file: none of the selected logs has lines in the time range')
    ).toBeInTheDocument();
  });

  it('asks about the log query inside a metric query', async () => {
    const datasource = { queryStats: jest.fn().mockResolvedValue(STATS) };
    render(
      <QueryStats
        datasource={datasource}
        expr='sum by (actor) (count_over_time({source="audit"} |= "login" | json [$__auto]))'
      />
    );
    await advance(STATS_DEBOUNCE_MS);
    expect(datasource.queryStats).toHaveBeenCalledWith('{source="audit"} |= "login" | json', undefined);
  });

  it('is hidden for an invalid query, without asking', async () => {
    const datasource = { queryStats: jest.fn().mockResolvedValue(STATS) };
    const { container } = render(<QueryStats datasource={datasource} expr='{source="audit"' />);
    await advance(STATS_DEBOUNCE_MS);
    expect(datasource.queryStats).not.toHaveBeenCalled();
    expect(container).toBeEmptyDOMElement();
  });

  it('is hidden when the backend fails (e.g. 404 before the resource exists)', async () => {
    const datasource = { queryStats: jest.fn().mockRejectedValue({ status: 404 }) };
    const { container } = render(<QueryStats datasource={datasource} expr='{source="audit"}' />);
    await advance(STATS_DEBOUNCE_MS);
    expect(datasource.queryStats).toHaveBeenCalledTimes(1);
    expect(container).toBeEmptyDOMElement();
  });
});
