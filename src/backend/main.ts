/** The data source executable: Grafana's plugin protocol serving the Kamiwaza Logs data source. */
import { servePlugin } from './protocol/serve';
import { createDataSourceService, type DataSourceService } from './services/datasource/datasource';

let service: DataSourceService | undefined;
void servePlugin({
  createHandlers: (logger) => (service = createDataSourceService({ logger })).handlers,
  onServing: () => service?.prepare(),
});
