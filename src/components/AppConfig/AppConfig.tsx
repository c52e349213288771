import type { AppPluginMeta, DataSourceInstanceSettings, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker, getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Box, Button, Field, FieldSet, Input, SecretInput, Stack, Text } from '@grafana/ui';
import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';

import { LOGS_DATASOURCE_NAME, LOGS_DATASOURCE_TYPE } from '../../constants';
import { DEFAULT_COLLECTOR_HOST, ENVIRONMENT_VARIABLES } from '../../shared/environment';
import type { AppSecureSettings, AppSettings } from './settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  /** Only when the secret changed: Grafana keeps what is not sent. */
  secureJsonData?: AppSecureSettings;
}

/** Variables the app settings may override; the only secret one, the OTLP auth header, has its own field. */
const OVERRIDABLE = ENVIRONMENT_VARIABLES.filter((v) => !v.secret);
const AUTH = 'CUSTOMER_OTLP_AUTH';

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
  const { id, enabled = false, pinned = false, jsonData, secureJsonFields } = plugin.meta;
  const [settings, setSettings] = useState<AppSettings>(jsonData ?? {});
  // undefined: unchanged; '' after a reset; text while a new value is typed (never read back from Grafana).
  const [auth, setAuth] = useState<string>();
  const authConfigured = auth === undefined && Boolean(secureJsonFields?.[AUTH]);
  const secureJsonData = auth === undefined ? {} : { secureJsonData: { [AUTH]: auth } };
  const setOverride = (name: string, value: string) =>
    setSettings({ ...settings, overrides: { ...settings.overrides, [name]: value } });
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
      </FieldSet>

      <FieldSet label="Kamiwaza environment">
        <Box marginBottom={2}>
          <Text element="p" color="secondary">
            Where the Environment tab and the diagnostics read the platform&apos;s settings. Values set here win over
            env.sh, which wins over Grafana&apos;s environment; they apply to Org Admins&apos; views.
          </Text>
        </Box>
        <Field label="env.sh" description="Read, never executed or written. Empty: $KAMIWAZA_ROOT/env.sh.">
          <Input
            id="kamiwaza-app-env-file"
            width={60}
            placeholder="$KAMIWAZA_ROOT/env.sh"
            value={settings.envFilePath ?? ''}
            onChange={(event) => setSettings({ ...settings, envFilePath: event.currentTarget.value })}
          />
        </Field>
        <Field
          label="OTEL collector host"
          description={`Its health endpoint is checked at http://<host>:13133/health (host:port for another port). Empty: ${DEFAULT_COLLECTOR_HOST}.`}
        >
          <Input
            id="kamiwaza-app-collector-host"
            width={60}
            placeholder={DEFAULT_COLLECTOR_HOST}
            value={settings.collectorHost ?? ''}
            onChange={(event) => setSettings({ ...settings, collectorHost: event.currentTarget.value })}
          />
        </Field>
        {OVERRIDABLE.map((variable) => (
          <Field key={variable.name} label={variable.name} description={variable.meaning}>
            <Input
              id={`kamiwaza-app-override-${variable.name}`}
              width={60}
              placeholder="not overridden"
              value={settings.overrides?.[variable.name] ?? ''}
              onChange={(event) => setOverride(variable.name, event.currentTarget.value)}
            />
          </Field>
        ))}
        <Field
          label={AUTH}
          description="Authentication header for the external endpoint. Stored encrypted by Grafana; never shown again, never sent to the browser."
        >
          <SecretInput
            id="kamiwaza-app-otlp-auth"
            width={60}
            placeholder="not overridden"
            isConfigured={authConfigured}
            value={auth ?? ''}
            onChange={(event) => setAuth(event.currentTarget.value)}
            onReset={() => setAuth('')}
          />
        </Field>
      </FieldSet>

      <div>
        <Button disabled={saving} onClick={() => save({ enabled, pinned, jsonData: settings, ...secureJsonData })}>
          Save settings
        </Button>
      </div>
    </Stack>
  );
}
