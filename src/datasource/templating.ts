/**
 * Template-variable interpolation for LogQL, following Grafana's Loki data source: a single-value
 * variable is inserted as typed (the user may well want a regex), while multi-value and "All"
 * values are regex-escaped and joined with `|` so that `label=~"$var"` matches any of them.
 */
// Characters with a meaning in RE2 syntax.
const REGEX_META = /[$^*{}[\]+?.()|]/g;

/** Escapes one value so an RE2 regex matches exactly it: `a.b` → `a\.b`. */
export function escapeRegex(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(REGEX_META, '\\$&');
}

/**
 * Escapes one value for use inside a regex that itself sits in a LogQL double-quoted string, so
 * every escape is doubled: `a.b` → `a\\.b`, `\` → `\\\\`. Double quotes are escaped once so a
 * value cannot close the string (Loki's data source leaves them as they are).
 */
export function escapeLogQLRegexValue(value: string): string {
  return escapeRegex(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The parts of a variable model that decide how its value is formatted. */
interface VariableFlags {
  multi?: boolean;
  includeAll?: boolean;
}

/** The `format` callback for templateSrv.replace on LogQL expressions. */
export function formatLogQLVariable(value: string | string[], variable: VariableFlags): string {
  if (!variable.multi && !variable.includeAll) {
    return Array.isArray(value) ? value.join('|') : value;
  }
  const values = Array.isArray(value) ? value : [value];
  return values.map(escapeLogQLRegexValue).join('|');
}
