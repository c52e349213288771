import type { DataSourceInstanceSettings } from '@grafana/data';
import { Field, Input, LinkButton, Stack } from '@grafana/ui';
import React, { useState } from 'react';

import { DashboardUid, TRACE_ID_VARIABLE } from '../../shared/kamiwaza';
import { dashboardUrl } from '../DashboardLinks/DashboardLinks';
import { exploreUrl, traceLookupExpr } from '../exploreUrl';

// A trace id may come from an older incident: look a week back.
const TRACE_RANGE = { from: 'now-7d', to: 'now' };

/** A trace id → the trace drill-down dashboard (`var-trace_id`), or its raw lines in Explore. */
export function TraceLookup({ datasource }: { datasource?: DataSourceInstanceSettings }) {
  const [traceId, setTraceId] = useState('');
  const id = traceId.trim();
  const params = new URLSearchParams({ [`var-${TRACE_ID_VARIABLE}`]: id, from: TRACE_RANGE.from, to: TRACE_RANGE.to });

  return (
    <Stack gap={1} alignItems="flex-end" wrap="wrap">
      <Field
        label="Trace id"
        description="Every log record of one request, across services and files (the trace_id field)."
        noMargin
      >
        <Input
          id="kamiwaza-trace-id"
          width={44}
          placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
          value={traceId}
          onChange={(event) => setTraceId(event.currentTarget.value)}
        />
      </Field>
      <LinkButton
        icon="apps"
        disabled={id === ''}
        href={id === '' ? undefined : dashboardUrl(DashboardUid.TraceDrillDown, `?${params}`)}
      >
        Open trace drill-down
      </LinkButton>
      {datasource && (
        <LinkButton
          icon="compass"
          variant="secondary"
          disabled={id === ''}
          href={id === '' ? undefined : exploreUrl(datasource, traceLookupExpr(id), TRACE_RANGE)}
        >
          Find logs
        </LinkButton>
      )}
    </Stack>
  );
}
