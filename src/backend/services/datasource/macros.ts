/**
 * Grafana's interval and range macros inside LogQL. The frontend interpolates them for panels and
 * Explore, but alert rules and other server-side queries reach the backend untouched, so the
 * backend expands them the way Grafana's Loki data source does.
 */

export interface MacroContext {
  intervalMs: number;
  rangeMs: number;
  /** The query's step (range queries) — what `$__auto` stands for there. */
  stepMs: number;
  instant: boolean;
}

/** Longest first, so `$__interval_ms` is not read as `$__interval` + `_ms`. */
const MACROS: Array<[name: string, value: (ctx: MacroContext) => string]> = [
  ['__interval_ms', (ctx) => String(Math.round(ctx.intervalMs))],
  ['__interval', (ctx) => formatDuration(ctx.intervalMs)],
  ['__range_ms', (ctx) => String(Math.round(ctx.rangeMs))],
  ['__range_s', (ctx) => String(Math.round(ctx.rangeMs / 1000))],
  ['__range', (ctx) => formatDuration(ctx.rangeMs)],
  // Loki's data source: a range query's window is its step, an instant query's is the whole range.
  ['__auto', (ctx) => formatDuration(ctx.instant ? ctx.rangeMs : ctx.stepMs)],
];

export function expandMacros(expr: string, ctx: MacroContext): string {
  let out = expr;
  for (const [name, value] of MACROS) {
    const pattern = new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])`, 'g');
    out = out.replace(pattern, () => value(ctx));
  }
  return out;
}

const UNITS: Array<[suffix: string, ms: number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The largest unit that expresses `ms` exactly (`90000` → `90s`, `3600000` → `1h`), at least 1ms. */
export function formatDuration(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  for (const [suffix, size] of UNITS) {
    if (whole % size === 0) {
      return `${whole / size}${suffix}`;
    }
  }
  return `${whole}ms`;
}
