import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';

import { GRAFANA_ADMIN, GRAFANA_URL } from './tests/grafana';

/**
 * E2E specs against the docker compose stack (`docker compose up`: Grafana on :3030 with the plugin
 * and its data source provisioned). Without a reachable Grafana every spec skips with the reason;
 * with E2E_REQUIRE_GRAFANA=true it fails instead. See tests/grafana.ts.
 */
export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 2 : 0,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: GRAFANA_URL,
    user: GRAFANA_ADMIN,
    grafanaAPICredentials: GRAFANA_ADMIN,
    trace: 'on-first-retry',
  },
  projects: [
    // 1. Log in once and store the session for the other specs.
    {
      name: 'auth',
      testMatch: /auth\.setup\.ts/,
    },
    // 2. The specs, in Chrome, as the admin user.
    {
      name: 'chromium',
      testIgnore: /auth\.setup\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        storageState: `playwright/.auth/${GRAFANA_ADMIN.user}.json`,
      },
      dependencies: ['auth'],
    },
  ],
});
