/**
 * The part of Monaco that logql/monaco.ts and the code editor use, over a plain string: jsdom
 * cannot run Monaco itself. Positions are 1-based lines and columns, as Monaco's.
 */
import type { Monaco, monacoTypes } from '@grafana/ui';

export interface FakeMarker {
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export function fakeModel(text: string) {
  let value = text;
  const lineStarts = () => [0, ...[...value.matchAll(/\n/g)].map((m) => m.index! + 1)];
  return {
    id: 'model-1',
    getValue: () => value,
    setValue: (next: string) => {
      value = next;
    },
    getOffsetAt: ({ lineNumber, column }: { lineNumber: number; column: number }) =>
      lineStarts()[lineNumber - 1] + column - 1,
    getPositionAt: (offset: number) => {
      const starts = lineStarts();
      let line = starts.length - 1;
      while (starts[line] > offset) {
        line--;
      }
      return { lineNumber: line + 1, column: offset - starts[line] + 1 };
    },
  };
}

export type FakeModel = ReturnType<typeof fakeModel>;

export function fakeMonaco() {
  const markers = new Map<string, FakeMarker[]>();
  const providers: monacoTypes.languages.CompletionItemProvider[] = [];
  const monaco = {
    Range: class {
      constructor(
        readonly startLineNumber: number,
        readonly startColumn: number,
        readonly endLineNumber: number,
        readonly endColumn: number
      ) {}
    },
    MarkerSeverity: { Error: 8 },
    KeyMod: { Shift: 1024 },
    KeyCode: { Enter: 3 },
    languages: {
      CompletionItemKind: { Function: 1, Field: 3, Enum: 15, EnumMember: 16, Keyword: 17, Operator: 11, Unit: 12 },
      CompletionItemInsertTextRule: { InsertAsSnippet: 4 },
      getLanguages: jest.fn(() => [] as Array<{ id: string }>),
      register: jest.fn(),
      setMonarchTokensProvider: jest.fn(),
      setLanguageConfiguration: jest.fn(),
      registerCompletionItemProvider: jest.fn((_: string, provider: monacoTypes.languages.CompletionItemProvider) => {
        providers.push(provider);
        return { dispose: () => providers.splice(providers.indexOf(provider), 1) };
      }),
    },
    editor: {
      setModelMarkers: jest.fn((model: FakeModel, owner: string, list: FakeMarker[]) => {
        markers.set(owner, list);
      }),
    },
  };
  return { monaco: monaco as unknown as Monaco, markers, providers };
}
