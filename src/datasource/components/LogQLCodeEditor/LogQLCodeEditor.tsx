import { css } from '@emotion/css';
import type { GrafanaTheme2, TimeRange } from '@grafana/data';
import { CodeEditor, useStyles2, type Monaco, type MonacoEditor } from '@grafana/ui';
import React, { useEffect, useMemo, useRef } from 'react';

import type { DataSource } from '../../datasource';
import { ensureLogQLLanguage, LOGQL_LANGUAGE_ID, logqlCompletionProvider, showProblems } from '../../logql/monaco';
import { engineErrorProblem, syntaxProblems } from '../../logql/validation';
import { completionData } from './completionData';

interface Props {
  value: string;
  datasource: Pick<DataSource, 'labelNames' | 'labelValues' | 'detectedFields'>;
  range?: TimeRange;
  /** The last run's error, marked in the text when it names a position. */
  engineError?: string;
  /** The text, on blur and before a run. */
  onChange: (expr: string) => void;
  onRunQuery: () => void;
}

const LINE_HEIGHT = 20;
const PADDING = 6;

/** LogQL in Grafana's Monaco editor: highlighting, completion, problems marked, Shift+Enter runs. */
export function LogQLCodeEditor({ value, datasource, range, engineError, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const data = useMemo(() => completionData(datasource, range), [datasource, range]);
  // Monaco's callbacks are registered once per editor: they read the latest props through refs.
  const latest = useRef({ data, onChange, onRunQuery, engineError });
  // An engine error points at the text it ran on: once that is edited, only the grammar speaks.
  const editedPastError = useRef<string>();
  const mark = useRef<() => void>();
  const disposers = useRef<Array<{ dispose(): void }>>([]);
  const lines = value.split('\n').length;

  useEffect(() => {
    latest.current = { data, onChange, onRunQuery, engineError };
  });
  useEffect(() => mark.current?.(), [engineError]);
  useEffect(() => () => disposers.current.forEach((d) => d.dispose()), []);

  const onEditorDidMount = (editor: MonacoEditor, monaco: Monaco) => {
    const model = editor.getModel();
    mark.current = () => {
      if (!model) {
        return;
      }
      const text = model.getValue();
      const syntax = syntaxProblems(text);
      const error = latest.current.engineError;
      const engine = error && error !== editedPastError.current ? engineErrorProblem(error, text) : undefined;
      showProblems(monaco, model, syntax.length ? syntax : engine ? [engine] : []);
    };
    mark.current();
    disposers.current.push(
      monaco.languages.registerCompletionItemProvider(
        LOGQL_LANGUAGE_ID,
        logqlCompletionProvider(monaco, (m) => m === editor.getModel(), {
          labelNames: (...args) => latest.current.data.labelNames(...args),
          labelValues: (...args) => latest.current.data.labelValues(...args),
          detectedFields: (...args) => latest.current.data.detectedFields(...args),
        })
      ),
      editor.onDidChangeModelContent(() => {
        editedPastError.current = latest.current.engineError;
        mark.current?.();
      })
    );
    // Shift+Enter runs the query in this editor only (Monaco's commands are global: a context key scopes it).
    const focused = editor.createContextKey<boolean>(`logqlFocused${model?.id ?? ''}`, false);
    disposers.current.push(
      editor.onDidFocusEditorText(() => focused.set(true)),
      editor.onDidBlurEditorText(() => focused.set(false))
    );
    editor.addCommand(
      monaco.KeyMod.Shift | monaco.KeyCode.Enter,
      () => {
        editedPastError.current = undefined;
        latest.current.onChange(editor.getValue());
        latest.current.onRunQuery();
      },
      `logqlFocused${model?.id ?? ''}`
    );
  };

  return (
    <div className={styles.wrapper} aria-label="LogQL query">
      <CodeEditor
        value={value}
        language={LOGQL_LANGUAGE_ID}
        height={Math.min(lines, 12) * LINE_HEIGHT + 2 * PADDING}
        showLineNumbers={false}
        showMiniMap={false}
        onBeforeEditorMount={ensureLogQLLanguage}
        onEditorDidMount={onEditorDidMount}
        onBlur={onChange}
        monacoOptions={{
          lineHeight: LINE_HEIGHT,
          padding: { top: PADDING, bottom: PADDING },
          wordWrap: 'on',
          scrollBeyondLastLine: false,
          renderLineHighlight: 'none',
          folding: false,
          overviewRulerLanes: 0,
          lineDecorationsWidth: 8,
          fixedOverflowWidgets: true,
          suggest: { showWords: false },
          scrollbar: { vertical: 'auto', horizontal: 'hidden', alwaysConsumeMouseWheel: false },
        }}
        containerStyles={styles.container}
      />
      <div className={styles.hint}>Shift+Enter to run · Ctrl+Space for suggestions</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ width: '100%' }),
  container: css({
    border: `1px solid ${theme.components.input.borderColor}`,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  hint: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginTop: theme.spacing(0.5),
  }),
});
