/**
 * A stand-in for @grafana/ui's Monaco `CodeEditor` in component tests (jsdom cannot run Monaco):
 * a textarea wired to the Monaco-shaped fake, calling the same mount callbacks. Shift+Enter in
 * the textarea runs the command the editor registered for that key.
 */
import type { CodeEditor } from '@grafana/ui';
import React, { useEffect, useRef, type ComponentProps } from 'react';

import { fakeModel, fakeMonaco } from './fakeMonaco';

export const lastFake: { monaco?: ReturnType<typeof fakeMonaco> } = {};

export function FakeCodeEditor({ value, onBeforeEditorMount, onEditorDidMount, onBlur }: ComponentProps<typeof CodeEditor>) {
  const model = useRef(fakeModel(value));
  const listeners = useRef<Array<() => void>>([]);
  const commands = useRef(new Map<number, () => void>());

  useEffect(() => {
    const fake = fakeMonaco();
    lastFake.monaco = fake;
    const monaco = fake.monaco;
    const disposable = { dispose: () => undefined };
    const editor = {
      getModel: () => model.current,
      getValue: () => model.current.getValue(),
      onDidChangeModelContent: (listener: () => void) => {
        listeners.current.push(listener);
        return disposable;
      },
      onDidFocusEditorText: () => disposable,
      onDidBlurEditorText: () => disposable,
      createContextKey: () => ({ set: () => undefined }),
      addCommand: (keybinding: number, handler: () => void) => commands.current.set(keybinding, handler),
    };
    onBeforeEditorMount?.(monaco);
    onEditorDidMount?.(editor as never, monaco);
    // Mounted once, as Monaco is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <textarea
      aria-label="code editor"
      defaultValue={value}
      onChange={(event) => {
        model.current.setValue(event.currentTarget.value);
        listeners.current.forEach((listener) => listener());
      }}
      onBlur={() => onBlur?.(model.current.getValue())}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && event.shiftKey) {
          commands.current.get(1024 | 3)?.();
        }
      }}
    />
  );
}
