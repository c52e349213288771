/**
 * Timestamp parsing and conversion. Times are epoch milliseconds whose fraction carries
 * microseconds (see model.ts). Parsers work on raw bytes so the scan never decodes a line or
 * builds a Date just to read its time; string inputs go through a latin1 view of the string.
 *
 * Accepted:
 * - ISO-8601 / RFC 3339: `YYYY-MM-DD`, `T` or space, `HH:MM[:SS[.frac|,frac]]`, optional zone
 *   (`Z`, `+HH:MM`, `+HHMM`, `+HH`). **No zone means UTC.** Fractions beyond µs are rounded.
 * - Epoch numbers by magnitude: < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds,
 *   otherwise nanoseconds.
 * - Traefik's common-log date `20/Nov/2026:10:00:00 +0000`.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function digits(b: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9 || i >= b.length) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/** End offset of the last successful `parseIsoPrefix` (exclusive). */
export let isoParseEnd = 0;

/**
 * Parses an ISO-8601 timestamp starting at `start` (not beyond `end`); returns epoch ms or NaN.
 * Sets `isoParseEnd` to where the timestamp ended, so callers can require an exact match.
 */
export function parseIsoPrefix(b: Uint8Array, start: number, end: number): number {
  if (end - start < 16) {
    return NaN;
  }
  const year = digits(b, start, 4);
  if (year < 0 || b[start + 4] !== 45 || b[start + 7] !== 45) {
    return NaN;
  }
  const month = digits(b, start + 5, 2);
  const day = digits(b, start + 8, 2);
  const sep = b[start + 10];
  if (month < 1 || month > 12 || day < 1 || day > 31 || (sep !== 84 && sep !== 32 && sep !== 116)) {
    return NaN;
  }
  const hour = digits(b, start + 11, 2);
  const minute = digits(b, start + 14, 2);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || b[start + 13] !== 58) {
    return NaN;
  }
  let i = start + 16;
  let second = 0;
  let micros = 0;
  if (i < end && b[i] === 58) {
    second = digits(b, i + 1, 2);
    if (second < 0 || second > 60 || i + 3 > end) {
      return NaN;
    }
    i += 3;
    if (i < end && (b[i] === 46 || b[i] === 44)) {
      i++;
      let scale = 100_000;
      let rest = 0;
      let restScale = 0.1;
      const fracStart = i;
      while (i < end && b[i] >= 48 && b[i] <= 57) {
        const d = b[i] - 48;
        if (scale >= 1) {
          micros += d * scale;
          scale /= 10;
        } else {
          rest += d * restScale;
          restScale /= 10;
        }
        i++;
      }
      if (i === fracStart) {
        return NaN;
      }
      micros += Math.round(rest);
    }
  }
  let offsetMinutes = 0;
  if (i < end) {
    const c = b[i];
    if (c === 90 || c === 122) {
      i++;
    } else if (c === 43 || c === 45) {
      const oh = digits(b, i + 1, 2);
      if (oh >= 0 && i + 3 <= end) {
        let om = 0;
        let next = i + 3;
        if (next < end && b[next] === 58) {
          om = digits(b, next + 1, 2);
          next += 3;
        } else if (next + 2 <= end && digits(b, next, 2) >= 0) {
          om = digits(b, next, 2);
          next += 2;
        }
        if (om >= 0 && next <= end) {
          offsetMinutes = (oh * 60 + om) * (c === 45 ? -1 : 1);
          i = next;
        }
      }
    }
  }
  isoParseEnd = i;
  const days = daysFromCivil(year, month, day);
  return days * MS_PER_DAY + hour * 3_600_000 + (minute - offsetMinutes) * 60_000 + second * 1000 + micros / 1000;
}

/** Epoch number of unknown unit → ms, told apart by magnitude. */
export function epochToMs(n: number): number {
  const a = Math.abs(n);
  if (a < 1e11) {
    return n * 1000;
  }
  if (a < 1e14) {
    return n;
  }
  if (a < 1e17) {
    return Math.round(n) / 1000;
  }
  return Math.round(n / 1000) / 1000;
}

/** Parses `b[start,end)` entirely as an ISO timestamp or an epoch number; NaN otherwise. */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number): number {
  const ms = parseIsoPrefix(b, start, end);
  if (!Number.isNaN(ms)) {
    return isoParseEnd === end ? ms : NaN;
  }
  if (end - start > 0 && end - start < 32) {
    const c = b[start];
    if ((c >= 48 && c <= 57) || c === 45) {
      const n = Number(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1'));
      return Number.isFinite(n) ? epochToMs(n) : NaN;
    }
  }
  return NaN;
}

/** Parses a timestamp string (ISO-8601, or epoch digits by magnitude). NaN when not a timestamp. */
export function parseTimestamp(text: string): number {
  const b = Buffer.from(text.trim(), 'latin1');
  return parseTimestampBytes(b, 0, b.length);
}

/** A JSON value (number or string) → ms, NaN when it is not a timestamp. */
export function timestampFromValue(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? epochToMs(value) : NaN;
  }
  return typeof value === 'string' ? parseTimestamp(value) : NaN;
}

/** Month numbers by their three bytes as one number (read per line: no string is made for them). */
const MONTHS = new Map(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((name, i) => [
    threeBytes(Buffer.from(name, 'latin1'), 0),
    i + 1,
  ])
);

function threeBytes(b: Uint8Array, at: number): number {
  return (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
}

/** Parses Traefik's common-log date `20/Nov/2026:10:00:00 +0000` at `start`; NaN otherwise. */
export function parseClfDate(b: Uint8Array, start: number, end: number): number {
  if (end - start < 20 || b[start + 2] !== 47 || b[start + 6] !== 47 || b[start + 11] !== 58) {
    return NaN;
  }
  const day = digits(b, start, 2);
  const month = MONTHS.get(threeBytes(b, start + 3)) ?? 0;
  const year = digits(b, start + 7, 4);
  const hour = digits(b, start + 12, 2);
  const minute = digits(b, start + 15, 2);
  const second = digits(b, start + 18, 2);
  if (day < 1 || month < 1 || year < 0 || hour < 0 || minute < 0 || second < 0) {
    return NaN;
  }
  let offsetMinutes = 0;
  const z = start + 20;
  if (z + 5 <= end && b[z] === 32 && (b[z + 1] === 43 || b[z + 1] === 45)) {
    const oh = digits(b, z + 2, 2);
    const om = digits(b, z + 4, 2);
    if (oh >= 0 && om >= 0) {
      offsetMinutes = (oh * 60 + om) * (b[z + 1] === 45 ? -1 : 1);
    }
  }
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + (minute - offsetMinutes) * 60_000 + second * 1000
  );
}

/** Epoch ms (fraction = µs) → Loki's nanosecond decimal string, exact to the microsecond. */
export function msToNanoString(ms: number): string {
  const totalMicros = Math.round(ms * 1000);
  if (!Number.isSafeInteger(totalMicros)) {
    return BigInt(Math.round(ms)).toString() + '000000';
  }
  return totalMicros === 0 ? '0' : `${totalMicros}000`;
}

/** Loki nanosecond decimal string → epoch ms (fraction = µs, nanoseconds rounded). */
export function nanoStringToMs(ns: string): number {
  const text = ns.trim();
  if (!/^-?\d+$/.test(text)) {
    return NaN;
  }
  const thousand = BigInt(1000);
  const nanos = BigInt(text);
  return Number(nanos / thousand) / 1000 + (Number(nanos % thousand) >= 500 ? 0.001 : 0);
}

/** ms → RFC 3339 with microseconds, UTC (for notices and diagnostics). */
export function msToIso(ms: number): string {
  // Round to whole microseconds first, so .9999 ms carries into the next millisecond.
  const totalMicros = Math.round(ms * 1000);
  const micros = ((totalMicros % 1000) + 1000) % 1000;
  const iso = new Date((totalMicros - micros) / 1000).toISOString();
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
