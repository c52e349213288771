/**
 * Renders query results for the terminal (`table`), for pipes (`jsonl`: one object per log
 * entry or sample) and for tools that speak Loki's HTTP API (`loki-json`).
 */
import type { Direction, Labels } from '../engine/model';
import { msToIso } from '../engine/time';
import { toLokiResponse, type QueryResult } from '../engine/query';
import type { SourceDescription } from '../engine/store';
import type { OutputFormat } from './args';
import { formatSize } from '../../shared/format';

export function renderResult(result: QueryResult, format: OutputFormat, direction: Direction = 'backward'): string[] {
  if (format === 'loki-json') {
    return [JSON.stringify(toLokiResponse(result))];
  }
  const rows = resultRows(result, direction);
  return format === 'jsonl' ? rows.map((row) => JSON.stringify(row)) : rows.map(tableLine);
}

/** A flat row: a log entry or one sample. */
interface Row {
  time: string;
  labels: Labels;
  line?: string;
  value?: number;
}

function resultRows(result: QueryResult, direction: Direction): Row[] {
  switch (result.resultType) {
    case 'streams': {
      const rows = result.streams.flatMap((stream) =>
        stream.entries.map((entry) => ({
          ts: entry.ts,
          row: { time: msToIso(entry.ts), labels: stream.labels, line: entry.line },
        }))
      );
      // Streams are grouped by label set; a reader wants one timeline.
      rows.sort((a, b) => (direction === 'backward' ? b.ts - a.ts : a.ts - b.ts));
      return rows.map((r) => r.row);
    }
    case 'matrix':
      return result.series.flatMap((series) =>
        series.times.map((ts, i) => ({ time: msToIso(ts), labels: series.labels, value: series.values[i] }))
      );
    case 'vector':
      return result.samples.map((s) => ({ time: msToIso(s.ts), labels: s.labels, value: s.value }));
    case 'scalar':
      return [{ time: msToIso(result.ts), labels: {}, value: result.value }];
  }
}

/**
 * Log lines read like a terminal log (time, level, service, line); the full label set is what
 * `jsonl` is for. Samples show their series' labels.
 */
function tableLine(row: Row): string {
  if (row.line !== undefined) {
    return logTableLine(row.time, row.labels, row.line);
  }
  return `${row.time}  ${formatLabels(row.labels)}  ${row.value}`;
}

export function logTableLine(time: string, labels: Labels, line: string): string {
  const level = (labels.detected_level ?? labels.level ?? '').padEnd(5);
  return `${time}  ${level}  ${labels.service_name ?? labels.source ?? ''}  ${line}`;
}

export function formatLabels(labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return `{${pairs.join(', ')}}`;
}

/**
 * `sources`: a table with one row per file (what an operator scans), one JSON object per source
 * for `jsonl`, one JSON array for `loki-json` (Loki has no such endpoint: the plain document).
 */
export function renderSources(sources: SourceDescription[], format: OutputFormat): string[] {
  if (format === 'loki-json') {
    return [JSON.stringify(sources)];
  }
  if (format === 'jsonl') {
    return sources.map((source) => JSON.stringify(source));
  }
  const header = ['SOURCE', 'FORMAT', 'FILE', 'SIZE', 'FIRST', 'LAST'];
  const rows = sources.flatMap((source) =>
    source.files.map((file) => [
      source.source,
      source.format,
      file.path,
      formatSize(file.size),
      file.firstTime ?? '-',
      file.lastTime ?? '-',
    ])
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const problems = sources.flatMap((source) =>
    source.problems.map((problem) => `problem: ${source.source}: ${problem}`)
  );
  return [line(header), ...rows.map(line), ...problems];
}
