/** Compiles each non-parser stage into a function over the per-record LineState. */
import type { DropStage, KeepStage, LabelFormatStage, LineFilterStage, Stage } from '../ast';
import { compileRegex, matcherTest, unanchoredTest, type StringTest } from '../regex';
import { compileTemplate, TemplateExecError, type CompiledTemplate } from '../template';
import { compileLabelFilter } from './labelFilter';
import { compileParser, type StageFn } from './parsers';
import { parseLinePattern, testLinePattern } from './pattern';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, type LineState } from './state';

export const TEMPLATE_FORMAT_ERR = 'TemplateFormatErr';

export function compileStage(stage: Stage): StageFn {
  switch (stage.kind) {
    case 'lineFilter': {
      const test = lineFilterTest(stage);
      return (s) => test(s.line);
    }
    case 'labelFilter':
      return compileLabelFilter(stage.filter);
    case 'lineFormat':
      return lineFormat(stage.template);
    case 'labelFormat':
      return labelFormat(stage);
    case 'drop':
      return drop(stage);
    case 'keep':
      return keep(stage);
    case 'decolorize':
      return decolorize();
    default:
      return compileParser(stage);
  }
}

/**
 * `|= "a" or "b"` passes lines containing any value; `!= "a" or "b"` passes lines containing
 * none (Loki: not(a or b) = not a and not b). `|= ""` passes everything, `!= ""` nothing.
 * `|~`/`!~` use unanchored regexes, `|>`/`!>` patterns (see pattern.ts).
 */
export function lineFilterTest(stage: LineFilterStage): StringTest {
  const tests: StringTest[] = stage.values.map((v): StringTest => {
    switch (stage.op) {
      case '|~':
      case '!~':
        return unanchoredTest(v);
      case '|>':
      case '!>': {
        const nodes = parseLinePattern(v);
        return (line) => testLinePattern(nodes, line);
      }
      default:
        return (line) => line.includes(v);
    }
  });
  const any: StringTest = tests.length === 1 ? tests[0] : (line) => passesAny(tests, line);
  return stage.op === '|=' || stage.op === '|~' || stage.op === '|>' ? any : (line) => !any(line);
}

/** Whether one of `tests` passes `line` (a loop: a callback would be a function made per line). */
function passesAny(tests: readonly StringTest[], line: string): boolean {
  for (const test of tests) {
    if (test(line)) {
      return true;
    }
  }
  return false;
}

/** The label map a template sees: only the fields it reads, or every label plus the error labels. */
function templateData(template: CompiledTemplate, s: LineState): Record<string, string> {
  if (template.fields === undefined) {
    return s.labels();
  }
  const data: Record<string, string> = {};
  for (const name of template.fields) {
    const v = name === ERROR_LABEL || name === ERROR_DETAILS_LABEL ? s.filterValue(name) : s.get(name);
    if (v !== undefined) {
      data[name] = v;
    }
  }
  return data;
}

/** Template runtime errors keep the line and set TemplateFormatErr, as Loki does. */
function lineFormat(text: string): StageFn {
  const template = compileTemplate(text);
  const simpleKey = /^\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(text)?.[1];
  if (simpleKey) {
    return (s) => {
      s.line = s.get(simpleKey) ?? '';
      return true;
    };
  }
  return (s) => {
    try {
      s.line = template.execute(templateData(template, s), s.line, s.record.ts);
    } catch (e) {
      if (!(e instanceof TemplateExecError)) {
        throw e;
      }
      s.setError(TEMPLATE_FORMAT_ERR, e.message);
    }
    return true;
  };
}

/**
 * `label_format dst=src` renames (src disappears; nothing happens when src is absent);
 * `dst="{{...}}"` sets dst from a template. All templates of one stage see the labels as they
 * were before its first template ran (Loki builds the map once per stage).
 */
function labelFormat(stage: LabelFormatStage): StageFn {
  const ops = stage.ops.map((op) => ({
    ...op,
    compiled: op.template !== undefined ? compileTemplate(op.template) : undefined,
  }));
  return (s) => {
    let data: Record<string, string> | undefined;
    for (const op of ops) {
      if (op.rename !== undefined) {
        const v = s.get(op.rename);
        if (v !== undefined) {
          s.set(op.dst, v);
          s.delete(op.rename);
        }
        continue;
      }
      data ??= s.labels();
      try {
        s.set(op.dst, op.compiled!.execute(data, s.line, s.record.ts));
      } catch (e) {
        if (!(e instanceof TemplateExecError)) {
          throw e;
        }
        s.setError(TEMPLATE_FORMAT_ERR, e.message);
      }
    }
    return true;
  };
}

/** `drop a, b="x"`: removes labels (matching ones only, with a matcher); can clear the error labels. */
function drop(stage: DropStage): StageFn {
  const items = stage.items.map((item) => ({
    name: item.name,
    test: item.matcher ? matcherTest(item.matcher) : undefined,
  }));
  return (s) => {
    for (const { name, test } of items) {
      if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL) {
        const value = s.errorForFilter(name);
        if (!test || test(value)) {
          if (name === ERROR_LABEL) {
            s.err = '';
          } else {
            s.errDetails = '';
          }
          s.delete(name);
        }
      } else if (test ? test(s.get(name) ?? '') : s.get(name) !== undefined) {
        s.delete(name);
      }
    }
    return true;
  };
}

/** `keep a, b="x"`: removes every label not listed (or not matching); error labels always stay. */
function keep(stage: KeepStage): StageFn {
  if (stage.items.length === 0) {
    return () => true;
  }
  const items = stage.items.map((item) => ({
    name: item.name,
    test: item.matcher ? matcherTest(item.matcher) : undefined,
  }));
  // A loop in one function made here, not a callback made per label of every record.
  const keeps = (name: string, value: string): boolean => {
    for (const item of items) {
      if (item.name === name && (!item.test || item.test(value))) {
        return true;
      }
    }
    return false;
  };
  return (s) => {
    for (const name of s.names()) {
      if (!keeps(name, s.get(name) ?? '')) {
        s.delete(name);
      }
    }
    return true;
  };
}

/** ANSI escape sequences (the pattern Loki uses, from acarl005/stripansi). */
const ANSI_PATTERN =
  '[\\x{1B}\\x{9B}][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))';

function decolorize(): StageFn {
  const re = compileRegex(ANSI_PATTERN);
  return (s) => {
    const line = s.line;
    if (line.indexOf('\x1b') >= 0 || line.indexOf('\x9b') >= 0) {
      s.line = re.matcher(line).replaceAll('');
    }
    return true;
  };
}
