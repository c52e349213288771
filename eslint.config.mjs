import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
  {
    // Layering: the backend is Node code that runs in the plugin executable; browser code (the app,
    // the data source frontend, the shared types) and the e2e specs must never pull it in.
    // src/generator is a Node tool and may use the engine.
    name: 'kamiwaza/no-backend-in-browser-code',
    files: ['src/**/*.{ts,tsx,js,jsx,mjs}', 'tests/**/*.{ts,tsx,js}'],
    ignores: ['src/backend/**', 'src/generator/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Kept from @grafana/eslint-config, which this entry overrides for these files.
          paths: [{ name: 'moment', message: 'Use dateTime from @grafana/data.' }],
          patterns: [
            {
              // ../backend/…, ../../src/backend/…, ./backend, and baseUrl-rooted backend/… or src/backend/…
              regex: '^(\\./|(\\.\\./)+)?(src/)?backend(/|$)',
              message: 'src/backend is Node code for the plugin executable: share types through src/shared instead.',
            },
          ],
        },
      ],
    },
  },
]);
