import { expect, test } from '@grafana/plugin-e2e';

import { requireGrafana } from './grafana';

requireGrafana();

test('"Save & test" passes for the provisioned Kamiwaza Logs data source', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
}) => {
  const datasource = await readProvisionedDataSource({ fileName: 'kamiwaza-logs.yaml' });
  const configPage = await gotoDataSourceConfigPage(datasource.uid);

  await expect(configPage.saveAndTest()).toBeOK();
  await expect(configPage).toHaveAlert('success');
});

test('the health check reads the mounted log directory', async ({ readProvisionedDataSource, page }) => {
  const datasource = await readProvisionedDataSource<{ logDirs: string[] }>({ fileName: 'kamiwaza-logs.yaml' });
  const response = await page.request.get(`/api/datasources/uid/${datasource.uid}/health`);
  expect(response.ok()).toBe(true);
  const health = await response.json();
  expect(health.status).toBe('OK');
  for (const dir of datasource.jsonData.logDirs) {
    expect(health.message).toContain(dir);
  }
  // Its second line is the block index's state; Grafana's data directory is writable in the stack.
  expect(health.message).toMatch(/\nIndex: (covers all|building)/);
  expect(health.message).toContain('saved in /var/lib/grafana/kamiwaza-logs/index');
  expect(health.details?.index).toMatchObject({ failed: [] });
});

test('the provisioned Loki has exactly the stream labels of docs/labels.md', async ({
  readProvisionedDataSource,
  page,
}) => {
  test.setTimeout(120_000);
  const loki = await readProvisionedDataSource({ fileName: 'loki.yaml' });
  // The collector ships the files once the stack is up: give it time to reach Loki.
  await expect
    .poll(
      async () => {
        const response = await page.request.get(`/api/datasources/uid/${loki.uid}/resources/labels`);
        return response.ok() ? ((await response.json()).data as string[]).sort() : [];
      },
      { timeout: 90_000, intervals: [2_000] }
    )
    .toEqual(['filename', 'service_name', 'source']);
});
