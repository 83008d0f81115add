/** Client-side navigation over the history API: one hook reads the route, one function moves. */
import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './route.js';

const CHANGE = 'lineguard:navigate';

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (href === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const current = () => location.pathname + location.search;

/** The current URL (path and query); re-renders on every navigation. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, current);
}

export function useRoute(): Route {
  const href = useLocation();
  const i = href.indexOf('?');
  return parseRoute(i < 0 ? href : href.slice(0, i), i < 0 ? '' : href.slice(i));
}
