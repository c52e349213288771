import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';

/** What Grafana's /api/datasources/uid/<uid>/health answers (200 when OK, 400 with the same shape when not). */
interface HealthResult {
  status?: 'OK' | 'ERROR' | 'UNKNOWN';
  message?: string;
}

type HealthState = { kind: 'checking' } | { kind: 'ok'; message: string } | { kind: 'error'; message: string };

async function checkHealth(uid: string): Promise<HealthState> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<HealthResult>({
        url: `/api/datasources/uid/${encodeURIComponent(uid)}/health`,
        showErrorAlert: false,
      })
    );
    const { status, message = '' } = response.data ?? {};
    return status === 'OK' ? { kind: 'ok', message } : { kind: 'error', message: message || `status ${status}` };
  } catch (error) {
    const failure = error as { status?: number; data?: HealthResult; message?: string };
    return { kind: 'error', message: failure.data?.message || failure.message || `HTTP ${failure.status ?? 'error'}` };
  }
}

export function DataSourceHealth({ uid, name }: { uid: string; name: string }) {
  const [state, setState] = useState<HealthState>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    checkHealth(uid).then((result) => current && setState(result));
    return () => {
      current = false;
    };
  }, [uid, attempt]);

  const checkAgain = () => {
    setState({ kind: 'checking' });
    setAttempt((n) => n + 1);
  };

  if (state.kind === 'checking') {
    return <LoadingPlaceholder text={`Checking ${name}…`} />;
  }
  const ok = state.kind === 'ok';
  return (
    <Alert title={ok ? `${name} is working` : `${name} reports a problem`} severity={ok ? 'success' : 'error'}>
      <Stack direction="column" gap={1} alignItems="flex-start">
        {state.message && (
          <div>
            {state.message.split('\n').map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        )}
        <Button size="sm" variant="secondary" icon="sync" onClick={checkAgain}>
          Check again
        </Button>
      </Stack>
    </Alert>
  );
}
