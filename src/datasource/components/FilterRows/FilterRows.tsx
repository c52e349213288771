import { Button, IconButton, Stack } from '@grafana/ui';
import React, { type ReactNode } from 'react';

interface Props<T> {
  rows: T[];
  /** What one row is called: "Line filter" gives the add button and the remove tooltip their words. */
  noun: string;
  empty: T;
  /** `run`: the change is complete (a choice, not a keystroke). */
  onChange: (rows: T[], run: boolean) => void;
  /** The row's own fields; `replace` swaps in an edited row. */
  children: (row: T, index: number, replace: (row: T, run: boolean) => void) => ReactNode;
}

/** A repeatable list of filter rows with add and remove buttons. */
export function FilterRows<T>({ rows, noun, empty, onChange, children }: Props<T>) {
  return (
    <Stack direction="column" gap={1}>
      {rows.map((row, index) => (
        <Stack key={index} gap={1} alignItems="center">
          {children(row, index, (next, run) => onChange(rows.map((r, i) => (i === index ? next : r)), run))}
          <IconButton
            name="times"
            tooltip={`Remove this ${noun.toLowerCase()}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index), true)}
          />
        </Stack>
      ))}
      <div>
        <Button icon="plus" variant="secondary" size="sm" onClick={() => onChange([...rows, empty], false)}>
          {noun}
        </Button>
      </div>
    </Stack>
  );
}
