/**
 * Grafana template variables in a LogQL text, masked so the grammar accepts them: `$__auto` in a
 * range becomes a duration, `$label` elsewhere an identifier, each of the same length so offsets
 * (error markers, completion) stay those of the text the user sees. Strings are left alone.
 */
const VARIABLE = /\$(?:\{[^}\s]+\}|\w+)|\[\[\w+(?::\w+)?\]\]/y;

export function maskVariables(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === '`') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    VARIABLE.lastIndex = i;
    const match = VARIABLE.exec(text);
    if (match && (c === '$' || text.startsWith('[[', i))) {
      const length = match[0].length;
      out += /\[\s*$/.test(out) ? `${'1'.repeat(length - 1)}s` : `v${'_'.repeat(length - 1)}`;
      i += length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  const close = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== close) {
    i += close === '"' && text[i] === '\\' ? 2 : 1;
  }
  return Math.min(i + 1, text.length);
}
