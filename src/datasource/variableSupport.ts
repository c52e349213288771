import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor/VariableQueryEditor';
import type { DataSource } from './datasource';
import type { KamiwazaVariableQuery } from './variables';

/**
 * Grafana 12's way for a data source with its own variable model and editor (setVariableQueryEditor
 * and a bare metricFindQuery are the legacy path): the editor stores the object form, and the
 * query goes through metricFindQuery, which also reads the text forms older dashboards stored.
 */
export class KamiwazaVariableSupport extends CustomVariableSupport<DataSource, KamiwazaVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<KamiwazaVariableQuery>): Observable<DataQueryResponse> {
    const values = this.datasource.metricFindQuery(request.targets[0], {
      scopedVars: request.scopedVars,
      range: request.range,
    });
    return from(values).pipe(map((data) => ({ data })));
  }
}
