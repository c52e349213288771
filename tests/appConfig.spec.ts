import { expect, test } from './fixtures';
import { requireGrafana } from './grafana';

requireGrafana();

test('the app configuration page loads and shows the app enabled', async ({ appConfigPage }) => {
  const page = appConfigPage.ctx.page;
  await expect(page.getByText('The app is enabled: its pages are in the navigation menu.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disable' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
});

test('the overview page reports the provisioned data source as working', async ({ gotoPage, page }) => {
  await gotoPage('/overview');
  await expect(page.getByText('Kamiwaza Logs is working')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('link', { name: /open in explore/i }).first()).toBeVisible();
});
