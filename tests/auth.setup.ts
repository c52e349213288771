import { test } from '@grafana/plugin-e2e';

import { requireGrafana } from './grafana';

requireGrafana();

// Logs in once and stores the session (playwright/.auth/<user>.json) for the other specs.
test('authenticate', async ({ login }) => {
  await login();
});
