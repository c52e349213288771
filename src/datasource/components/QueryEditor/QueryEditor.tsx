import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelData, QueryEditorProps, SelectableValue } from '@grafana/data';
import { Icon, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';

import { QueryEditorMode, type KamiwazaLogsQuery } from '../../../shared/query';
import type { KamiwazaLogsSettings } from '../../../shared/settings';
import type { DataSource } from '../../datasource';
import { builderToLogQL, type BuilderQuery } from '../../logql/builder';
import { logqlToBuilder } from '../../logql/builderParse';
import { LogQLCodeEditor } from '../LogQLCodeEditor/LogQLCodeEditor';
import { QueryBuilder } from '../QueryBuilder/QueryBuilder';
import { QueryOptions } from '../QueryOptions/QueryOptions';
import { QueryStats } from '../QueryStats/QueryStats';

type Props = QueryEditorProps<DataSource, KamiwazaLogsQuery, KamiwazaLogsSettings>;

const MODES: Array<SelectableValue<QueryEditorMode>> = [
  { label: 'Builder', value: QueryEditorMode.Builder },
  { label: 'Code', value: QueryEditorMode.Code },
];

/** The query editor: builder or LogQL code (the builder falls back to code for what it cannot show), options, stats. */
export function QueryEditor({ query, datasource, range, data, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const expr = query.expr ?? '';
  const parsed = useMemo(() => logqlToBuilder(expr), [expr]);
  // The builder's own state, for rows not yet in the text (an empty filter) while its text is current.
  const [builderState, setBuilderState] = useState<{ expr: string; model: BuilderQuery }>();
  const [switchRefused, setSwitchRefused] = useState(false);

  const builderModel = builderState?.expr === expr ? builderState.model : parsed.query;
  const wanted = query.editorMode ?? (parsed.query ? QueryEditorMode.Builder : QueryEditorMode.Code);
  const mode = wanted === QueryEditorMode.Builder && builderModel ? QueryEditorMode.Builder : QueryEditorMode.Code;
  const refusal = (switchRefused || wanted === QueryEditorMode.Builder) && parsed.reason;

  const onModeChange = (next: QueryEditorMode) => {
    setSwitchRefused(next === QueryEditorMode.Builder && !parsed.query);
    if (next === QueryEditorMode.Code || parsed.query) {
      onChange({ ...query, editorMode: next });
    }
  };

  const onBuilderChange = (model: BuilderQuery, run: boolean) => {
    const text = builderToLogQL(model);
    setBuilderState({ expr: text, model });
    onChange({ ...query, expr: text, editorMode: QueryEditorMode.Builder });
    if (run) {
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <Stack justifyContent="space-between" alignItems="center">
        <div className={styles.notice} role="status">
          {refusal && (
            <>
              <Icon name="info-circle" /> Shown as code: {refusal}
            </>
          )}
        </div>
        <RadioButtonGroup size="sm" options={MODES} value={mode} onChange={onModeChange} />
      </Stack>
      {mode === QueryEditorMode.Builder && builderModel ? (
        <QueryBuilder
          query={builderModel}
          datasource={datasource}
          range={range}
          onChange={onBuilderChange}
          onRunQuery={onRunQuery}
        />
      ) : (
        <LogQLCodeEditor
          value={expr}
          datasource={datasource}
          range={range}
          engineError={engineError(data, query.refId)}
          onChange={(text) => text !== expr && onChange({ ...query, expr: text })}
          onRunQuery={onRunQuery}
        />
      )}
      <QueryOptions query={query} onChange={onChange} onRunQuery={onRunQuery} />
      <QueryStats datasource={datasource} expr={expr} range={range} />
    </Stack>
  );
}

/** The last run's error message for this query. */
function engineError(data: PanelData | undefined, refId: string): string | undefined {
  return data?.errors?.find((error) => !error.refId || error.refId === refId)?.message;
}

const getStyles = (theme: GrafanaTheme2) => ({
  notice: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
