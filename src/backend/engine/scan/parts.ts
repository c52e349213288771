/**
 * Splitting one forward scan of a large plain-file byte range into parts that are scanned
 * independently (by worker threads), and scanning one such part.
 *
 * A part starts at a line that has a timestamp, so no line of a part takes its time from an
 * earlier part (untimed lines get the time of the nearest earlier timed line) and no multi-line
 * record spans two parts. A forward scan stops at the first line past the range: the caller drops
 * the parts after one that stopped (`FileScanner.stoppedEarly`; parts run in scan direction),
 * and each part stops on its own lines. Plain data describes a part: it is posted to workers.
 */
import { readSync } from 'node:fs';
import { matcherTest, type StringTest } from '../logql/regex';
import type { LabelMatcher, LogRecord, ScanPart } from '../model';
import { FORMATS, type LineFormat } from '../readers/formats';
import type { ScanBudget } from './budget';
import { FileScanner, type FileScanPlan } from './fileScan';

/** Parts per split scan: the deployment machines have two cores. */
export const PARALLEL_PARTS = 2;
/** Below this many bytes a scan is not split (starting a worker costs a few milliseconds). */
export const MIN_SPLIT_BYTES = 64 << 20;
/** How far past a cut point to look for a timed line start before giving up on that cut. */
const CUT_SEARCH_BYTES = 1 << 20;

/** Per-record check of the selector's matchers on labels read from the record (service_name). */
export function recordAccept(matchers: LabelMatcher[]): (record: LogRecord) => boolean {
  const perRecord = matchers
    .filter((m) => m.name !== 'source' && m.name !== 'filename')
    .map((m) => ({ name: m.name, test: matcherTest(m) as StringTest }));
  if (perRecord.length === 0) {
    return () => true;
  }
  // A loop, not every(): a callback over the record would be a function made per record.
  return (record) => {
    for (const t of perRecord) {
      if (!t.test(t.name === 'service_name' ? (record.label('service_name') ?? '') : '')) {
        return false;
      }
    }
    return true;
  };
}

/** The first look for a timed line: most lines are far shorter. */
const FIRST_LOOK_BYTES = 64 << 10;
/**
 * The first looks' buffer, reused (they are synchronous): in Bun a fresh 64 KiB buffer cost
 * 0.3 ms, twenty times the read itself from the page cache (measured).
 */
let firstLook: Buffer | undefined;

/**
 * The first timed line at or after the first line start after `pos`, before `limit`: its start
 * and time. Synchronous reads, as the scans' (see `forwardChunks`): small, from the page cache.
 */
function timedLineAfter(
  fd: number,
  format: LineFormat,
  pos: number,
  limit: number
): { at: number; ts: number } | undefined {
  for (let look = FIRST_LOOK_BYTES; ; look *= 4) {
    const want = Math.min(look, CUT_SEARCH_BYTES, limit - pos);
    if (want <= 0) {
      return undefined;
    }
    const buf =
      want <= FIRST_LOOK_BYTES
        ? (firstLook ??= Buffer.allocUnsafe(FIRST_LOOK_BYTES)).subarray(0, want)
        : Buffer.allocUnsafe(want);
    const bytesRead = readSync(fd, buf, 0, want, pos);
    let s = buf.indexOf(10) + 1;
    while (s > 0 && s < bytesRead) {
      const nl = buf.indexOf(10, s);
      if (nl < 0 || nl >= bytesRead) {
        break;
      }
      const ts = format.lineTs(buf, s, nl > s && buf[nl - 1] === 13 ? nl - 1 : nl);
      if (!Number.isNaN(ts)) {
        return { at: pos + s, ts };
      }
      s = nl + 1;
    }
    if (bytesRead < want || want < look || look >= CUT_SEARCH_BYTES) {
      return undefined; // looked as far as allowed
    }
  }
}

/**
 * Cuts a plan of a plain file into up to `parts` parts of even shares, each starting at a timed
 * line (one part when the range is smaller than `minSplitBytes` or no cut was found); undefined
 * when the plan is not a scan of a plain file (or reads listed records only).
 */
export function splitPlan(
  plan: FileScanPlan,
  matchers: LabelMatcher[],
  parts: number,
  minSplitBytes = MIN_SPLIT_BYTES
): ScanPart[] | undefined {
  const { fh, start, end } = plan;
  if (fh === undefined || plan.gzip || plan.onComplete || plan.listed) {
    return undefined;
  }
  const count = end - start < minSplitBytes ? 1 : parts;
  const cuts: Array<{ at: number; ts: number }> = [];
  for (let k = 1; k < count; k++) {
    const from = Math.max(start + Math.floor(((end - start) * k) / count), cuts[cuts.length - 1]?.at ?? start);
    const cut = timedLineAfter(fh.fd, plan.format, from, end);
    if (cut !== undefined && cut.at > start && cut.at < end && cut.at > (cuts[cuts.length - 1]?.at ?? start)) {
      cuts.push(cut);
    }
  }
  const bounds = [{ at: start, ts: plan.firstTs }, ...cuts, { at: end, ts: NaN }];
  const out: ScanPart[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const holdTail = k + 2 === bounds.length ? plan.holdTail : false;
    // A part after a cut starts with its timed line: untimed lines get that line's time at most.
    out.push(partOf(plan, matchers, { start: bounds[k].at, end: bounds[k + 1].at, firstTs: bounds[k].ts, holdTail }));
  }
  return out;
}

/**
 * A literal search of a whole gzip file as one part, for the search worker: gzip cannot be cut,
 * and inflating costs far more per byte than searching a plain file (measured on the bench's
 * corpus: its 18 rotated siblings, 0.85 MB of gzip, took 40 ms of this thread in every search).
 * Undefined when the plan is not a gzip file.
 */
export function gzipPart(plan: FileScanPlan, matchers: LabelMatcher[]): ScanPart | undefined {
  if (!plan.gzip) {
    return undefined;
  }
  return { ...partOf(plan, matchers, plan), gzip: true, learnSpan: plan.onComplete !== undefined };
}

/** The part of `plan` over `range`, as plain data (it is posted to a worker). */
function partOf(
  plan: FileScanPlan,
  matchers: LabelMatcher[],
  range: Pick<FileScanPlan, 'start' | 'end' | 'firstTs' | 'holdTail'>
): ScanPart {
  return {
    path: plan.path,
    format: plan.format.name,
    ctx: { ...plan.ctx },
    direction: plan.direction,
    start: range.start,
    end: range.end,
    holdTail: range.holdTail,
    fromMs: plan.fromMs,
    toMs: plan.toMs,
    literals: plan.literals.map((l) => new Uint8Array(l)),
    literalGroups: plan.literalGroups?.map((group) => group.map((l) => new Uint8Array(l))),
    matchers,
    firstTs: range.firstTs,
  };
}

/** A view of posted bytes as a Buffer (a worker receives them as a plain Uint8Array). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A scanner over one part (it opens and closes the file itself). `transient`: its consumer is done
 * with each batch of records (and their bytes) before asking for the next, so chunk memory is
 * reused (see FileScanPlan).
 */
export function partScanner(
  part: ScanPart,
  budget: ScanBudget,
  options: Pick<FileScanPlan, 'transient' | 'onRecordBytes' | 'onComplete'> = {}
): FileScanner {
  const plan: FileScanPlan = {
    path: part.path,
    gzip: part.gzip === true,
    format: FORMATS[part.format],
    ctx: part.ctx,
    start: part.start,
    end: part.end,
    holdTail: part.holdTail,
    direction: part.direction,
    fromMs: part.fromMs,
    toMs: part.toMs,
    literals: part.literals.map(asBuffer),
    literalGroups: part.literalGroups?.map((group) => group.map(asBuffer)),
    accept: recordAccept(part.matchers),
    firstTs: part.firstTs,
    ...options,
  };
  return new FileScanner(plan, budget);
}
