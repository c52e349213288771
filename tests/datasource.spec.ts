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
});

test('the provisioned Loki answers with the stack collector labels', async ({ readProvisionedDataSource, page }) => {
  const loki = await readProvisionedDataSource({ fileName: 'loki.yaml' });
  const response = await page.request.get(`/api/datasources/uid/${loki.uid}/resources/labels`);
  expect(response.ok()).toBe(true);
  expect((await response.json()).data).toEqual(expect.arrayContaining(['service_name', 'source', 'filename']));
});
