/**
 * The stream labels every record carries (docs/labels.md): the only names that belong in a
 * `{...}` selector. Everything else (structured metadata, parsed fields) is filtered with
 * `| name="value"` after the parsers. The engine and the frontend's query edits agree on this list.
 */
export const STREAM_LABEL_NAMES: readonly string[] = ['source', 'service_name', 'filename'];

export function isStreamLabel(name: string): boolean {
  return STREAM_LABEL_NAMES.includes(name);
}
