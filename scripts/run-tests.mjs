/**
 * The test stage of `npm test` (after typecheck, lint and build): jest (frontend in jsdom, backend
 * in Node), then the Playwright e2e specs, then one summary that states the whole truth — the
 * counts by kind, why e2e specs were skipped — and, last, the plain closing line
 * `N passed, N failed, N skipped` that CI reads. Exits non-zero when either runner failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const jestJson = path.join(buildDir, 'jest-results.json');
const e2eJson = path.join(buildDir, 'e2e-results.json');
mkdirSync(buildDir, { recursive: true });
// Results from an earlier run must not stand in for a run that did not reach its end.
rmSync(jestJson, { force: true });
rmSync(e2eJson, { force: true });

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// A test that never ends (a render loop spins at full CPU, no per-test timeout can interrupt it)
// must fail this run with a message, not hold CI until its own limit kills it without one.
const JEST_LIMIT_MINUTES = 40;
const jest = spawnSync(bin('jest'), ['--ci', '--json', `--outputFile=${jestJson}`], {
  stdio: 'inherit',
  cwd: root,
  timeout: JEST_LIMIT_MINUTES * 60_000,
  killSignal: 'SIGKILL',
});
if (jest.error?.code === 'ETIMEDOUT') {
  console.error(
    `\njest did not finish within ${JEST_LIMIT_MINUTES} minutes and was stopped: the file that hangs is one not reported PASS or FAIL above.`
  );
}
const e2e = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson },
});

/** Jest's tests by kind, from each file's path. */
const KINDS = [
  ['protocol and executable', /src\/backend\/(protocol\/|executable\.test)/],
  ['CLI (built executable)', /src\/backend\/cli\//],
  ['engine', /src\/backend\/engine\//],
  ['data source and app services', /src\/backend\/services\//],
  ['generator', /src\/generator\//],
  ['other backend and scripts', /src\/backend\/|scripts\//],
  ['frontend components and data source', /./],
];

const counts = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

if (existsSync(jestJson)) {
  const results = JSON.parse(readFileSync(jestJson, 'utf8'));
  const byKind = new Map(KINDS.map(([kind]) => [kind, { passed: 0, failed: 0, skipped: 0 }]));
  for (const file of results.testResults) {
    const relative = path.relative(root, file.name);
    const [kind] = KINDS.find(([, pattern]) => pattern.test(relative));
    const tally = byKind.get(kind);
    for (const assertion of file.assertionResults) {
      const status = assertion.status === 'passed' ? 'passed' : assertion.status === 'failed' ? 'failed' : 'skipped';
      tally[status]++;
      counts[status]++;
    }
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      // A file that failed before any test ran (a syntax error, a failing beforeAll) counts once.
      tally.failed++;
      counts.failed++;
    }
  }
  for (const [kind, tally] of byKind) {
    if (tally.passed + tally.failed + tally.skipped > 0) {
      lines.push(`  jest, ${kind}: ${describe(tally)}`);
    }
  }
} else {
  lines.push('  jest: no results (it did not run to the end)');
  counts.failed++;
}

if (existsSync(e2eJson)) {
  const report = JSON.parse(readFileSync(e2eJson, 'utf8'));
  const tally = { passed: 0, failed: 0, skipped: 0 };
  const reasons = new Set();
  const visit = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const status =
          test.status === 'expected' || test.status === 'flaky'
            ? 'passed'
            : test.status === 'skipped'
              ? 'skipped'
              : 'failed';
        tally[status]++;
        counts[status]++;
        for (const annotation of test.annotations ?? []) {
          if (annotation.type === 'skip' && annotation.description) {
            reasons.add(annotation.description);
          }
        }
      }
    }
    (suite.suites ?? []).forEach(visit);
  };
  (report.suites ?? []).forEach(visit);
  lines.push(`  e2e (Playwright against a real Grafana): ${describe(tally)}`);
  for (const reason of reasons) {
    lines.push(`    skipped because: ${reason}`);
  }
} else {
  lines.push('  e2e: no results (Playwright did not run to the end)');
  counts.failed++;
}

console.log(['', 'Test summary', ...lines].join('\n'));
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(jest.status === 0 && e2e.status === 0 && counts.failed === 0 ? 0 : 1);

function describe(tally) {
  return `${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`;
}
