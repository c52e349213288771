/**
 * Go values as the template engine sees them: string, int (bigint), float64 (number), bool,
 * nil (null), time.Time (GoTime), maps (plain objects) and slices (arrays).
 */

export class GoTime {
  /** Nanoseconds since the Unix epoch, UTC. */
  constructor(readonly epochNs: bigint) {}

  static fromMs(ms: number): GoTime {
    const whole = Math.floor(ms);
    return new GoTime(BigInt(whole) * BigInt(1_000_000) + BigInt(Math.round((ms - whole) * 1e6)));
  }

  /** Go's zero time, 0001-01-01 00:00:00 UTC. */
  static zero(): GoTime {
    return new GoTime(-BigInt(62135596800) * BigInt(1_000_000_000));
  }

  /** Seconds since the epoch, rounded down (Go's Unix()). */
  get unixSeconds(): bigint {
    const s = this.epochNs / BigInt(1_000_000_000);
    return this.epochNs < BigInt(0) && this.epochNs % BigInt(1_000_000_000) !== BigInt(0) ? s - BigInt(1) : s;
  }

  /** Nanoseconds within the second, 0..999999999. */
  get nanos(): number {
    return Number(this.epochNs - this.unixSeconds * BigInt(1_000_000_000));
  }
}

export type Value = string | bigint | number | boolean | null | GoTime | Value[] | { [key: string]: Value };

export class TemplateExecError extends Error {}

export function goTypeName(v: Value): string {
  if (v === null) {
    return '<nil>';
  }
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoTime) {
    return 'time.Time';
  }
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

/**
 * Go's %v formatting of a float64 (strconv 'g' with the shortest precision): exponent form when
 * the decimal exponent is < -4 or >= 6 ("1e+06", "1.5e-05"), plain digits otherwise.
 */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) {
    return 'NaN';
  }
  if (!Number.isFinite(f)) {
    return f > 0 ? '+Inf' : '-Inf';
  }
  if (f === 0) {
    return Object.is(f, -0) ? '-0' : '0';
  }
  const [mantissa, e] = f.toExponential().split('e'); // shortest round-trip digits
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 6) {
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(f);
}

/** How a value prints in `{{ }}` (Go's fmt %v). */
export function formatValue(v: Value): string {
  if (v === null) {
    return '<no value>';
  }
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (v instanceof GoTime) {
    return formatTimeDefault(v);
  }
  if (Array.isArray(v)) {
    return `[${v.map(formatNested).join(' ')}]`;
  }
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${formatNested(v[k])}`).join(' ')}]`;
}

function formatNested(v: Value): string {
  return v === null ? '<nil>' : formatValue(v);
}

/** Go truthiness: false, 0, nil, "" and empty collections are false. */
export function truthy(v: Value): boolean {
  if (v === null) {
    return false;
  }
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'bigint':
      return v !== BigInt(0);
    case 'number':
      return v !== 0;
    case 'boolean':
      return v;
  }
  if (v instanceof GoTime) {
    return true;
  }
  return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** time.Time's String(): "2006-01-02 15:04:05.999999999 +0000 UTC". */
function formatTimeDefault(t: GoTime): string {
  const d = new Date(Number(t.unixSeconds) * 1000);
  const frac = t.nanos ? '.' + pad(t.nanos, 9).replace(/0+$/, '') : '';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${frac} +0000 UTC`
  );
}
