/** Loads one API resource for a component; a newer request (or unmounting) aborts the older. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorText, getJson } from './api.js';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T }
  | { state: 'error'; error: string; status?: number };

export function useApi<T>(path: string | null, query?: URLSearchParams): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const q = query?.toString() ?? '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation is the reload trigger
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setResult((r) => (r.state === 'ok' ? r : { state: 'loading' }));
    getJson<T>(path, q ? new URLSearchParams(q) : undefined, abort.signal).then(
      (data) => setResult({ state: 'ok', data }),
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setResult({
          state: 'error',
          error: errorText(e),
          ...(e instanceof ApiError ? { status: e.status } : {}),
        });
      },
    );
    return () => abort.abort();
  }, [path, q, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [result, reload];
}
