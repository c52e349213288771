/**
 * How the app's pages reach the Kamiwaza environment and diagnostics: through the Kamiwaza Logs
 * data source's backend resources (the app has no backend of its own), and, for the Loki check,
 * through Grafana's own data source API. Every call has a short timeout of its own, so one slow
 * check never holds the others.
 */
import type { DataSourceInstanceSettings } from '@grafana/data';
import { type BackendSrvRequest, getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { lastValueFrom, timeout } from 'rxjs';

import { LOGS_DATASOURCE_TYPE } from '../constants';
import { AppResourcePath, type EnvironmentReport, type EnvironmentRequest } from '../shared/environment';
import { DiagnosticId, type DiagnosticResult } from '../shared/environment-diagnostics';
import type { AppSettings } from './AppConfig/settings';

/** Longest a page waits for one check (the backend's own probes give up after 2 s, queries after 5 s). */
export const CHECK_TIMEOUT_MS = 15_000;

/** The configured Kamiwaza Logs data source, else the first one Grafana knows. */
export function findLogsDataSource(settings: AppSettings | undefined): DataSourceInstanceSettings | undefined {
  const candidates = getDataSourceSrv().getList({ pluginId: LOGS_DATASOURCE_TYPE });
  return candidates.find((ds) => ds.uid === settings?.logsDatasourceUid) ?? candidates[0];
}

export function errorMessage(error: unknown): string {
  const failure = error as { status?: number; data?: { message?: string }; message?: string };
  return failure?.data?.message || failure?.message || `HTTP ${failure?.status ?? 'error'}`;
}

/** One request, given up (and cancelled) after CHECK_TIMEOUT_MS. */
async function request<T>(options: BackendSrvRequest): Promise<T> {
  const response = await lastValueFrom(
    getBackendSrv()
      .fetch<T>({ showErrorAlert: false, ...options })
      .pipe(
        timeout({
          first: CHECK_TIMEOUT_MS,
          with: () => {
            throw new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`);
          },
        })
      )
  );
  return response.data;
}

const post = <T>(url: string, data: unknown) => request<T>({ url, method: 'POST', data });

const resourceUrl = (uid: string, path: string) => `/api/datasources/uid/${encodeURIComponent(uid)}/resources/${path}`;

export function fetchEnvironment(dsUid: string, request: EnvironmentRequest): Promise<EnvironmentReport> {
  return post(resourceUrl(dsUid, AppResourcePath.Environment), request);
}

interface GrafanaDataSource {
  uid: string;
  name: string;
  type: string;
}

interface HealthAnswer {
  status?: string;
  message?: string;
}

/** Loki present and answering: Grafana's data source list, then the first Loki's health check. */
async function lokiDataSourceCheck(): Promise<Omit<DiagnosticResult, 'id'>> {
  const all = (await request<GrafanaDataSource[]>({ url: '/api/datasources' })) ?? [];
  const lokis = all.filter((ds) => ds.type === 'loki');
  if (lokis.length === 0) {
    return {
      status: 'info',
      summary: 'No Loki data source in Grafana. That is expected when KAMIWAZA_LOKI_ENABLED is not true.',
      evidence: { lines: [`GET /api/datasources: ${all.length} data sources, none of type loki`] },
    };
  }
  const loki = lokis[0];
  const lines = [`GET /api/datasources: ${lokis.map((ds) => `${ds.name} (uid ${ds.uid})`).join(', ')}`];
  let health: HealthAnswer;
  try {
    health =
      (await request<HealthAnswer>({ url: `/api/datasources/uid/${encodeURIComponent(loki.uid)}/health` })) ?? {};
  } catch (error) {
    health = { status: 'ERROR', message: errorMessage(error) };
  }
  lines.push(`GET /api/datasources/uid/${loki.uid}/health: ${health.status ?? '?'} ${health.message ?? ''}`.trim());
  return health.status === 'OK'
    ? { status: 'ok', summary: `${loki.name} answers: ${health.message ?? 'OK'}`, evidence: { lines } }
    : {
        status: 'error',
        summary: `${loki.name} does not answer: ${health.message ?? 'no message'}`,
        evidence: { lines },
      };
}

/** Runs one check; a failed request becomes an error result, so the page can show it like any other. */
export async function runCheck(
  id: DiagnosticId,
  dsUid: string | undefined,
  request: EnvironmentRequest
): Promise<DiagnosticResult> {
  const started = Date.now();
  try {
    if (id === DiagnosticId.LokiDataSource) {
      return { id, ...(await lokiDataSourceCheck()), ms: Date.now() - started };
    }
    if (!dsUid) {
      return {
        id,
        status: 'skipped',
        summary: 'No Kamiwaza Logs data source: its backend runs this check.',
        evidence: { lines: [] },
      };
    }
    return await post<DiagnosticResult>(resourceUrl(dsUid, AppResourcePath.diagnostic(id)), request);
  } catch (error) {
    return { id, status: 'error', summary: `The check did not run: ${errorMessage(error)}`, evidence: { lines: [] } };
  }
}
