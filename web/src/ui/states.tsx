/** Loading, error and empty states, worded the same on every page. */
import type { ReactNode } from 'react';
import type { Loadable } from '../lib/use-api.js';

export function Loading({ what }: { what: string }) {
  return <div className="state loading">Loading {what}…</div>;
}

export function Failed({ what, error, retry }: { what: string; error: string; retry?: () => void }) {
  return (
    <div className="state failed" role="alert">
      Could not load {what}: {error}
      {retry ? (
        <button type="button" className="btn small" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Renders `ok` data, or the loading/error state for `what`. */
export function Load<T>(props: {
  value: Loadable<T>;
  what: string;
  retry?: () => void;
  children: (data: T) => ReactNode;
}) {
  const v = props.value;
  if (v.state === 'loading') return <Loading what={props.what} />;
  if (v.state === 'error')
    return <Failed what={props.what} error={v.error} {...(props.retry ? { retry: props.retry } : {})} />;
  return <>{props.children(v.data)}</>;
}
