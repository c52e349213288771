/**
 * LogQL in Monaco: the `logql` language (Monarch tokens, brackets), a completion provider over
 * situation.ts + completion.ts, and problem markers. Written against the small part of the
 * Monaco API it uses, so it is tested with a Monaco-shaped fake (jsdom cannot run Monaco).
 */
import type { Monaco, monacoTypes } from '@grafana/ui';
import { AGGREGATION_OPERATORS, RANGE_VEC_FUNCTIONS } from '@grafana/lezer-logql';

import { completionsFor, replacedFrom, type CompletionData, type CompletionKind } from './completion';
import { situationAt } from './situation';
import type { QueryProblem } from './validation';

export const LOGQL_LANGUAGE_ID = 'logql';

const KEYWORDS = [
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'json', 'logfmt', 'pattern', 'regexp', 'unpack', 'line_format', 'label_format', 'unwrap', 'drop', 'keep',
  'decolorize', 'ip', 'duration', 'duration_seconds', 'bytes',
];
const FUNCTIONS = [
  ...RANGE_VEC_FUNCTIONS.map((fn) => fn.label),
  ...AGGREGATION_OPERATORS.map((op) => op.label),
  'vector', 'label_replace', 'sort', 'sort_desc',
];

export const logqlMonarch: monacoTypes.languages.IMonarchLanguage = {
  keywords: KEYWORDS,
  functions: FUNCTIONS,
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [/"/, 'string', '@doubleQuoted'],
      [/`/, 'string', '@backQuoted'],
      [/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/, 'variable'],
      [/\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y|b|kib|kb|mib|mb|gib|gb|tib|tb|pib|pb|eib|eb)?\b/i, 'number'],
      [/[a-zA-Z_][\w]*/, { cases: { '@keywords': 'keyword', '@functions': 'type', '@default': 'identifier' } }],
      [/\|=|!=|\|~|!~|\|>|!>|=~|==|>=|<=|[=<>|+\-*/%^]/, 'operator'],
      [/[{}()[\]]/, '@brackets'],
      [/,/, 'delimiter'],
    ],
    doubleQuoted: [
      [/[^\\"]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, 'string', '@pop'],
    ],
    backQuoted: [
      [/[^`]+/, 'string'],
      [/`/, 'string', '@pop'],
    ],
  },
};

export const logqlConfiguration: monacoTypes.languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['(', ')'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string'] },
    { open: '`', close: '`', notIn: ['string'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
};

const registered = new WeakSet<object>();

/** Registers the `logql` language once per Monaco instance (Grafana shares one between editors). */
export function ensureLogQLLanguage(monaco: Monaco): void {
  if (registered.has(monaco)) {
    return;
  }
  registered.add(monaco);
  if (!monaco.languages.getLanguages().some((language) => language.id === LOGQL_LANGUAGE_ID)) {
    monaco.languages.register({ id: LOGQL_LANGUAGE_ID });
  }
  monaco.languages.setMonarchTokensProvider(LOGQL_LANGUAGE_ID, logqlMonarch);
  monaco.languages.setLanguageConfiguration(LOGQL_LANGUAGE_ID, logqlConfiguration);
}

function completionKind(monaco: Monaco, kind: CompletionKind): monacoTypes.languages.CompletionItemKind {
  const kinds = monaco.languages.CompletionItemKind;
  const byKind: Record<CompletionKind, monacoTypes.languages.CompletionItemKind> = {
    function: kinds.Function,
    label: kinds.Enum,
    value: kinds.EnumMember,
    field: kinds.Field,
    keyword: kinds.Keyword,
    operator: kinds.Operator,
    duration: kinds.Unit,
  };
  return byKind[kind];
}

/**
 * A completion provider for one editor's model (the language is shared by every LogQL editor on
 * the page, each with its own data source and time range).
 */
export function logqlCompletionProvider(
  monaco: Monaco,
  isOwnModel: (model: monacoTypes.editor.ITextModel) => boolean,
  data: CompletionData
): monacoTypes.languages.CompletionItemProvider {
  return {
    triggerCharacters: ['{', ',', '=', '"', '|', ' ', '(', '['],
    async provideCompletionItems(model, position) {
      if (!isOwnModel(model)) {
        return { suggestions: [] };
      }
      const text = model.getValue();
      const offset = model.getOffsetAt(position);
      const situation = situationAt(text, offset);
      const items = await completionsFor(situation, data);
      const start = model.getPositionAt(replacedFrom(text, offset, situation));
      const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
      return {
        suggestions: items.map((item, index) => ({
          label: item.label,
          kind: completionKind(monaco, item.kind),
          insertText: item.insertText,
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          detail: item.detail,
          documentation: item.documentation,
          // Keep this module's order (Monaco sorts by sortText).
          sortText: String(index).padStart(5, '0'),
          range,
          command: item.retrigger ? { id: 'editor.action.triggerSuggest', title: '' } : undefined,
        })),
      };
    },
  };
}

export const MARKER_OWNER = 'logql';

/** Shows `problems` as error markers on `model` (an empty list clears them). */
export function showProblems(monaco: Monaco, model: monacoTypes.editor.ITextModel, problems: QueryProblem[]): void {
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    problems.map((problem) => {
      const start = model.getPositionAt(problem.from);
      const end = model.getPositionAt(problem.to);
      return {
        message: problem.message,
        severity: monaco.MarkerSeverity.Error,
        startLineNumber: start.lineNumber,
        startColumn: start.column,
        endLineNumber: end.lineNumber,
        endColumn: end.column,
      };
    })
  );
}
