/**
 * Trace-id fingerprints: 32-bit FNV-1a hashes of every 32-character window of every run of
 * ≥ 32 hex digits ([0-9a-fA-F]) in a block's bytes. A literal that contains such a run can only
 * occur in a line whose bytes contain the literal's first 32-hex window inside a maximal hex run
 * of ≥ 32 digits — so a block whose fingerprints lack the window's hash cannot hold the literal
 * (no false negatives; false positives ≈ distinct ids per block / 2³²).
 *
 * Scanning probes one byte in WINDOW: any run of ≥ WINDOW digits covers a probed position.
 */

/** Hex digits of a trace id (W3C / OTLP: 16 bytes). */
export const WINDOW = 32;

const IS_HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') {
  IS_HEX[c.charCodeAt(0)] = 1;
}

function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Adds the fingerprints of the hex runs of ≥ WINDOW digits in `b[start, end)` to `out`. Runs do
 * not continue across `start`/`end` (callers pass whole lines or records).
 */
export function collectFingerprints(b: Uint8Array, start: number, end: number, out: number[]): void {
  let scannedTo = start;
  for (let p = start + WINDOW - 1; p < end; p += WINDOW) {
    if (!IS_HEX[b[p]] || p < scannedTo) {
      continue;
    }
    let s = p;
    while (s > start && IS_HEX[b[s - 1]]) {
      s--;
    }
    let e = p + 1;
    while (e < end && IS_HEX[b[e]]) {
      e++;
    }
    scannedTo = e;
    for (let w = s; w + WINDOW <= e; w++) {
      out.push(fnv1a(b, w, w + WINDOW));
    }
  }
}

/**
 * The fingerprint that every line containing `literal` has, or undefined when the literal holds
 * no run of WINDOW hex digits (the index cannot narrow such a search).
 */
export function literalFingerprint(literal: Uint8Array): number | undefined {
  let run = 0;
  for (let i = 0; i < literal.length; i++) {
    run = IS_HEX[literal[i]] ? run + 1 : 0;
    if (run === WINDOW) {
      return fnv1a(literal, i + 1 - WINDOW, i + 1);
    }
  }
  return undefined;
}

/** Sorted distinct values (the block's fingerprint set). */
export function fingerprintSet(values: number[]): Uint32Array {
  const sorted = Uint32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[n - 1]) {
      sorted[n++] = sorted[i];
    }
  }
  return sorted.slice(0, n);
}

/**
 * Whether a block's set has `value`. A native linear search, not a binary search: a set holds a
 * few hundred to a few thousand values, and a look-up checks every block of every file (measured
 * over 7 059 blocks: 0.3 ms against 1.2–2.3 ms once compiled, 10 ms against 16 ms on first use).
 */
export function hasFingerprint(set: Uint32Array, value: number): boolean {
  return set.includes(value);
}
