/**
 * Label-set helpers for the metric evaluator: identity keys, Prometheus' label ordering and
 * Loki's text form. Label sets are plain objects; their identity is the sorted name/value list.
 */
import type { Labels } from '../../model';

/** Loki's error labels, set by parsers and by unwrap conversions. */
export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';

/** A series identity shared by all steps' samples of the series (the key is computed once). */
export interface SeriesId {
  readonly labels: Labels;
  readonly key: string;
}

/** One value of one series at one step. */
export interface Sample {
  readonly series: SeriesId;
  readonly value: number;
}

// Separators that cannot appear in label names and are vanishingly rare in values.
const NAME_SEP = '\u0000';
const PAIR_SEP = '\u0001';

/** Canonical identity of a label set: sorted names, empty values dropped (Prometheus treats them as absent). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) {
    const value = labels[name];
    if (value === '') {
      continue;
    }
    key += labelPairKey(name, value);
  }
  return key;
}

/** One name/value pair's part of `labelsKey` (keys are these parts in name order). */
export function labelPairKey(name: string, value: string): string {
  return name + NAME_SEP + value + PAIR_SEP;
}

/** Caches SeriesIds by key so samples of one series share one object across steps. */
export class SeriesTable {
  private readonly byKey = new Map<string, SeriesId>();

  /** `key`: the labels' `labelsKey`, when the caller has it already. */
  get(labels: Labels, key = labelsKey(labels)): SeriesId {
    let id = this.byKey.get(key);
    if (!id) {
      id = { labels: withoutEmpty(labels), key };
      this.byKey.set(key, id);
    }
    return id;
  }
}

export function withoutEmpty(labels: Labels): Labels {
  const out: Labels = {};
  for (const name of Object.keys(labels)) {
    if (labels[name] !== '') {
      out[name] = labels[name];
    }
  }
  return out;
}

function sortedPairs(labels: Labels): Array<[string, string]> {
  return Object.keys(labels)
    .filter((name) => labels[name] !== '')
    .sort()
    .map((name) => [name, labels[name]]);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus' `labels.Compare`: pairwise by name then value, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const pa = sortedPairs(a);
  const pb = sortedPairs(b);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const byName = compareStrings(pa[i][0], pb[i][0]);
    if (byName !== 0) {
      return byName;
    }
    const byValue = compareStrings(pa[i][1], pb[i][1]);
    if (byValue !== 0) {
      return byValue;
    }
  }
  return pa.length - pb.length;
}

/** `{a="1", b="2"}` as Prometheus/Loki print label sets (values Go-quoted). */
export function formatLabels(labels: Labels): string {
  return (
    '{' +
    sortedPairs(labels)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(', ') +
    '}'
  );
}

/** Only the named labels (the `by` side of a grouping). */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {};
  for (const name of names) {
    const value = labels[name];
    if (value !== undefined && value !== '') {
      out[name] = value;
    }
  }
  return out;
}

/** All labels but the named ones (the `without` side of a grouping). */
export function dropLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {};
  for (const name of Object.keys(labels)) {
    if (!names.includes(name) && labels[name] !== '') {
      out[name] = labels[name];
    }
  }
  return out;
}
