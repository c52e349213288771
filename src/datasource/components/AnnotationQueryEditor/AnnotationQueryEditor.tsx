import { css } from '@emotion/css';
import type { AnnotationQuery, GrafanaTheme2, QueryEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, Stack, TextArea, useStyles2 } from '@grafana/ui';
import React, { useState, type ChangeEvent } from 'react';

import type { KamiwazaLogsQuery } from '../../../shared/query';
import { DEFAULT_TAG_KEYS, type KamiwazaAnnotationQuery } from '../../annotations';
import { parsePositiveInteger } from '../../numbers';

type Props = QueryEditorProps<any, KamiwazaLogsQuery> & {
  annotation?: AnnotationQuery<KamiwazaLogsQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<KamiwazaLogsQuery>) => void;
};

const EXAMPLE_EXPR = '{source="audit"} | outcome="failure"';

/** A log query whose lines become annotations, and how title, text and tags are taken from their labels. */
export function AnnotationQueryEditor({ annotation, onAnnotationChange }: Props) {
  const styles = useStyles2(getStyles);
  const target: KamiwazaAnnotationQuery = (annotation?.target as KamiwazaAnnotationQuery | undefined) ?? {
    refId: 'Anno',
    expr: '',
  };
  const [expr, setExpr] = useState(target.expr ?? '');
  const update = (changes: Partial<KamiwazaAnnotationQuery>) => {
    if (annotation && onAnnotationChange) {
      onAnnotationChange({ ...annotation, target: { ...target, ...changes } });
    }
  };
  const text = (key: 'titleFormat' | 'textFormat' | 'tagKeys') => ({
    value: target[key] ?? '',
    onChange: (event: ChangeEvent<HTMLInputElement>) => update({ [key]: event.currentTarget.value }),
  });

  return (
    <FieldSet>
      <Field
        label="Log query"
        description="Every line it returns is one annotation, e.g. ERROR lines or failed audit events."
      >
        <TextArea
          id="kamiwaza-annotation-expr"
          className={styles.code}
          rows={2}
          placeholder={EXAMPLE_EXPR}
          value={expr}
          onChange={(event: ChangeEvent<HTMLTextAreaElement>) => setExpr(event.currentTarget.value)}
          onBlur={() => update({ expr })}
        />
      </Field>
      <Stack gap={2} wrap="wrap">
        <Field label="Title" description="Labels as {{name}}; empty: no title.">
          <Input id="kamiwaza-annotation-title" width={30} placeholder="{{service_name}}" {...text('titleFormat')} />
        </Field>
        <Field label="Text" description="Labels as {{name}}; empty: the log line.">
          <Input
            id="kamiwaza-annotation-text"
            width={40}
            placeholder="{{event_type}} by {{actor}}"
            {...text('textFormat')}
          />
        </Field>
        <Field label="Tags" description="Comma-separated label names whose values become tags.">
          <Input
            id="kamiwaza-annotation-tags"
            width={30}
            placeholder={DEFAULT_TAG_KEYS.join(', ')}
            {...text('tagKeys')}
          />
        </Field>
        <Field label="Maximum lines" description="Annotations per refresh.">
          <Input
            id="kamiwaza-annotation-max-lines"
            type="number"
            min={1}
            width={16}
            placeholder="1000"
            value={target.maxLines ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              update({ maxLines: parsePositiveInteger(event.currentTarget.value) })
            }
          />
        </Field>
      </Stack>
    </FieldSet>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  code: css({ fontFamily: theme.typography.fontFamilyMonospace }),
});
