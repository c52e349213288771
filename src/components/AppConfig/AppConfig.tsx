import type { AppPluginMeta, DataSourceInstanceSettings, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker, getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Stack, Text } from '@grafana/ui';
import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';

import { LOGS_DATASOURCE_NAME, LOGS_DATASOURCE_TYPE } from '../../constants';
import type { AppSettings } from './settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
}

/**
 * Grafana keeps an app's settings under /api/plugins/<id>/settings; the page reloads after a change
 * so the navigation (which lists enabled apps) follows.
 */
async function savePluginSettings(pluginId: string, data: PluginSettingsUpdate): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data, showErrorAlert: false })
  );
  locationService.reload();
}

function errorMessage(error: unknown): string {
  const data = (error as { data?: { message?: string } })?.data;
  return data?.message || (error instanceof Error ? error.message : 'unknown error');
}

export function AppConfig({ plugin }: AppConfigProps) {
  const { id, enabled = false, pinned = false, jsonData } = plugin.meta;
  const [settings, setSettings] = useState<AppSettings>(jsonData ?? {});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  const save = async (update: PluginSettingsUpdate) => {
    setSaving(true);
    setError(undefined);
    try {
      await savePluginSettings(id, update);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Stack direction="column" gap={2}>
      {error && (
        <Alert title="Saving the app settings failed" severity="error">
          {error}
        </Alert>
      )}

      <FieldSet label="Status">
        <Stack direction="column" gap={1} alignItems="flex-start">
          <Text>
            {enabled
              ? 'The app is enabled: its pages are in the navigation menu.'
              : 'The app is disabled. Enable it to add its pages to the navigation menu.'}
          </Text>
          {enabled ? (
            <Button
              variant="destructive"
              fill="outline"
              disabled={saving}
              onClick={() => save({ enabled: false, pinned: false, jsonData: settings })}
            >
              Disable
            </Button>
          ) : (
            <Button
              variant="primary"
              disabled={saving}
              onClick={() => save({ enabled: true, pinned: true, jsonData: settings })}
            >
              Enable
            </Button>
          )}
        </Stack>
      </FieldSet>

      <FieldSet label="Logs">
        <Field
          label={`${LOGS_DATASOURCE_NAME} data source`}
          description="The data source the app's pages check and open in Explore. Empty: the first one found."
        >
          <DataSourcePicker
            inputId="kamiwaza-app-logs-datasource"
            pluginId={LOGS_DATASOURCE_TYPE}
            width={40}
            noDefault
            current={settings.logsDatasourceUid ?? null}
            onChange={(ds: DataSourceInstanceSettings) => setSettings({ ...settings, logsDatasourceUid: ds.uid })}
            onClear={() => setSettings({ ...settings, logsDatasourceUid: undefined })}
          />
        </Field>
        <Button disabled={saving} onClick={() => save({ enabled, pinned, jsonData: settings })}>
          Save settings
        </Button>
      </FieldSet>
    </Stack>
  );
}
