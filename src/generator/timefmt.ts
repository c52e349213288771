/**
 * Timestamp rendering for every format the generator writes. Times are epoch microseconds (a
 * double holds them exactly). These run once per line, so they avoid `Date` except once per day.
 */

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const US_PER_SECOND = 1_000_000;
export const US_PER_DAY = 86_400 * US_PER_SECOND;

interface DayNames {
  iso: string; // 2026-11-20
  clf: string; // 20/Nov/2026
}

const dayCache = new Map<number, DayNames>();

function dayNames(day: number): DayNames {
  let names = dayCache.get(day);
  if (!names) {
    const d = new Date(day * 86_400_000);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth();
    const date = PAD2[d.getUTCDate()];
    names = { iso: `${year}-${PAD2[month + 1]}-${date}`, clf: `${date}/${MONTHS[month]}/${year}` };
    dayCache.set(day, names);
  }
  return names;
}

function clock(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor(secondOfDay / 60) % 60;
  return `${PAD2[h]}:${PAD2[m]}:${PAD2[secondOfDay % 60]}`;
}

function split(us: number): { day: number; sod: number; micros: number } {
  const day = Math.floor(us / US_PER_DAY);
  const inDay = us - day * US_PER_DAY;
  const sod = Math.floor(inDay / US_PER_SECOND);
  return { day, sod, micros: Math.floor(inDay - sod * US_PER_SECOND) };
}

/** `2026-11-20T10:00:00.123456Z` */
export function isoMicros(us: number): string {
  const { day, sod, micros } = split(us);
  return `${dayNames(day).iso}T${clock(sod)}.${PAD3[Math.floor(micros / 1000)]}${PAD3[micros % 1000]}Z`;
}

/** `2026-11-20T10:00:00Z` */
export function isoSeconds(us: number): string {
  const { day, sod } = split(us);
  return `${dayNames(day).iso}T${clock(sod)}Z`;
}

/** Python logging's default: `2026-11-20 10:00:00,123` */
export function pythonMillis(us: number): string {
  const { day, sod, micros } = split(us);
  return `${dayNames(day).iso} ${clock(sod)},${PAD3[Math.floor(micros / 1000)]}`;
}

/** Common log format: `20/Nov/2026:10:00:00 +0000` */
export function clfDate(us: number): string {
  const { day, sod } = split(us);
  return `${dayNames(day).clf}:${clock(sod)} +0000`;
}

/** `2026-11-20`, the UTC day, as used in dated rotation suffixes. */
export function isoDay(us: number): string {
  return dayNames(Math.floor(us / US_PER_DAY)).iso;
}
