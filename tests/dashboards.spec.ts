import { expect, test } from '@grafana/plugin-e2e';

import { DashboardUid } from '../src/shared/kamiwaza';
import { requireGrafana } from './grafana';

requireGrafana();

for (const [name, uid] of Object.entries(DashboardUid)) {
  test(`the ${name} dashboard renders every panel without error or "No data"`, async ({ gotoDashboardPage, page }) => {
    test.setTimeout(120_000);
    const dashboardPage = await gotoDashboardPage({ uid });
    await dashboardPage.waitForPanelsQueriesToComplete({ scrollAll: true, timeout: 60_000 });
    await expect(dashboardPage).not.toHavePanelErrors();
    await expect(page.getByText('No data', { exact: true })).toHaveCount(0);
  });
}
