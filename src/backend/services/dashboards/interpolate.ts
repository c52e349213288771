/**
 * Template-variable substitution in dashboard queries, as Grafana does it before a query reaches a
 * data source: `$name`, `${name}`, `${name:format}` and `[[name]]`; the time-range built-ins
 * `$__interval`, `$__range` (and `_ms`/`_s`); anything unknown (such as `$__auto`, which Loki's data
 * source and this plugin's backend expand themselves) stays as written. Used by the dashboard
 * tests to run every panel's query as a user's browser would send it.
 */
import { formatLogQLVariable } from '../../../datasource/templating';
import { formatDuration } from '../datasource/macros';

export interface VariableValue {
  value: string | string[];
  /** Multi-value or include-all variables are regex-escaped by the data source's formatter. */
  multi?: boolean;
  includeAll?: boolean;
  /** The variable's custom all value (`allValue`), used as written when "All" is selected. */
  allValue?: string;
  /** "All" selected. */
  all?: boolean;
}

export interface InterpolationContext {
  variables: Record<string, VariableValue>;
  rangeMs: number;
  intervalMs: number;
}

// $name, ${name}, ${name:format}, [[name]], [[name:format]] — Grafana's variable regex.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

function builtIn(name: string, ctx: InterpolationContext): string | undefined {
  switch (name) {
    case '__interval':
      return formatDuration(ctx.intervalMs);
    case '__interval_ms':
      return String(ctx.intervalMs);
    case '__range':
      return formatDuration(ctx.rangeMs);
    case '__range_ms':
      return String(ctx.rangeMs);
    case '__range_s':
      return String(Math.round(ctx.rangeMs / 1000));
    default:
      return undefined;
  }
}

/** Grafana's `regex` format: each value regex-escaped, several joined as `(a|b)`. */
function regexFormat(values: string[]): string {
  const escaped = values.map((v) => v.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&'));
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

function format(variable: VariableValue, fmt: string | undefined): string {
  if (variable.all && variable.allValue !== undefined) {
    // A custom all value is inserted as written, whatever the format (Grafana's CustomAllValue).
    return variable.allValue;
  }
  const values = Array.isArray(variable.value) ? variable.value : [variable.value];
  switch (fmt) {
    case undefined:
      return formatLogQLVariable(variable.value, variable);
    case 'raw':
      return values.join(',');
    case 'regex':
      return regexFormat(values);
    case 'pipe':
      return values.join('|');
    case 'queryparam':
      throw new Error('queryparam is a link format, not a query format');
    default:
      throw new Error(`variable format ${fmt} is not used by these dashboards`);
  }
}

export function interpolate(text: string, ctx: InterpolationContext): string {
  return text.replace(
    VARIABLE,
    (
      match,
      plain?: string,
      bracket?: string,
      bracketFmt?: string,
      braced?: string,
      _path?: string,
      bracedFmt?: string
    ) => {
      const name = plain ?? bracket ?? braced ?? '';
      const variable = ctx.variables[name];
      if (variable) {
        return format(variable, bracketFmt ?? bracedFmt);
      }
      return builtIn(name, ctx) ?? match;
    }
  );
}

/** The variable names a text refers to (built-ins such as `$__range` excluded). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? m[2] ?? m[4];
    if (name && !name.startsWith('__')) {
      names.add(name);
    }
  }
  return [...names];
}
