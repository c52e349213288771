/**
 * Sizing a run before writing it: how many bytes and lines an arrival, the start-up sequence
 * and an incident add to each selected file (measured by simulating a sample into a counting
 * sink), and from that the arrival count, incident count and diurnal rate that hit `--size`.
 */
import type { AccessFormat, FileId } from './args';
import { INCIDENT_KINDS, startIncident } from './incidents';
import { startup } from './lifecycle';
import { CountingSink } from './output';
import { Prng } from './prng';
import { RateFn, Simulation } from './simulation';
import { US_PER_DAY } from './timefmt';
import { MINUTE } from './world';

/** Traces never last longer than this, so history arrivals stop this long before the end. */
export const END_MARGIN_US = MINUTE;
const SAMPLE_UNITS = 20_000;

export type PerFile = Map<FileId, number>;

export interface Costs {
  unitBytes: PerFile;
  unitLines: PerFile;
  startupBytes: PerFile;
  startupLines: PerFile;
  incidentBytes: PerFile;
  incidentLines: PerFile;
}

const sum = (m: PerFile) => [...m.values()].reduce((a, b) => a + b, 0);
const scale = (m: PerFile, k: number): PerFile => new Map([...m].map(([f, v]) => [f, v * k]));

function measure(
  files: ReadonlySet<FileId>,
  format: AccessFormat,
  rng: Prng,
  startUs: number,
  drive: (sim: Simulation) => void
): CountingSink {
  const sink = new CountingSink(files, format);
  drive(new Simulation(rng, sink, startUs));
  return sink;
}

export function measureCosts(files: ReadonlySet<FileId>, format: AccessFormat, rng: Prng, startUs: number): Costs {
  let units = 0;
  const hour = 3_600_000_000;
  const traffic = measure(files, format, rng.fork('units'), startUs, (sim) => {
    sim.run(startUs + hour, () => SAMPLE_UNITS / hour);
    units = sim.units;
  });
  const boot = measure(files, format, rng.fork('startup'), startUs, (sim) => startup(sim, startUs));
  const incidents = measure(files, format, rng.fork('incidents'), startUs, (sim) => {
    INCIDENT_KINDS.forEach((kind, i) => startIncident(sim, { kind, startUs: startUs + i * hour }));
    sim.run(startUs + INCIDENT_KINDS.length * hour, () => 1e-15);
  });
  const perIncident = 1 / INCIDENT_KINDS.length;
  return {
    unitBytes: scale(traffic.bytes, 1 / Math.max(1, units)),
    unitLines: scale(traffic.lines, 1 / Math.max(1, units)),
    startupBytes: boot.bytes,
    startupLines: boot.lines,
    incidentBytes: scale(incidents.bytes, perIncident),
    incidentLines: scale(incidents.lines, perIncident),
  };
}

/** Load over the day and week: quiet nights, a peak mid-afternoon UTC, lighter weekends. */
export function diurnalWeight(us: number): number {
  const day = Math.floor(us / US_PER_DAY);
  const hour = (us - day * US_PER_DAY) / 3_600_000_000;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6 ? 0.55 : 1;
  const peak = Math.exp(-((hour - 15) ** 2) / (2 * 3.5 ** 2));
  return weekend * (0.2 + 0.8 * peak);
}

export interface RunPlan {
  units: number;
  incidents: number;
  rate: RateFn;
  expectedBytes: PerFile;
  expectedLines: PerFile;
}

/**
 * @param fixedBytes bytes outside the model (the long damaged line), taken off the budget
 */
export function planRun(costs: Costs, sizeBytes: number, startUs: number, endUs: number, fixedBytes: number): RunPlan {
  const days = (endUs - startUs) / US_PER_DAY;
  const perIncident = sum(costs.incidentBytes);
  // About two incidents a day, as long as they stay a minor part of the data.
  let incidents = Math.max(1, Math.round(days * 2));
  while (incidents > 0 && incidents * perIncident > 0.2 * sizeBytes) {
    incidents--;
  }
  const remaining = sizeBytes - fixedBytes - sum(costs.startupBytes) - incidents * perIncident;
  const units = Math.max(0, remaining / Math.max(1, sum(costs.unitBytes)));

  const from = startUs;
  const to = Math.max(startUs + 1, endUs - END_MARGIN_US);
  const step = 60_000_000;
  let area = 0;
  for (let t = from; t < to; t += step) {
    area += diurnalWeight(t) * Math.min(step, to - t);
  }
  const k = units / area;
  const combine = (a: PerFile, b: PerFile, c: PerFile) => {
    const out: PerFile = new Map();
    for (const [f, v] of a) {
      out.set(f, v * units + (b.get(f) ?? 0) + (c.get(f) ?? 0) * incidents);
    }
    return out;
  };
  return {
    units,
    incidents,
    rate: (us) => k * diurnalWeight(us),
    expectedBytes: combine(costs.unitBytes, costs.startupBytes, costs.incidentBytes),
    expectedLines: combine(costs.unitLines, costs.startupLines, costs.incidentLines),
  };
}
