/**
 * Why an answer is empty, in the operator's terms: a label no stream has, a selector that matches
 * no stream, or a range outside what the files cover. Printed on stderr, so scripts reading
 * stdout are unaffected.
 */
import type { LogExpr } from '../engine/logql/ast';
import { parseLogQL } from '../engine/logql/parser';
import type { LabelMatcher } from '../engine/model';
import type { FileLogStore } from '../engine/store';
import { msToIso } from '../engine/time';
import { formatSize } from '../../shared/format';
import { STREAM_LABEL_NAMES } from '../../shared/labels';

type HintStore = Pick<FileLogStore, 'labelNames' | 'labelValues' | 'describeSources'>;

export interface Range {
  startMs: number;
  endMs: number;
}

/** Label look-ups for hints span all the files hold, not the range asked. */
const ALL_TIME: Range = { startMs: 0, endMs: 8.64e15 };
/** Values listed in a hint before "…". */
const MAX_LISTED = 12;

/**
 * What the query's scan read: a literal search counts only the lines holding its literal, so when
 * none did, the bytes it searched say that the range had lines.
 */
export interface ReadAmount {
  lines: number;
  bytes: number;
}

export async function explainEmptyQuery(
  store: HintStore,
  query: string,
  range: Range,
  read: ReadAmount,
  signal?: AbortSignal
): Promise<string[]> {
  const selectors = logSelectors(parseLogQL(query));
  for (const matchers of selectors) {
    const missing = await missingLabelHint(
      store,
      matchers.map((m) => m.name),
      signal
    );
    if (missing) {
      return [missing];
    }
    const sources = await store.labelValues('source', ALL_TIME.startMs, ALL_TIME.endMs, matchers, signal);
    if (sources.length === 0) {
      return [`no stream matches ${selectorText(matchers)}${await valuesHint(store, matchers, signal)}`];
    }
  }
  const matched = new Set<string>();
  for (const matchers of selectors) {
    for (const source of await store.labelValues('source', ALL_TIME.startMs, ALL_TIME.endMs, matchers, signal)) {
      matched.add(source);
    }
  }
  const coverage = coverageHint(store, range, (source) => matched.has(source));
  if ((read.lines > 0 || read.bytes > 0) && coverage.overlaps) {
    const amount = read.lines > 0 ? `${read.lines} line(s)` : formatSize(read.bytes);
    return [`${amount} of the selected streams were read in the range; none passed the query's filters`];
  }
  return [coverage.text];
}

/** For `labels` and `label-values NAME` that answered nothing. */
export async function explainEmptyLabels(
  store: HintStore,
  range: Range,
  name?: string,
  signal?: AbortSignal
): Promise<string[]> {
  if (name !== undefined) {
    const missing = await missingLabelHint(store, [name], signal);
    if (missing) {
      return [missing];
    }
  }
  return [coverageHint(store, range, () => true).text];
}

/**
 * Selectors see stream labels only (as in Loki); a field of the lines (`level`) is filtered after
 * the selector, so the hint says so when the name is one.
 */
async function missingLabelHint(store: HintStore, names: string[], signal?: AbortSignal): Promise<string | undefined> {
  const unknown = names.find((name) => !STREAM_LABEL_NAMES.includes(name));
  if (unknown === undefined) {
    return undefined;
  }
  const hint = `no stream has label ${unknown}; labels are ${[...STREAM_LABEL_NAMES].sort().join(', ')}`;
  const fields = await store.labelNames(ALL_TIME.startMs, ALL_TIME.endMs, signal);
  return fields.includes(unknown) ? `${hint}. ${unknown} is a field of the lines: filter with | ${unknown}="…"` : hint;
}

async function valuesHint(store: HintStore, matchers: LabelMatcher[], signal?: AbortSignal): Promise<string> {
  const exact = matchers.find((m) => m.op === '=');
  if (!exact) {
    return '';
  }
  const values = await store.labelValues(exact.name, ALL_TIME.startMs, ALL_TIME.endMs, undefined, signal);
  return `; ${exact.name} values are ${listed(values)}`;
}

function coverageHint(store: HintStore, range: Range, wanted: (source: string) => boolean) {
  let first: string | undefined;
  let last: string | undefined;
  let unmeasured = 0;
  for (const source of store.describeSources().filter((s) => wanted(s.source))) {
    for (const file of source.files) {
      if (file.firstTime === undefined || file.lastTime === undefined) {
        unmeasured++;
        continue;
      }
      first = first === undefined || file.firstTime < first ? file.firstTime : first;
      last = last === undefined || file.lastTime > last ? file.lastTime : last;
    }
  }
  const asked = `${msToIso(range.startMs)} – ${msToIso(range.endMs)}`;
  if (first === undefined || last === undefined) {
    return { overlaps: true, text: `nothing in ${asked}; no timestamp could be read from the files of these streams` };
  }
  const older = unmeasured > 0 ? ` (and ${unmeasured} compressed rotated file(s) with older lines)` : '';
  const overlaps = Date.parse(first) <= range.endMs && Date.parse(last) >= range.startMs;
  return {
    overlaps,
    text:
      `nothing in ${asked}; the files cover ${first} – ${last}${older}` +
      (overlaps ? '' : `. Widen the range, e.g. --from ${first.slice(0, 10)} or --since ${sinceToReach(first, range)}`),
  };
}

/** A `--since` that reaches back to `first` from the range's end, in whole days or hours. */
function sinceToReach(first: string, range: Range): string {
  const hours = Math.ceil((range.endMs - Date.parse(first)) / 3_600_000);
  return hours > 48 ? `${Math.ceil(hours / 24)}d` : `${Math.max(hours, 1)}h`;
}

/** The stream selectors of a query (one, or more for binary operations). */
function logSelectors(expr: unknown): LabelMatcher[][] {
  const found: LabelMatcher[][] = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') {
      return;
    }
    if ((node as LogExpr).kind === 'log' && Array.isArray((node as LogExpr).matchers)) {
      found.push((node as LogExpr).matchers);
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(expr);
  return found;
}

function selectorText(matchers: LabelMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`;
}

function listed(values: string[]): string {
  return values.length > MAX_LISTED
    ? `${values.slice(0, MAX_LISTED).join(', ')}, … (${values.length})`
    : values.join(', ');
}
