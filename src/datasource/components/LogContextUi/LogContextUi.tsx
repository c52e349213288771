import { InlineField, InlineSwitch, Stack, Text } from '@grafana/ui';
import React, { useState } from 'react';

interface Props {
  /** The pipeline the switch would apply (`| json | level="ERROR"`), '' when the query has none. */
  pipeline: string;
  initialApply: boolean;
  onApplyChange: (apply: boolean) => void;
  /** Explore's callback that reruns the context queries. */
  runContextQuery?: () => void;
}

/** The context view's header: lines come from the row's file; optionally through the query's pipeline. */
export function LogContextUi({ pipeline, initialApply, onApplyChange, runContextQuery }: Props) {
  const [apply, setApply] = useState(initialApply && pipeline !== '');
  const toggle = () => {
    const next = !apply;
    setApply(next);
    onApplyChange(next);
    runContextQuery?.();
  };

  return (
    <Stack direction="column" gap={0.5}>
      <Text color="secondary" variant="bodySmall">
        Lines before and after this row in the same log file.
      </Text>
      <InlineField
        label="Apply the query's parsers and filters"
        labelWidth={38}
        disabled={pipeline === ''}
        tooltip={
          pipeline === ''
            ? 'The query has no parsers or filters.'
            : 'Show only the surrounding lines that pass the query pipeline, with its parsed labels.'
        }
      >
        <InlineSwitch
          id="kamiwaza-context-apply-pipeline"
          value={apply}
          onChange={toggle}
          aria-label="Apply the query's parsers and filters"
        />
      </InlineField>
      {apply && (
        <Text variant="code" color="secondary" truncate>
          {pipeline}
        </Text>
      )}
    </Stack>
  );
}
