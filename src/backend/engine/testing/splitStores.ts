/**
 * Test support for the two-thread scans: a file store that splits every scan it can
 * (`minSplitBytes: 0`, gzip files as whole parts) and a plain LogStore over the same directory
 * that never does (`oneThread`), so a test can assert both answer alike.
 */
import { createFileLogStore, type FileLogStore } from '../store';
import type { LogStore } from '../model';

export function splitAndSequentialStores(dir: string): { split: FileLogStore; sequential: LogStore } {
  const split = createFileLogStore({ roots: [dir] }, { minSplitBytes: 0 });
  const plain = createFileLogStore({ roots: [dir] }, { oneThread: true });
  // Only the LogStore interface: without `splitScan`, every query reads through `scan`.
  const sequential: LogStore = {
    scan: (request, stats) => plain.scan(request, stats),
    labelNames: (from, to, signal) => plain.labelNames(from, to, signal),
    labelValues: (name, from, to, matchers, signal) => plain.labelValues(name, from, to, matchers, signal),
  };
  return { split, sequential };
}
