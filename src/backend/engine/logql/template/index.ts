/**
 * Loki's `line_format` / `label_format` templates (Go text/template subset with Loki's and
 * sprig's functions). Parse once per query with `compileTemplate`, execute per record.
 */
import { execute } from './exec';
import { isKnownFunction } from './functions';
import { parseTemplateNodes, TemplateParseError, type Node } from './parse';
import { TemplateExecError } from './values';

export { TemplateExecError, TemplateParseError };

export interface CompiledTemplate {
  /**
   * Label names the template reads as `.name`, or undefined when it reads the whole label map
   * (`.`, `$`), so callers can build only the labels a template needs.
   */
  readonly fields: string[] | undefined;
  /** Throws TemplateExecError on runtime errors (the caller sets `__error__=TemplateFormatErr`). */
  execute(labels: Record<string, string>, line: string, tsMs: number): string;
}

/** Parses and validates a template (unknown functions are errors). Throws TemplateParseError. */
export function parseTemplate(text: string): Node[] {
  return parseTemplateNodes(text, isKnownFunction);
}

export function compileTemplate(text: string): CompiledTemplate {
  const nodes = parseTemplate(text);
  return {
    fields: collectFields(nodes),
    execute: (labels, line, tsMs) => execute(nodes, labels, line, tsMs),
  };
}

function collectFields(nodes: Node[]): string[] | undefined {
  const out = new Set<string>();
  let wholeMap = false;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      const v = value as { type?: string; base?: unknown; path?: string[] };
      if (v.type === 'field') {
        const isDot = v.base === 'dot' || (v.base as { variable?: string }).variable === '$';
        if (isDot && v.path?.length) {
          out.add(v.path[0]);
        } else if (isDot) {
          wholeMap = true;
        }
      }
      Object.values(value).forEach(visit);
    }
  };
  visit(nodes);
  return wholeMap ? undefined : [...out];
}
