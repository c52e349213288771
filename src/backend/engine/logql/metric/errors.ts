/** Query errors with Loki's wording, so users recognise them and know the fix. */
import type { Labels } from '../../model';
import { ERROR_LABEL, formatLabels } from './labels';

/** A metric sample carries `__error__`: Loki refuses to aggregate it unless a filter removes it. */
export class PipelineError extends Error {
  constructor(labels: Labels) {
    const error = labels[ERROR_LABEL];
    super(
      `pipeline error: '${error}' for series: '${formatLabels(labels)}'.\n` +
        `Use a label filter to intentionally skip this error. (e.g | __error__!="${error}").\n` +
        `To skip all potential errors you can match empty errors.(e.g __error__="")\n` +
        `The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )`
    );
    this.name = 'PipelineError';
  }
}

/** More series than `maxSeries` (Loki's `max_query_series`, default 500). */
export class SeriesLimitError extends Error {
  constructor(readonly limit: number) {
    super(
      `maximum number of series (${limit}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()`
    );
    this.name = 'SeriesLimitError';
  }
}

/** The query was cancelled through its AbortSignal. */
export class QueryCancelledError extends Error {
  constructor() {
    super('query cancelled');
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new QueryCancelledError();
  }
}
