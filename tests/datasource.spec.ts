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
