// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';
// i18next (under @grafana/i18n) otherwise advertises a translation service once per test file.
process.env.I18NEXT_NO_SUPPORT_NOTICE = 'true';

const scaffold = require('./.config/jest.config');

// The scaffold's transform covers .js/.ts(x) but not .mjs, which @grafana/data pulls in (d3-color):
// on Node 20 those must be transformed too.
const transform = { ...scaffold.transform, '^.+\\.mjs$': scaffold.transform['^.+\\.(t|j)sx?$'] };

// Two projects: the browser code runs in jsdom as the scaffold sets it up; the backend (protocol,
// engine, services, CLI) and the generator run in plain Node, as they do in production.
const nodeCode = ['<rootDir>/src/backend/', '<rootDir>/src/generator/', '<rootDir>/scripts/', '<rootDir>/docker/'];

module.exports = {
  // A hang detector, not a speed check: tests that spawn the built executables or generate sample
  // logs need more than jest's 5 s default on a busy 2-core machine.
  testTimeout: 30_000,
  projects: [
    {
      ...scaffold,
      displayName: 'frontend',
      transform,
      testPathIgnorePatterns: ['/node_modules/', ...nodeCode],
    },
    {
      displayName: 'backend',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns: scaffold.transformIgnorePatterns,
      testMatch: nodeCode.map((dir) => `${dir}**/*.test.ts`),
    },
  ],
};
