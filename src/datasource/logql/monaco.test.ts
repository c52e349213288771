import type { monacoTypes } from '@grafana/ui';

import type { CompletionData } from './completion';
import { ensureLogQLLanguage, logqlCompletionProvider, MARKER_OWNER, showProblems } from './monaco';
import { fakeModel, fakeMonaco, type FakeModel } from './testing/fakeMonaco';
import { syntaxProblems } from './validation';

const data: CompletionData = {
  labelNames: jest.fn(async () => ['source', 'service_name']),
  labelValues: jest.fn(async () => ['application', 'audit']),
  detectedFields: jest.fn(async () => []),
};

async function suggest(textWithCursor: string) {
  const { monaco } = fakeMonaco();
  const offset = textWithCursor.indexOf('¦');
  const model = fakeModel(textWithCursor.replace('¦', ''));
  const provider = logqlCompletionProvider(monaco, (m) => m === (model as unknown), data);
  const result = await provider.provideCompletionItems(
    model as unknown as monacoTypes.editor.ITextModel,
    model.getPositionAt(offset) as monacoTypes.Position,
    {} as monacoTypes.languages.CompletionContext,
    {} as monacoTypes.CancellationToken
  );
  return result!.suggestions;
}

describe('LogQL in Monaco', () => {
  it('registers the language once per Monaco instance', () => {
    const { monaco } = fakeMonaco();
    ensureLogQLLanguage(monaco);
    ensureLogQLLanguage(monaco);
    expect(monaco.languages.register).toHaveBeenCalledTimes(1);
    expect(monaco.languages.register).toHaveBeenCalledWith({ id: 'logql' });
    expect(monaco.languages.setMonarchTokensProvider).toHaveBeenCalledTimes(1);

    const other = fakeMonaco().monaco;
    ensureLogQLLanguage(other);
    expect(other.languages.register).toHaveBeenCalledTimes(1);
  });

  it('completes a label value inside quotes, replacing the partial value only', async () => {
    const suggestions = await suggest('{source="app¦');
    expect(suggestions.map((s) => s.insertText)).toEqual(['application', 'audit']);
    // `{source="` is 9 characters: the partial value starts at column 10.
    expect(suggestions[0].range).toMatchObject({ startLineNumber: 1, startColumn: 10, endColumn: 13 });
    expect(data.labelValues).toHaveBeenCalledWith('source', '');
  });

  it('completes label names with `name=` and opens the value list next', async () => {
    const suggestions = await suggest('{¦}');
    expect(suggestions.map((s) => s.insertText)).toEqual(['source=', 'service_name=']);
    expect(suggestions[0].command).toEqual({ id: 'editor.action.triggerSuggest', title: '' });
  });

  it('offers nothing for another editor’s model', async () => {
    const { monaco } = fakeMonaco();
    const model = fakeModel('{');
    const provider = logqlCompletionProvider(monaco, () => false, data);
    const result = await provider.provideCompletionItems(
      model as unknown as monacoTypes.editor.ITextModel,
      { lineNumber: 1, column: 2 } as monacoTypes.Position,
      {} as monacoTypes.languages.CompletionContext,
      {} as monacoTypes.CancellationToken
    );
    expect(result!.suggestions).toEqual([]);
  });

  it('marks a problem at its line and column, and clears it', () => {
    const { monaco, markers } = fakeMonaco();
    const text = '{source="audit"}\n  | json | ) ';
    const model: FakeModel = fakeModel(text);
    showProblems(monaco, model as unknown as monacoTypes.editor.ITextModel, syntaxProblems(text));
    // The stray `)` is on line 2, column 12.
    expect(markers.get(MARKER_OWNER)).toEqual([
      expect.objectContaining({ startLineNumber: 2, startColumn: 12, endLineNumber: 2, endColumn: 13 }),
    ]);
    showProblems(monaco, model as unknown as monacoTypes.editor.ITextModel, []);
    expect(markers.get(MARKER_OWNER)).toEqual([]);
  });
});
