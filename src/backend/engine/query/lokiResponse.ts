/**
 * Query results in exactly the JSON of Loki's HTTP API (`/loki/api/v1/query_range` and `/query`):
 * `{status: "success", data: {resultType, result, stats}}`.
 */
import { msToNanoString } from '../time';
import type { QueryResult, QueryStats } from './types';

/** Go's strconv.FormatFloat(v, 'f', -1, 64), as Prometheus/Loki print sample values. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  const text = String(value);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) {
    return text;
  }
  const [, sign, lead, frac = '', expText] = exp;
  const digits = lead + frac;
  const point = 1 + Number(expText);
  if (point <= 0) {
    return `${sign}0.${'0'.repeat(-point)}${digits}`;
  }
  return point >= digits.length
    ? sign + digits + '0'.repeat(point - digits.length)
    : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Loki's sample timestamp: seconds as a JSON number. */
function seconds(ms: number): number {
  return ms / 1000;
}

/** Loki's `stats` object, filled as far as a file-backed engine has the numbers. */
export function lokiStats(stats: QueryStats): unknown {
  const execSeconds = stats.execTimeMs / 1000;
  const perSecond = (n: number) => (execSeconds > 0 ? Math.floor(n / execSeconds) : 0);
  return {
    summary: {
      bytesProcessedPerSecond: perSecond(stats.bytesScanned),
      linesProcessedPerSecond: perSecond(stats.linesScanned),
      totalBytesProcessed: stats.bytesScanned,
      totalLinesProcessed: stats.linesScanned,
      execTime: execSeconds,
      queueTime: 0,
      subqueries: 0,
      totalEntriesReturned: stats.linesReturned,
      splits: 0,
      shards: 0,
      totalPostFilterLines: stats.linesReturned,
      totalStructuredMetadataBytesProcessed: 0,
    },
    querier: {
      store: {
        totalChunksRef: 0,
        totalChunksDownloaded: 0,
        chunksDownloadTime: 0,
        queryReferencedStructuredMetadata: false,
        chunk: {
          headChunkBytes: 0,
          headChunkLines: 0,
          decompressedBytes: stats.bytesScanned,
          decompressedLines: stats.linesScanned,
          compressedBytes: stats.bytesScanned,
          totalDuplicates: 0,
          postFilterLines: stats.linesReturned,
          headChunkStructuredMetadataBytes: 0,
          decompressedStructuredMetadataBytes: 0,
        },
      },
    },
  };
}

export function toLokiResponse(result: QueryResult): unknown {
  let data: { resultType: string; result: unknown };
  switch (result.resultType) {
    case 'streams':
      data = {
        resultType: 'streams',
        result: result.streams.map((s) => ({
          stream: s.labels,
          values: s.entries.map((e) => [msToNanoString(e.ts), e.line]),
        })),
      };
      break;
    case 'matrix':
      data = {
        resultType: 'matrix',
        result: result.series.map((s) => ({
          metric: s.labels,
          values: s.times.map((t, i) => [seconds(t), formatSampleValue(s.values[i])]),
        })),
      };
      break;
    case 'vector':
      data = {
        resultType: 'vector',
        result: result.samples.map((s) => ({ metric: s.labels, value: [seconds(s.ts), formatSampleValue(s.value)] })),
      };
      break;
    case 'scalar':
      data = { resultType: 'scalar', result: [seconds(result.ts), formatSampleValue(result.value)] };
      break;
  }
  return { status: 'success', data: { ...data, stats: lokiStats(result.stats) } };
}
