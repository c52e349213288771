import { test } from '@playwright/test';

/** Where the specs expect Grafana: the docker compose stack publishes it on port 3030. */
export const GRAFANA_URL = process.env.GRAFANA_URL || 'http://localhost:3030';

/** Grafana's admin account in the docker compose stack (GF_SECURITY_ADMIN_PASSWORD). */
export const GRAFANA_ADMIN = {
  user: process.env.GRAFANA_ADMIN_USER || 'admin',
  password: process.env.GRAFANA_ADMIN_PASSWORD || 'kamiwaza',
};

/** Why Grafana cannot be tested, or undefined when /api/health answers. */
async function grafanaProblem(): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/api/health', GRAFANA_URL), { signal: AbortSignal.timeout(5000) });
    return response.ok ? undefined : `Grafana at ${GRAFANA_URL} answered /api/health with HTTP ${response.status}`;
  } catch (error) {
    return `no Grafana at ${GRAFANA_URL}: run \`docker compose up\` first (${(error as Error).message})`;
  }
}

/**
 * Makes every test of the calling spec file skip, with the reason, when Grafana is unreachable, so a
 * run without the stack says so instead of failing or silently passing. A job that starts the stack
 * sets E2E_REQUIRE_GRAFANA=true: there an unreachable Grafana fails the run.
 */
export function requireGrafana(): void {
  test.beforeAll(async () => {
    const problem = await grafanaProblem();
    if (problem && process.env.E2E_REQUIRE_GRAFANA === 'true') {
      throw new Error(problem);
    }
    if (problem) {
      console.warn(`[e2e] skipped: ${problem}`);
    }
    test.skip(problem !== undefined, problem);
  });
}
