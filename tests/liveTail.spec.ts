import { expect, test } from '@grafana/plugin-e2e';

import { distinctiveToken, longestString, openExplore } from './explore';
import { requireGrafana } from './grafana';

requireGrafana();

test('live tail in Explore receives a line the generator appends', async ({ readProvisionedDataSource, page }) => {
  test.setTimeout(120_000);
  const datasource = await readProvisionedDataSource({ fileName: 'kamiwaza-logs.yaml' });
  await openExplore(page, datasource, '{source="application"}', { from: 'now-5m', to: 'now' });

  // Grafana Live carries the stream over its websocket; a push for this data source's channel
  // holds the new lines (the compose stack's generator appends about one a second).
  const pushed = new Promise<string>((resolve) => {
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const text = payload.toString();
        if (text.includes(`ds/${datasource.uid}/`) && text.includes('"pub"')) {
          for (const message of text.split('\n').filter(Boolean)) {
            let line = '';
            try {
              line = longestString(JSON.parse(message));
            } catch {
              continue; // not a JSON message of Grafana Live's protocol
            }
            if (line.length > 20) {
              resolve(line);
            }
          }
        }
      })
    );
  });

  await page.getByRole('button', { name: /^(Live|Start live stream your logs)$/ }).click();
  const line = await Promise.race([
    pushed,
    new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no live line within 60 s')), 60_000)),
  ]);
  await expect(page.getByText(distinctiveToken(line)).first()).toBeVisible({ timeout: 15_000 });
});
