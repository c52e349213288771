/**
 * Label names and values as Loki's `/labels` and `/label/<name>/values` give them: names are the
 * stream labels only (`source`, `service_name`, `filename`: every record has all three);
 * values of `source` and `filename` come from the files the selector and range read, values of
 * any other name (service_name, structured metadata such as `level`) from the store's sample of
 * the newest records (see docs/labels.md).
 */
import { emptyStats, type LabelMatcher } from '../model';
import type { FileLogStore } from '../store';
import { STREAM_LABEL_NAMES } from '../../../shared/labels';

/** The stream label names, sorted as Loki lists them. */
const STREAM_LABELS = [...STREAM_LABEL_NAMES].sort();
const FROM_FILES = new Set(['source', 'filename']);
/** Bytes read to find one record when the selector tests record content (service_name). */
const PROBE_BYTES = 16 << 20;

export async function streamLabelNames(
  store: Pick<FileLogStore, 'plannedReads' | 'scan'>,
  matchers: LabelMatcher[],
  fromMs: number,
  toMs: number,
  signal?: AbortSignal
): Promise<string[]> {
  const reads = (await store.plannedReads(matchers, fromMs, toMs)).filter((r) => r.end > r.start);
  if (reads.length === 0) {
    return [];
  }
  if (matchers.every((m) => FROM_FILES.has(m.name))) {
    return STREAM_LABELS;
  }
  const scan = store.scan(
    { matchers, fromMs, toMs, direction: 'backward', signal, limits: { maxBytesScanned: PROBE_BYTES } },
    emptyStats()
  );
  for await (const batch of scan) {
    if (batch.length > 0) {
      return STREAM_LABELS; // leaving the loop ends the scan
    }
  }
  return [];
}

export async function labelValues(
  store: Pick<FileLogStore, 'plannedReads' | 'labelValues'>,
  name: string,
  matchers: LabelMatcher[],
  fromMs: number,
  toMs: number,
  signal?: AbortSignal
): Promise<string[]> {
  if (!FROM_FILES.has(name)) {
    return store.labelValues(name, fromMs, toMs, matchers, signal);
  }
  const reads = (await store.plannedReads(matchers, fromMs, toMs)).filter((r) => r.end > r.start);
  return [...new Set(reads.map((r) => (name === 'source' ? r.source : r.filename)))].sort();
}
