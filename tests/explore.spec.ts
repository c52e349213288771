import { expect, test } from '@grafana/plugin-e2e';

import { requireGrafana } from './grafana';

requireGrafana();

/** The part of Grafana's /api/ds/query answer this spec reads. */
interface QueryResponse {
  results: Record<
    string,
    {
      error?: string;
      frames?: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }>;
    }
  >;
}

test('Explore runs {source="application"} and shows log rows', async ({
  explorePage,
  readProvisionedDataSource,
  page,
}) => {
  const datasource = await readProvisionedDataSource({ fileName: 'kamiwaza-logs.yaml' });
  await explorePage.datasource.set(datasource.name);
  await explorePage.timeRange.set({ from: 'now-24h', to: 'now' });
  await explorePage.getQueryEditorRow('A').getByLabel('LogQL query').fill('{source="application"}');

  const response = await explorePage.runQuery();
  expect(response.ok()).toBe(true);

  const result = ((await response.json()) as QueryResponse).results.A;
  expect(result.error).toBeUndefined();
  const frame = result.frames?.[0];
  const bodyIndex = frame?.schema.fields.findIndex((field) => field.name === 'body') ?? -1;
  expect(bodyIndex).toBeGreaterThanOrEqual(0);
  const bodies = frame!.data.values[bodyIndex] as string[];
  expect(bodies.length).toBeGreaterThan(0);

  // A distinctive token of the first line (its trace id, else its longest word) must be on screen:
  // found as text, it is there whichever logs panel this Grafana version renders and however it
  // highlights JSON.
  const line = bodies[0];
  const token =
    line.match(/[0-9a-f]{32}/)?.[0] ??
    (line.match(/[A-Za-z0-9_]{6,}/g) ?? []).sort((a, b) => b.length - a.length)[0] ??
    line.slice(0, 20);
  await expect(page.getByText(token).first()).toBeVisible();
});
