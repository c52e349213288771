/**
 * Trace links on log lines: every logs frame gets a `trace_id` field (from the line's `trace_id`
 * label) whose link opens the app's trace drill-down dashboard, or the trace in a Tempo or Jaeger
 * data source, as Loki's derived fields do. Added in the browser, where the data source settings
 * and the trace data source's name and type are at hand.
 */
import { FieldType, type DataFrame, type DataLink, type DataSourceInstanceSettings, type Field } from '@grafana/data';

import { DashboardUid, TRACE_ID_VARIABLE } from '../shared/kamiwaza';
import { traceLinkTarget, type KamiwazaLogsSettings } from '../shared/settings';

export const TRACE_ID_FIELD = 'trace_id';
/** The field the backend used to add for a Tempo uid; the `trace_id` field replaces it. */
const LEGACY_BACKEND_TRACE_FIELD = 'traceID';
const TRACE_VALUE = '${__value.raw}';

type InstanceLookup = (uid: string) => Pick<DataSourceInstanceSettings, 'uid' | 'name' | 'type'> | undefined;

/** The link every trace id carries under `settings`, or undefined when trace links are off. */
export function traceLink(settings: KamiwazaLogsSettings, lookup: InstanceLookup): DataLink | undefined {
  switch (traceLinkTarget(settings)) {
    case 'none':
      return undefined;
    case 'dashboard':
      return {
        title: 'Trace drill-down',
        url: `/d/${DashboardUid.TraceDrillDown}?var-${TRACE_ID_VARIABLE}=${TRACE_VALUE}&\${__url_time_range}`,
      };
    case 'datasource': {
      const target = settings.tracesDatasourceUid ? lookup(settings.tracesDatasourceUid) : undefined;
      if (!target) {
        return undefined;
      }
      return {
        title: `View trace in ${target.name}`,
        url: '',
        internal: {
          datasourceUid: target.uid,
          datasourceName: target.name,
          // Tempo looks a trace id up as a TraceQL query of that type; Jaeger and Zipkin take the id as the query.
          query: target.type === 'tempo' ? { query: TRACE_VALUE, queryType: 'traceql' } : { query: TRACE_VALUE },
        },
      };
    }
  }
}

/** `frame` with a linked `trace_id` field when it is a logs frame with at least one trace id. */
export function withTraceLinks(frame: DataFrame, link: DataLink | undefined): DataFrame {
  const labels = frame.fields.find((field) => field.name === 'labels');
  if (!labels) {
    return frame;
  }
  const fields = frame.fields.filter((field) => field.name !== LEGACY_BACKEND_TRACE_FIELD);
  const traceIds = labels.values.map((value: Record<string, string> | undefined) => value?.[TRACE_ID_FIELD] || null);
  if (!link || traceIds.every((id) => id === null)) {
    return fields.length === frame.fields.length ? frame : { ...frame, fields };
  }
  const traceField: Field = {
    name: TRACE_ID_FIELD,
    type: FieldType.string,
    values: traceIds,
    config: { links: [link] },
  };
  return { ...frame, fields: [...fields.filter((field) => field.name !== TRACE_ID_FIELD), traceField] };
}
