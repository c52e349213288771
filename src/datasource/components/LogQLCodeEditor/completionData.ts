import type { TimeRange } from '@grafana/data';

import type { CompletionData } from '../../logql/completion';
import type { DataSource } from '../../datasource';

type Lookups = Pick<DataSource, 'labelNames' | 'labelValues' | 'detectedFields'>;

/**
 * The data source's lookups for one editor and time range: each answer is kept for the editor's
 * life (completion asks the same question on every keystroke), and a failed lookup (a backend
 * without the resource answers 404) offers nothing rather than an error.
 */
export function completionData(datasource: Lookups, range?: TimeRange): CompletionData {
  const cache = new Map<string, Promise<unknown>>();
  function cached<T>(key: unknown[], load: () => Promise<T>): Promise<T | []> {
    const id = JSON.stringify(key);
    if (!cache.has(id)) {
      cache.set(id, load().catch(() => []));
    }
    return cache.get(id) as Promise<T | []>;
  }
  return {
    labelNames: (selector) => cached(['names', selector], () => datasource.labelNames(range, selector)),
    labelValues: (label, selector) =>
      cached(['values', label, selector], () => datasource.labelValues(label, range, selector)),
    detectedFields: (logQuery) => cached(['fields', logQuery], () => datasource.detectedFields(logQuery, range)),
  };
}
