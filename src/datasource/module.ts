import { DataSourcePlugin } from '@grafana/data';

import type { KamiwazaLogsQuery } from '../shared/query';
import type { KamiwazaLogsSettings } from '../shared/settings';
import { ConfigEditor } from './components/ConfigEditor/ConfigEditor';
import { QueryEditor } from './components/QueryEditor/QueryEditor';
import { DataSource } from './datasource';

export const plugin = new DataSourcePlugin<DataSource, KamiwazaLogsQuery, KamiwazaLogsSettings>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
