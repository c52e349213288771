/**
 * Finding a scan's literal in its chunks, with a 16-byte part of it when it is longer.
 *
 * Bun's Buffer.indexOf (a SIMD filter on two anchor bytes of the needle, then a check of each
 * candidate) anchors a needle of up to 16 bytes on its first and last bytes, and a longer one on
 * its least repeated bytes, whose candidates it checks with a memcmp call each. Trace ids are the
 * common long needle, and in logs full of hex digits a 32-byte one makes candidates everywhere:
 * over the bench's 1.1 GB `application.jsonl`, read in blocks, the search took 103 ms for one
 * and 64 ms for its first 16 bytes.
 *
 * Which part matters: the filter first tests 32 starts at once for the first anchor byte and
 * branches on the outcome, so an anchor byte found in about half of such blocks costs a
 * mispredicted branch each time. A byte found in nearly every block (the haystack's most frequent
 * bytes: `e`, `a` in these logs) is predictable: over 400 MB, read included, the 16-byte windows
 * of the same trace id took 53–56 ms when they started with such a byte and up to 79 ms otherwise
 * (85 ms when both anchors were such bytes: they then meet often). So the probe is the window
 * of the needle whose first byte is most frequent in a sample of the first chunk searched (ties:
 * the rarer last byte, so that both anchors seldom meet). The needle itself is checked at each
 * probe hit.
 *
 * A probe can be common where the needle is not (a JSON key that starts it, on every line): once
 * probe hits that are not the needle outnumber one per MISS_SPACING_BYTES searched, the needle is
 * looked for whole for the rest of the scan.
 */
export const PROBE_BYTES = 16;
const SAMPLE_BYTES = 16 << 10;
const MISS_SPACING_BYTES = 64 << 10;
/** Misses always allowed (a few near-misses in a small file). */
const FREE_MISSES = 16;

export class NeedleSearch {
  /** The probe's place in the needle; undefined: not chosen yet (no chunk seen). */
  private probeAt: number | undefined;
  private probe: Buffer | undefined;
  private misses = 0;
  private searched = 0;

  constructor(readonly needle: Buffer) {}

  /** Whether probe hits are checked (false: the needle is looked for whole). */
  get probing(): boolean {
    return this.probe !== undefined;
  }

  /** The first index of the needle in `buf` at or after `from`, or -1 (as `buf.indexOf`). */
  indexIn(buf: Buffer, from: number): number {
    if (this.probeAt === undefined) {
      this.chooseProbe(buf);
    }
    const { needle } = this;
    const probeAt = this.probeAt!;
    for (let at = from; ;) {
      const probe = this.probe;
      if (probe === undefined) {
        return buf.indexOf(needle, at);
      }
      const hit = buf.indexOf(probe, at + probeAt);
      if (hit < 0) {
        this.searched += buf.length - at;
        return -1;
      }
      const start = hit - probeAt;
      if (start + needle.length > buf.length) {
        return -1; // any later hit ends past the buffer too
      }
      if (buf.compare(needle, 0, needle.length, start, start + needle.length) === 0) {
        this.searched += start - at;
        return start;
      }
      this.searched += start + 1 - at;
      if (++this.misses > FREE_MISSES && this.misses * MISS_SPACING_BYTES > this.searched) {
        this.probe = undefined;
      }
      at = start + 1;
    }
  }

  private chooseProbe(sample: Buffer): void {
    const { needle } = this;
    this.probeAt = 0;
    if (needle.length <= PROBE_BYTES) {
      return; // searched whole
    }
    const counts = new Uint32Array(256);
    for (let i = 0, end = Math.min(sample.length, SAMPLE_BYTES); i < end; i++) {
      counts[sample[i]]++;
    }
    let best = 0;
    for (let at = 1; at + PROBE_BYTES <= needle.length; at++) {
      const first = counts[needle[at]] - counts[needle[best]];
      const last = counts[needle[at + PROBE_BYTES - 1]] - counts[needle[best + PROBE_BYTES - 1]];
      if (first > 0 || (first === 0 && last < 0)) {
        best = at;
      }
    }
    this.probeAt = best;
    this.probe = needle.subarray(best, best + PROBE_BYTES);
  }
}
