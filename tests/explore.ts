import type { Page } from '@playwright/test';

/**
 * Opens Explore on a data source with a query already in place, through the URL state Grafana
 * keeps for Explore (`panes`), so the specs do not depend on how the query editor is built.
 * Resolves with the /api/ds/query response of that query.
 */
export async function openExplore(
  page: Page,
  datasource: { uid: string; type: string },
  expr: string,
  range = { from: 'now-1h', to: 'now' }
) {
  const panes = {
    a: { datasource: datasource.uid, queries: [{ refId: 'A', expr, datasource }], range },
  };
  // Explore may also ask for the log volume (its own refIds): wait for the query of row A itself.
  const response = page.waitForResponse(
    (r) =>
      r.url().includes('/api/ds/query') &&
      r.request().method() === 'POST' &&
      (r.request().postDataJSON()?.queries ?? []).some((query: { refId?: string }) => query.refId === 'A')
  );
  await page.goto(`/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`);
  return response;
}

/** The longest string anywhere in a value: in a data frame answer, a log line. */
export function longestString(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const children = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
  return children.map(longestString).reduce((longest, s) => (s.length > longest.length ? s : longest), '');
}

/**
 * A token of a log line that is on screen when the line is, however the logs panel of this Grafana
 * version renders and highlights it: its trace id, else its longest word.
 */
export function distinctiveToken(line: string): string {
  return (
    line.match(/[0-9a-f]{32}/)?.[0] ??
    (line.match(/[A-Za-z0-9_]{6,}/g) ?? []).sort((a, b) => b.length - a.length)[0] ??
    line.slice(0, 20)
  );
}
