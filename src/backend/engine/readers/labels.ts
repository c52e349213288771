/** Label-name rules shared by the readers (see docs/labels.md). */

/** Module-level: a regular expression literal in a function is a new object per call. */
const NOT_NAME_CHARS = /[^a-zA-Z0-9_]/g;

/** Loki label names are `[a-zA-Z_][a-zA-Z0-9_]*`: other characters become `_`, a leading digit gets `_`. */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(NOT_NAME_CHARS, '_');
  if (out === '' || (out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57)) {
    out = '_' + out;
  }
  return out;
}

/** Loki's names for a line its json parser could not read. */
export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
export const JSON_PARSER_ERROR = 'JSONParserErr';
/** Structured metadata set on a line cut at the reader's maximum length. */
export const LINE_TRUNCATED_LABEL = 'line_truncated';

/** Per-source `service_name` when the record names no service. */
export const UNKNOWN_SERVICE = 'unknown_service';
export const ACCESS_SERVICE = 'traefik';

/** Audit fields made first-class (when absent under the canonical name), with the names they are read from. */
export const AUDIT_ALIASES: Record<string, string[]> = {
  event_type: ['eventType', 'event', 'type', 'event_name'],
  actor: ['user', 'username', 'user_name', 'principal', 'subject', 'actor_id', 'user_id'],
  outcome: ['result', 'status', 'success'],
  resource: ['target', 'object', 'resource_id', 'resource_name'],
};
