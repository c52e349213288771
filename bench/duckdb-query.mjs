// Baseline process for `npm run bench`: runs one SQL statement with DuckDB (@duckdb/node-api,
// default threads) and prints the row count, so the bench times a whole DuckDB process the same
// way it times a whole kamiwaza-logs process.
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
process.stdout.write(`${reader.getRows().length} rows\n`);
