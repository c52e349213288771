/**
 * A whole run: size it, clear old output, replay the history from `end - days` to `end` into
 * the files, and report. The returned handle lets `--follow` keep the same files and
 * simulation going in real time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileId, GeneratorOptions } from './args';
import { DamagePlan, LONG_LINE_BYTES, MIN_DAMAGE_FILE_BYTES } from './damage';
import { siblingsOf } from './files';
import { scheduleIncidents, startIncident } from './incidents';
import { startup } from './lifecycle';
import { FileOutput, FileStats } from './output';
import { END_MARGIN_US, measureCosts, planRun } from './plan';
import { Prng } from './prng';
import { Simulation } from './simulation';
import { US_PER_DAY, isoSeconds } from './timefmt';
import { MINUTE } from './world';

const SLICE_US = 10 * MINUTE;

export interface RunSummary {
  startUs: number;
  endUs: number;
  units: number;
  incidents: number;
  files: FileStats[];
  /** Every file on disk with its size (compressed size for .gz). */
  onDisk: Array<{ path: string; bytes: number }>;
  elapsedMs: number;
}

export interface HistoryRun {
  output: FileOutput;
  sim: Simulation;
  summary: RunSummary;
}

export type Progress = (message: string) => void;

/**
 * Writes the history. With `keepOpen` the files stay open (for `--follow`) and `summary.files`
 * reflects what was written so far; otherwise everything is flushed, compressed and closed.
 */
export async function generateHistory(
  opts: GeneratorOptions,
  progress: Progress = () => {},
  keepOpen = false
): Promise<HistoryRun> {
  const began = performance.now();
  const rng = new Prng(opts.seed, 'kamiwaza');
  const endUs = opts.endUs;
  const startUs = endUs - Math.round(opts.days * US_PER_DAY);
  const files = new Set<FileId>(opts.files);

  const costs = measureCosts(files, opts.accessFormat, rng.fork('calibration'), startUs);
  let plan = planRun(costs, opts.sizeBytes, startUs, endUs, 0);
  const longLine =
    files.has('application.jsonl') &&
    opts.damageRate > 0 &&
    (plan.expectedBytes.get('application.jsonl') ?? 0) > MIN_DAMAGE_FILE_BYTES;
  if (longLine) {
    plan = planRun(costs, opts.sizeBytes, startUs, endUs, LONG_LINE_BYTES);
  }

  const damage = new Map<FileId, DamagePlan>();
  for (const file of opts.files) {
    const json = file.endsWith('.jsonl') || (file.endsWith('access.log') && opts.accessFormat === 'json');
    damage.set(
      file,
      new DamagePlan(
        rng.fork(`damage:${file}`),
        plan.expectedLines.get(file) ?? 0,
        plan.expectedBytes.get(file) ?? 0,
        opts.damageRate,
        json,
        longLine && file === 'application.jsonl'
      )
    );
  }

  for (const file of opts.files) {
    siblingsOf(path.join(opts.out, file)).forEach((f) => fs.rmSync(f, { force: true }));
  }
  const jsonlBytes = plan.expectedBytes.get('application.jsonl') ?? 0;
  const output = new FileOutput({
    dir: opts.out,
    files: opts.files,
    accessFormat: opts.accessFormat,
    // A bit over a quarter, so a run ends with the live file, .1 and two gzipped siblings.
    rotateBytes: opts.rotate ? (opts.rotateBytes ?? Math.max(64 * 1024, Math.ceil(jsonlBytes * 0.275))) : undefined,
    damage,
    partialLastLine: opts.partialLastLine && !keepOpen,
    rng: rng.fork('writers'),
  });

  const sim = new Simulation(rng.fork('traffic'), output, startUs);
  const booted = Math.min(startup(sim, startUs), endUs - END_MARGIN_US);
  sim.resumeAt(booted);
  const incidentWindowStart = Math.min(booted + 10 * MINUTE, endUs - END_MARGIN_US);
  for (const incident of scheduleIncidents(
    rng.fork('incidents'),
    incidentWindowStart,
    endUs - END_MARGIN_US,
    plan.incidents
  )) {
    sim.schedule(incident.startUs, () => startIncident(sim, incident));
  }

  const stopUs = endUs - END_MARGIN_US;
  let reported = 0;
  for (let t = startUs; t < stopUs;) {
    t = Math.min(t + SLICE_US, stopUs);
    sim.run(t, plan.rate);
    await output.maintain();
    const done = (t - startUs) / (stopUs - startUs);
    if (done - reported >= 0.1 || t === stopUs) {
      reported = done;
      progress(`  ${Math.round(done * 100)}% (simulated up to ${isoSeconds(t)}, ${sim.units} arrivals)`);
    }
    // Lets zlib compress rotated files while generation goes on.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!keepOpen) {
    await output.close();
  } else {
    output.advance(stopUs);
    output.flush();
  }
  const onDisk = opts.files.flatMap((f) =>
    siblingsOf(path.join(opts.out, f)).map((p) => ({ path: path.relative(opts.out, p), bytes: fs.statSync(p).size }))
  );
  onDisk.sort((a, b) => a.path.localeCompare(b.path));
  return {
    output,
    sim,
    summary: {
      startUs,
      endUs,
      units: sim.units,
      incidents: plan.incidents,
      files: output.stats(),
      onDisk,
      elapsedMs: performance.now() - began,
    },
  };
}
