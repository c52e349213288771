/**
 * The options and custom field config keys of the panel types the dashboards use, as Grafana
 * 12's panel schemas (`@grafana/schema` panelcfg) define them. Each record's type is derived from
 * the schema, so TypeScript fails when a key is missing, extra, or marked required wrongly: the
 * lists follow the installed `@grafana/schema` exactly, and the dashboard test checks every
 * panel's JSON against them at run time (the JSON import types panels too loosely for that).
 */
import type { GraphFieldConfig, TableFieldOptions } from '@grafana/schema';
import type { Options as BarGaugeOptions } from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen';
import type { Options as LogsOptions } from '@grafana/schema/dist/esm/raw/composable/logs/panelcfg/x/LogsPanelCfg_types.gen';
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type { Options as TableOptions } from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type { Options as TimeSeriesOptions } from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

/** Every key of T, true when the schema requires it. */
type Requiredness<T> = { [K in keyof T]-?: object extends Pick<T, K> ? false : true };

const timeseriesOptions: Requiredness<TimeSeriesOptions> = {
  timezone: false,
  annotations: false,
  disableKeyboardEvents: false,
  legend: true,
  orientation: false,
  timeCompare: false,
  tooltip: true,
};

const timeseriesCustom: Requiredness<GraphFieldConfig> = {
  drawStyle: false,
  gradientMode: false,
  insertNulls: false,
  showValues: false,
  thresholdsStyle: false,
  transform: false,
  lineColor: false,
  lineInterpolation: false,
  lineStyle: false,
  lineWidth: false,
  spanNulls: false,
  fillBelowTo: false,
  fillColor: false,
  fillOpacity: false,
  pointColor: false,
  pointSize: false,
  pointSymbol: false,
  showPoints: false,
  axisBorderShow: false,
  axisCenteredZero: false,
  axisColorMode: false,
  axisGridShow: false,
  axisLabel: false,
  axisPlacement: false,
  axisSoftMax: false,
  axisSoftMin: false,
  axisWidth: false,
  scaleDistribution: false,
  barAlignment: false,
  barMaxWidth: false,
  barWidthFactor: false,
  stacking: false,
  hideFrom: false,
};

const statOptions: Requiredness<StatOptions> = {
  text: false,
  orientation: true,
  reduceOptions: true,
  colorMode: true,
  graphMode: true,
  justifyMode: true,
  percentChangeColorMode: true,
  showPercentChange: true,
  textMode: true,
  wideLayout: true,
};

const bargaugeOptions: Requiredness<BarGaugeOptions> = {
  legend: true,
  text: false,
  orientation: true,
  reduceOptions: true,
  displayMode: true,
  maxVizHeight: true,
  minVizHeight: true,
  minVizWidth: true,
  namePlacement: true,
  showUnfilled: true,
  sizing: true,
  valueMode: true,
};

const tableOptions: Requiredness<TableOptions> = {
  cellHeight: false,
  disableKeyboardEvents: false,
  enablePagination: false,
  frameIndex: true,
  frozenColumns: false,
  maxRowHeight: false,
  showHeader: true,
  showTypeIcons: false,
  sortBy: false,
};

const tableCustom: Requiredness<TableFieldOptions> = {
  align: true,
  cellOptions: true,
  displayMode: false,
  filterable: false,
  footer: false,
  hideHeader: false,
  inspect: true,
  minWidth: false,
  styleField: false,
  tooltip: false,
  width: false,
  wrapHeaderText: false,
  wrapText: false,
  hideFrom: false,
};

const logsOptions: Requiredness<LogsOptions> = {
  controlsStorageKey: false,
  dedupStrategy: true,
  detailsMode: false,
  displayedFields: false,
  enableInfiniteScrolling: false,
  enableLogDetails: true,
  fontSize: false,
  isFilterLabelActive: false,
  logLineMenuCustomItems: false,
  logRowMenuIconsAfter: false,
  logRowMenuIconsBefore: false,
  noInteractions: false,
  onClickFilterLabel: false,
  onClickFilterOutLabel: false,
  onClickFilterOutString: false,
  onClickFilterString: false,
  onClickHideField: false,
  onClickShowField: false,
  onLogOptionsChange: false,
  onNewLogsReceived: false,
  prettifyLogMessage: true,
  setDisplayedFields: false,
  showCommonLabels: true,
  showControls: false,
  showFieldSelector: false,
  showLabels: true,
  showLogAttributes: false,
  showLogContextToggle: true,
  showTime: true,
  sortOrder: true,
  syntaxHighlighting: false,
  timestampResolution: false,
  unwrappedColumns: false,
  wrapLogMessage: true,
};

export interface PanelSchema {
  options: Record<string, boolean>;
  /** `fieldConfig.defaults.custom`, for panels whose schema defines one. */
  custom?: Record<string, boolean>;
}

export const PANEL_SCHEMAS: Record<string, PanelSchema> = {
  timeseries: { options: timeseriesOptions, custom: timeseriesCustom },
  stat: { options: statOptions },
  bargauge: { options: bargaugeOptions },
  table: { options: tableOptions, custom: tableCustom },
  logs: { options: logsOptions },
};

/** What `value` lacks of the schema's required keys and has beyond its keys. */
export function schemaMismatch(
  value: Record<string, unknown> | undefined,
  schema: Record<string, boolean>
): { missing: string[]; unknown: string[] } {
  const keys = Object.keys(value ?? {});
  return {
    missing: Object.keys(schema).filter((key) => schema[key] && !keys.includes(key)),
    unknown: keys.filter((key) => !(key in schema)),
  };
}
