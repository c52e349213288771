import { expect, test } from '@grafana/plugin-e2e';

import { distinctiveToken, longestString, openExplore } from './explore';
import { requireGrafana } from './grafana';

requireGrafana();

interface QueryResponse {
  results: Record<string, { error?: string; frames?: unknown[] }>;
}

test('Explore runs {source="application"} on Kamiwaza Logs and shows log rows', async ({
  readProvisionedDataSource,
  page,
}) => {
  const datasource = await readProvisionedDataSource({ fileName: 'kamiwaza-logs.yaml' });
  const response = await openExplore(page, datasource, '{source="application"}', { from: 'now-6h', to: 'now' });
  expect(response.ok()).toBe(true);

  const result = ((await response.json()) as QueryResponse).results.A;
  expect(result.error).toBeUndefined();
  const line = longestString(result.frames);
  expect(line.length).toBeGreaterThan(0);

  await expect(page.getByText(distinctiveToken(line)).first()).toBeVisible({ timeout: 15_000 });
});
