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
  const [results, setResults] = useState<DiagnosticResults>({});
  const [run, setRun] = useState(0);
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    let current = true;
    setResults({});
    const body = JSON.parse(requestKey) as EnvironmentRequest;
    for (const spec of DIAGNOSTICS) {
      runCheck(spec.id, dsUid, body).then((result) => {
        if (current) {
          setResults((previous) => ({ ...previous, [spec.id]: result }));
        }
      });
    }
    return () => {
      current = false;
    };
  }, [dsUid, requestKey, run]);

  const rerun = useCallback(() => setRun((n) => n + 1), []);
  return { results, rerun };
}
