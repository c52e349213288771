import { AppPlugin } from '@grafana/data';

import { App } from './components/App/App';
import { AppConfig } from './components/AppConfig/AppConfig';
import type { AppSettings } from './components/AppConfig/settings';
import { EnvironmentConfig } from './components/EnvironmentConfig/EnvironmentConfig';

export const plugin = new AppPlugin<AppSettings>()
  .setRootPage(App)
  .addConfigPage({
    title: 'Configuration',
    icon: 'cog',
    body: AppConfig,
    id: 'configuration',
  })
  .addConfigPage({
    title: 'Environment',
    icon: 'list-ul',
    body: EnvironmentConfig,
    id: 'environment',
  });
