/**
 * Runs every diagnostic check at once, one request each, and hands back each result as it
 * arrives (the page renders a check the moment it finishes). `rerun` starts them all again.
 */
import { useCallback, useEffect, useState } from 'react';

import type { EnvironmentRequest } from '../shared/environment';
import { DIAGNOSTICS, type DiagnosticId, type DiagnosticResult } from '../shared/environment-diagnostics';
import { runCheck } from './kamiwazaBackend';

export type DiagnosticResults = Partial<Record<DiagnosticId, DiagnosticResult>>;

export function useDiagnostics(dsUid: string | undefined, request: EnvironmentRequest) {
  const [run, setRun] = useState(0);
  const requestKey = JSON.stringify(request);
  // Results belong to one run of one request: a new key shows every check as running again.
  const key = `${dsUid}|${requestKey}|${run}`;
  const [state, setState] = useState<{ key: string; results: DiagnosticResults }>({ key: '', results: {} });

  useEffect(() => {
    let current = true;
    const body = JSON.parse(requestKey) as EnvironmentRequest;
    for (const spec of DIAGNOSTICS) {
      runCheck(spec.id, dsUid, body).then((result) => {
        if (current) {
          setState((previous) => ({
            key,
            results: { ...(previous.key === key ? previous.results : {}), [spec.id]: result },
          }));
        }
      });
    }
    return () => {
      current = false;
    };
  }, [dsUid, requestKey, key]);

  const rerun = useCallback(() => setRun((n) => n + 1), []);
  return { results: state.key === key ? state.results : {}, rerun };
}
