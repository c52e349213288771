/**
 * `--from`/`--to` as operators type them: ISO-8601 timestamps (a time without a zone is UTC), a
 * plain date (midnight UTC), epoch seconds/ms/ns, `now`, and `now-1h` / `now+15m`.
 */
import { parseDuration } from '../engine/logql/parser';
import { parseTimestamp } from '../engine/time';

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE = /^now\s*(?:([+-])\s*(\S+))?$/;

export function parseTimeOption(text: string, nowMs: number): number | { error: string } {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    if (!relative[1]) {
      return nowMs;
    }
    const offset = durationMs(relative[2]);
    if (offset === undefined) {
      return { error: `"${text}": "${relative[2]}" is not a duration (e.g. now-1h, now-30m, now-7d)` };
    }
    return relative[1] === '-' ? nowMs - offset : nowMs + offset;
  }
  if (trimmed.startsWith('-')) {
    return { error: `"${text}" is not a time; for a time in the past write now${trimmed} (or use --since)` };
  }
  const ms = parseTimestamp(PLAIN_DATE.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isFinite(ms)) {
    return ms;
  }
  return { error: `"${text}" is not a time: use 2026-12-01, 2026-12-01T10:00:00Z, an epoch, or now-1h` };
}

function durationMs(text: string): number | undefined {
  try {
    const ms = parseDuration(text);
    return ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}
