/**
 * `detected_level` exactly as Loki's distributor computes it (pkg/distributor/field_detection.go):
 * the value of a level field, compared case-insensitively against Loki's spellings; when there is
 * no field or the value is not a known spelling, Loki's substring heuristics over the whole line.
 * Results: trace, debug, info, warn, error, critical, fatal, unknown.
 */

/** Field names Loki reads the level from (its allowedLabelsForLevel), first found in the line wins. */
export const LEVEL_KEYS = ['level', 'LEVEL', 'Level', 'severity', 'SEVERITY', 'Severity', 'lvl', 'LVL', 'Lvl'];

const SPELLINGS: Record<string, string> = {
  trace: 'trace',
  trc: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  warn: 'warn',
  wrn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  critical: 'critical',
  fatal: 'fatal',
};

/** Loki's fallback when no level field gives a known spelling. */
export function detectLevelFromLine(line: string): string {
  if (line.includes('info') || line.includes('INFO')) {
    return 'info';
  }
  if (line.includes('err:') || line.includes('ERR:') || line.includes('error') || line.includes('ERROR')) {
    return 'error';
  }
  if (line.includes('warn:') || line.includes('WARN:') || line.includes('warning') || line.includes('WARNING')) {
    return 'warn';
  }
  if (line.includes('CRITICAL:') || line.includes('critical:')) {
    return 'critical';
  }
  if (line.includes('debug:') || line.includes('DEBUG:')) {
    return 'debug';
  }
  return 'unknown';
}

/** Normalises a level field's value; `line` is consulted only when the value is not a known spelling. */
export function detectedLevel(value: string | undefined, line: () => string): string {
  if (value !== undefined) {
    const known = SPELLINGS[value.toLowerCase()];
    if (known !== undefined) {
      return known;
    }
  }
  return detectLevelFromLine(line());
}
