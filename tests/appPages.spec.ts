import pluginJson from '../src/plugin.json';
import { ROUTES } from '../src/constants';
import { expect, test } from './fixtures';
import { requireGrafana } from './grafana';

requireGrafana();

/** What Grafana shows instead of a page whose code threw. */
const CRASHED = /An unexpected error happened|Failed to load plugin|Unable to find plugin/i;

for (const [name, route] of Object.entries(ROUTES)) {
  test(`the app's ${name} page loads`, async ({ gotoPage, page }) => {
    await gotoPage(`/${route}`);
    await expect(page).toHaveURL(new RegExp(`/a/${pluginJson.id}/${route}`));
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await expect(page.getByText(CRASHED)).toHaveCount(0);
  });
}

test("the app's configuration page loads, with the app enabled", async ({ appConfigPage }) => {
  const page = appConfigPage.ctx.page;
  await expect(page.getByRole('heading', { name: pluginJson.name, level: 1 })).toBeVisible();
  // Provisioned enabled (provisioning/plugins/app.yaml): Grafana offers to disable it.
  await expect(page.getByRole('button', { name: /^disable$/i })).toBeVisible();
  await expect(page.getByText(CRASHED)).toHaveCount(0);
});
