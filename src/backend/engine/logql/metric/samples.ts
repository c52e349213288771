/**
 * Samples of a range aggregation: what one record contributes (value, series labels), and the
 * same computed for one byte range of a file into compact batches — what a worker thread scanning
 * part of a file sends back to the thread that accumulates (`parallel.ts`).
 */
import type { RangeAggregationExpr } from '../ast';
import { emptyStats, type Labels, type LogRecord, type ScanPart, type ScanStats } from '../../model';
import { ScanBudget } from '../../scan/budget';
import { partScanner } from '../../scan/parts';
import { compilePipeline, compileSampleExtractor } from '../pipeline';
import { dropLabels, ERROR_DETAILS_LABEL, ERROR_LABEL, keepLabels, labelPairKey, labelsKey } from './labels';
import { WindowLayout } from './windows';

/** Ops whose sample is the line itself (1 per line) rather than an unwrapped value. */
const LINE_COUNT_OPS = new Set(['count_over_time', 'rate', 'absent_over_time']);
const LINE_BYTES_OPS = new Set(['bytes_over_time', 'bytes_rate']);

/**
 * Labels the pipeline must produce, or undefined for all. Only a `by` grouping (given, or pushed
 * down from an enclosing `sum by`) and absent_over_time let the pipeline skip the other labels.
 */
export function neededLabels(expr: RangeAggregationExpr, groupBy: string[] | undefined): string[] | undefined {
  if (groupBy === undefined && expr.op !== 'absent_over_time') {
    return undefined;
  }
  // The error labels are needed to refuse errored samples as Loki does.
  return [...new Set([...(groupBy ?? []), ERROR_LABEL, ERROR_DETAILS_LABEL])];
}

/** Where a SampleExtract puts a sample's labels and whether a stage failed on its record. */
export interface ExtractedSample {
  labels: Labels;
  stageFailed: boolean;
}

/** A record's sample value, or null for no sample; `out` receives the sample's labels. */
export type SampleExtract = (record: LogRecord, out: ExtractedSample) => number | null;

/**
 * Lines count 1 (count_over_time, rate, absent_over_time) or their UTF-8 size after the pipeline
 * (bytes_*); with `unwrap`, the pipeline's sample extractor converts the label (Loki's semantics
 * for missing labels, conversion errors and post-unwrap filters live there).
 */
export function sampleExtractFn(expr: RangeAggregationExpr, outputLabels: string[] | undefined): SampleExtract {
  if (expr.unwrap) {
    const extractor = compileSampleExtractor(expr.log.stages, expr.unwrap, { outputLabels, grouping: expr.grouping });
    return (record, out) => {
      const sample = extractor.process(record);
      if (!sample) {
        return null;
      }
      out.labels = sample.labels;
      out.stageFailed = extractor.stageFailed();
      return sample.value;
    };
  }
  const pipeline = compilePipeline(expr.log.stages, { outputLabels });
  if (LINE_COUNT_OPS.has(expr.op)) {
    // The line itself is not needed: counting never decodes it.
    return (record, out) => {
      const labels = pipeline.processLabels(record);
      if (!labels) {
        return null;
      }
      out.labels = labels;
      out.stageFailed = pipeline.stageFailed();
      return 1;
    };
  }
  if (!LINE_BYTES_OPS.has(expr.op)) {
    throw new Error(`invalid aggregation ${expr.op} without unwrap`);
  }
  return (record, out) => {
    const processed = pipeline.process(record);
    if (!processed) {
      return null;
    }
    out.labels = processed.labels;
    out.stageFailed = pipeline.stageFailed();
    return Buffer.byteLength(processed.line, 'utf8');
  };
}

/** Cached series keys per grouping value (values beyond it are rare series; the cache restarts). */
const KEY_CACHE_SIZE = 10_000;

export interface SeriesLabeling {
  /** The series labels of a sample's labels. */
  labels(labels: Labels): Labels;
  /** `labelsKey(labels(l))`, computed without building the label set when possible. */
  key(labels: Labels): string;
}

/** Series labels after the range aggregation's grouping (errors are refused before this). */
export function seriesLabeling(expr: RangeAggregationExpr, groupBy: string[] | undefined): SeriesLabeling {
  if (groupBy !== undefined) {
    const names = [...new Set(groupBy)].sort();
    if (names.length === 1) {
      // One grouping label (the common case): keys cached by value, not rebuilt per sample.
      const name = names[0];
      let keys = new Map<string, string>();
      return {
        labels: (labels) => keepLabels(labels, names),
        key: (labels) => {
          const value = labels[name];
          if (!value) {
            return '';
          }
          let key = keys.get(value);
          if (key === undefined) {
            key = labelPairKey(name, value);
            if (keys.size >= KEY_CACHE_SIZE) {
              keys = new Map();
            }
            keys.set(value, key);
          }
          return key;
        },
      };
    }
    return {
      labels: (labels) => keepLabels(labels, names),
      key: (labels) => {
        let key = '';
        for (const name of names) {
          const value = labels[name];
          if (value) {
            key += labelPairKey(name, value);
          }
        }
        return key;
      },
    };
  }
  const unwrapLabel = expr.unwrap?.label;
  const without = [
    ...(expr.grouping?.mode === 'without' ? expr.grouping.labels : []),
    ...(unwrapLabel ? [unwrapLabel] : []),
  ];
  const labels = without.length === 0 ? (l: Labels) => l : (l: Labels) => dropLabels(l, without);
  return { labels, key: (l) => labelsKey(labels(l)) };
}

/** What a part scan needs to compute samples exactly as the accumulating thread would (plain data). */
export interface SampleSpec {
  expr: RangeAggregationExpr;
  groupBy: string[] | undefined;
  stepTimes: number[];
  /** A part stops collecting once it has seen more series than this (the query fails anyway). */
  seriesCap: number;
}

/**
 * Samples of consecutive records, in record order: time, value, layout cell and series (an index
 * into the part's series, whose keys and labels are listed when first seen, in `newSeries`).
 * `cellCounts` (line-counting ops only, in the part's last batch): per series, samples per cell,
 * instead of one entry per sample. `error`: the labels of the errored sample that ends the part
 * (Loki's pipeline error), after every sample of the batch.
 */
export interface SampleBatch {
  count: number;
  ts: Float64Array;
  value: Float64Array;
  cell: Int32Array;
  series: Int32Array;
  newSeries: Array<{ key: string; labels: Labels }>;
  cellCounts?: Float64Array[];
  error?: Labels;
}

/** Turns records into sample batches. */
export class SampleCollector {
  readonly layout: WindowLayout;
  private readonly sample: SampleExtract;
  private readonly labeling: SeriesLabeling;
  private readonly extracted: ExtractedSample = { labels: {}, stageFailed: false };
  private readonly seriesIndex = new Map<string, number>();
  /** Set once an errored sample or too many series were seen: nothing more is collected. */
  done = false;
  /**
   * Line-counting ops (every sample is 1, its time unused): samples are counted per series and
   * cell instead of listed, which keeps a part's result small whatever its line count.
   */
  private readonly cellCounts: Float64Array[] | undefined;
  private error: Labels | undefined;

  constructor(private readonly spec: SampleSpec) {
    this.layout = new WindowLayout(spec.stepTimes, spec.expr.rangeMs, spec.expr.offsetMs);
    this.sample = sampleExtractFn(spec.expr, neededLabels(spec.expr, spec.groupBy));
    this.labeling = seriesLabeling(spec.expr, spec.groupBy);
    this.cellCounts = LINE_COUNT_OPS.has(spec.expr.op) && !spec.expr.unwrap ? [] : undefined;
  }

  /** The batch that ends the part: the cell counts (counting ops) and the pipeline error, if any. */
  finish(): SampleBatch | undefined {
    if (this.cellCounts === undefined && this.error === undefined) {
      return undefined;
    }
    const none = new Int32Array(0);
    return {
      count: 0,
      ts: new Float64Array(0),
      value: new Float64Array(0),
      cell: none,
      series: none,
      newSeries: [],
      cellCounts: this.cellCounts,
      error: this.error,
    };
  }

  collect(records: LogRecord[]): SampleBatch {
    const counts = this.cellCounts;
    const n = counts === undefined ? records.length : 0;
    const length = records.length;
    const batch: SampleBatch = {
      count: 0,
      ts: new Float64Array(n),
      value: new Float64Array(n),
      cell: new Int32Array(n),
      series: new Int32Array(n),
      newSeries: [],
    };
    const { layout, extracted, seriesIndex } = this;
    for (let i = 0; i < length && !this.done; i++) {
      const record = records[i];
      const cell = layout.cellOf(record.ts);
      if (cell < 0) {
        continue;
      }
      const value = this.sample(record, extracted);
      if (value === null) {
        continue;
      }
      if (extracted.stageFailed) {
        // Reported after every earlier sample (counted ones arrive with `finish`).
        this.error = { ...extracted.labels };
        this.done = true;
        break;
      }
      const key = this.labeling.key(extracted.labels);
      let index = seriesIndex.get(key);
      if (index === undefined) {
        index = seriesIndex.size;
        seriesIndex.set(key, index);
        batch.newSeries.push({ key, labels: this.labeling.labels(extracted.labels) });
        this.done = seriesIndex.size > this.spec.seriesCap;
        counts?.push(new Float64Array(layout.cellCount));
      }
      if (counts !== undefined) {
        counts[index][cell]++;
        continue;
      }
      const j = batch.count++;
      batch.ts[j] = record.ts;
      batch.value[j] = value;
      batch.cell[j] = cell;
      batch.series[j] = index;
    }
    return batch;
  }
}

/** What a part scan sends: a batch of samples, the end of the part, or its failure. */
export type PartMessage =
  | { kind: 'batch'; batch: SampleBatch }
  | { kind: 'done'; stats: ScanStats; stopped: boolean }
  | { kind: 'failed'; message: string };

/** A part scan's job (posted to a worker thread). `deadline`: epoch ms of the query's time limit. */
export interface PartJob {
  part: ScanPart;
  spec: SampleSpec;
  deadline?: number;
}

/**
 * Scans one part and reports its samples through `send`, ending with `done` (its own stats;
 * `stopped`: it ended at a line past the range or at a limit, so later parts do not count).
 */
export async function collectPart(
  job: PartJob,
  send: (message: PartMessage) => void,
  signal?: AbortSignal
): Promise<void> {
  const stats = emptyStats();
  const maxDurationMs = job.deadline === undefined ? undefined : Math.max(job.deadline - Date.now(), 0);
  const budget = new ScanBudget(stats, { maxDurationMs }, signal);
  const collector = new SampleCollector(job.spec);
  const scanner = partScanner(job.part, budget, { transient: true });
  const records = scanner.records();
  try {
    for await (const batch of records) {
      const samples = collector.collect(batch);
      if (samples.count > 0 || samples.newSeries.length > 0) {
        send({ kind: 'batch', batch: samples });
      }
      if (collector.done) {
        break;
      }
    }
  } finally {
    await records.return(undefined);
  }
  const last = collector.finish();
  if (last !== undefined) {
    send({ kind: 'batch', batch: last });
  }
  send({ kind: 'done', stats, stopped: collector.done || scanner.stoppedEarly || stats.truncated !== undefined });
}
