/*
 * Extends the create-plugin scaffold's webpack config (.config/ stays as generated).
 * The scaffold copies only the app's own logos; a nested plugin (src/datasource/) names logos
 * relative to its own folder, so its img/ folder must land beside its plugin.json in dist/.
 * The app's dashboards live in dashboards/ at the root and land in dist/dashboards/.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: '*/img/**/*', to: '.', noErrorOnMissing: true },
          // The app's dashboards (plugin.json includes name them as dashboards/<file>.json).
          { from: '../dashboards/*.json', to: 'dashboards/[name][ext]' },
        ],
      }),
    ],
  });

export default config;
