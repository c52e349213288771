/** The data source executable: Grafana's plugin protocol serving the Kamiwaza Logs data source. */
import { servePlugin } from './protocol/serve';
import { createDataSourceService } from './services/datasource/datasource';

void servePlugin({ createHandlers: (logger) => createDataSourceService({ logger }).handlers });
