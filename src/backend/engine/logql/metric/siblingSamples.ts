/**
 * The values a `quantile_over_time` collected, kept a moment for its siblings. A percentile panel
 * asks for p50, p95 and p99 of the same durations: queries that differ in φ alone, which the
 * scheduler runs one after the other. A sibling takes the values the first one collected instead
 * of reading the same rows again, while the files it selects are as they were
 * (`LogStore.selectedFilesVersion`), for at most KEEP_MS after that query ended. One collection is
 * kept per store: the latest.
 */
import type { RangeAggregationExpr } from '../ast';
import type { Labels, LogStore, Notice, QueryLimits, ScanStats } from '../../model';
import type { RangeAccumulator } from './rangeOps';

/**
 * How long a collection waits for its siblings: queued right behind it (one panel's queries arrive
 * together), they start within milliseconds. Not longer: it holds all the values.
 */
const KEEP_MS = 1000;

export interface CollectedSeries {
  key: string;
  labels: Labels;
  /** The series' accumulator for a given φ (`rangeOps.quantileReader`). */
  quantile: (q: number) => RangeAccumulator;
}

/** A range aggregation's series, and what collecting them added to its query's stats. */
export interface Collection {
  series: CollectedSeries[];
  counters: Partial<Record<keyof ScanStats, number>>;
  notices: Notice[];
}

interface Kept {
  key: string;
  version: string;
  collection: Collection;
  timer: NodeJS.Timeout;
}

const kept = new WeakMap<LogStore, Kept>();

/**
 * What makes two collections the same: the range aggregation but its φ (the AST is plain data:
 * strings and numbers), its grouping, series cap, steps and limits.
 */
export function siblingKey(
  expr: RangeAggregationExpr,
  details: { groupBy?: string[]; seriesCap: number; stepTimes: readonly number[]; limits?: QueryLimits }
): string {
  return JSON.stringify([
    { ...expr, param: undefined },
    details.groupBy,
    details.seriesCap,
    details.limits,
    details.stepTimes,
  ]);
}

/** The collection kept under `key` for files at `version`, if any. */
export function siblingCollection(store: LogStore, key: string, version: string): Collection | undefined {
  const latest = kept.get(store);
  return latest !== undefined && latest.key === key && latest.version === version ? latest.collection : undefined;
}

/** Keeps `collection` for its siblings, in place of the store's last one. */
export function keepForSiblings(store: LogStore, key: string, version: string, collection: Collection): void {
  clearTimeout(kept.get(store)?.timer);
  const timer = setTimeout(() => {
    if (kept.get(store)?.timer === timer) {
      kept.delete(store);
    }
  }, KEEP_MS);
  timer.unref();
  kept.set(store, { key, version, collection, timer });
}

/** A copy of `stats` to compare with later (`statsAdded`). */
export function statsSnapshot(stats: ScanStats): ScanStats {
  return { ...stats, notices: [...stats.notices] };
}

/** The counters and notices `stats` gained since `before` was taken. */
export function statsAdded(before: ScanStats, stats: ScanStats): Pick<Collection, 'counters' | 'notices'> {
  const counters: Partial<Record<keyof ScanStats, number>> = {};
  for (const [name, value] of Object.entries(stats) as Array<[keyof ScanStats, unknown]>) {
    if (typeof value === 'number') {
      counters[name] = value - ((before[name] as number | undefined) ?? 0);
    }
  }
  return { counters, notices: stats.notices.slice(before.notices.length) };
}

/** Adds what a collection added to its query's stats to another query's. */
export function addCollected(stats: ScanStats, collection: Collection): void {
  const counts = stats as unknown as Record<string, number | undefined>;
  for (const [name, value] of Object.entries(collection.counters)) {
    counts[name] = (counts[name] ?? 0) + value;
  }
  stats.notices.push(...collection.notices);
}
