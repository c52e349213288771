/** Executes parsed templates against a record's labels, line and timestamp. */
import { FUNCTIONS, type CallContext } from './functions';
import type { Command, Node, Operand, Pipeline } from './parse';
import { formatValue, goTypeName, GoTime, TemplateExecError, truthy, type Value } from './values';

/** Output bigger than this is an error (a `repeat` in a loop must not exhaust memory). */
const MAX_OUTPUT = 4 * 1024 * 1024;

interface Scope extends CallContext {
  root: Record<string, string>;
  dot: Value;
  vars: Map<string, Value>;
}

export function execute(nodes: Node[], labels: Record<string, string>, line: string, tsMs: number): string {
  const scope: Scope = { root: labels, dot: labels, line, tsMs, vars: new Map([['$', labels]]) };
  const out: string[] = [];
  let size = 0;
  const run = (list: Node[]): void => {
    for (const node of list) {
      switch (node.type) {
        case 'text':
          out.push(node.text);
          size += node.text.length;
          break;
        case 'action': {
          const v = evalPipeline(node.pipe, scope);
          if (!node.pipe.variable) {
            const text = formatValue(v);
            out.push(text);
            size += text.length;
          }
          break;
        }
        case 'if':
        case 'with': {
          const v = evalPipeline(node.pipe, scope);
          if (truthy(v)) {
            if (node.type === 'with') {
              const saved = scope.dot;
              scope.dot = v;
              run(node.then);
              scope.dot = saved;
            } else {
              run(node.then);
            }
          } else {
            run(node.else);
          }
          break;
        }
      }
      if (size > MAX_OUTPUT) {
        throw new TemplateExecError('template output too large');
      }
    }
  };
  run(nodes);
  return out.join('');
}

function evalPipeline(pipe: Pipeline, scope: Scope): Value {
  let value: Value | undefined;
  for (const command of pipe.commands) {
    value = evalCommand(command, scope, value);
  }
  const result = value ?? null;
  if (pipe.variable) {
    if (!pipe.variable.declare && !scope.vars.has(pipe.variable.name)) {
      throw new TemplateExecError(`undefined variable: ${pipe.variable.name}`);
    }
    scope.vars.set(pipe.variable.name, result);
  }
  return result;
}

function evalCommand(command: Command, scope: Scope, piped: Value | undefined): Value {
  if (command.type === 'operand') {
    if (piped !== undefined) {
      throw new TemplateExecError(`can't give argument to non-function`);
    }
    return evalOperand(command.operand, scope);
  }
  const name = command.name;
  if (name === 'and' || name === 'or') {
    const thunks = command.args.map((a) => () => evalOperand(a, scope));
    if (piped !== undefined) {
      thunks.push(() => piped);
    }
    if (thunks.length === 0) {
      throw new TemplateExecError(`wrong number of args for ${name}: want at least 1 got 0`);
    }
    let v: Value = null;
    for (const thunk of thunks) {
      v = thunk();
      if (truthy(v) === (name === 'or')) {
        return v;
      }
    }
    return v;
  }
  const args = command.args.map((a) => evalOperand(a, scope));
  if (piped !== undefined) {
    args.push(piped);
  }
  try {
    return FUNCTIONS[name](args, scope);
  } catch (e) {
    if (e instanceof TemplateExecError) {
      throw new TemplateExecError(`template: error calling ${name}: ${e.message}`);
    }
    throw new TemplateExecError(`template: error calling ${name}: ${(e as Error).message}`);
  }
}

function evalOperand(op: Operand, scope: Scope): Value {
  switch (op.type) {
    case 'string':
    case 'number':
    case 'bool':
      return op.value;
    case 'nil':
      return null;
    case 'pipe':
      return evalPipeline(op.pipe, scope);
    case 'function':
      return evalCommand({ type: 'call', name: op.name, args: [] }, scope, undefined);
    case 'field': {
      let v: Value;
      if (op.base === 'dot') {
        v = scope.dot;
      } else if ('variable' in op.base) {
        if (!scope.vars.has(op.base.variable)) {
          throw new TemplateExecError(`undefined variable: ${op.base.variable}`);
        }
        v = scope.vars.get(op.base.variable)!;
      } else {
        v = evalPipeline(op.base.pipe, scope);
      }
      for (const key of op.path) {
        v = field(v, key, scope);
      }
      return v;
    }
  }
}

/** `.key` on a map; labels (map[string]string) give "" for missing keys, as missingkey=zero does. */
function field(v: Value, key: string, scope: Scope): Value {
  if (v === scope.root) {
    return Object.hasOwn(scope.root, key) ? scope.root[key] : '';
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoTime)) {
    return Object.hasOwn(v, key) ? (v as Record<string, Value>)[key] : null;
  }
  if (v === null) {
    throw new TemplateExecError(`nil pointer evaluating interface {}.${key}`);
  }
  throw new TemplateExecError(`can't evaluate field ${key} in type ${goTypeName(v)}`);
}
