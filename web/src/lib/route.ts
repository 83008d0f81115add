/**
 * The console's pages as URLs (history API; the hub answers index.html for any non-API path).
 * Parsing and formatting are pure so that every link, reload and back button agree.
 */

export type Route =
  | { page: 'dashboard' }
  | { page: 'inventory'; query: URLSearchParams }
  | { page: 'asset'; id: string }
  | { page: 'map'; focus?: string }
  | { page: 'upload' }
  | { page: 'account' }
  | { page: 'access'; section: AccessSection; id?: string }
  | { page: 'login'; next?: string }
  | { page: 'setup'; token?: string }
  | { page: 'not-found'; path: string };

/** The access pages, in the order of their tabs. */
export const ACCESS_SECTIONS = [
  'grants',
  'sessions',
  'recordings',
  'keys',
  'users',
  'suppliers',
  'policy',
  'audit',
] as const;
export type AccessSection = (typeof ACCESS_SECTIONS)[number];

function isAccessSection(s: string): s is AccessSection {
  return (ACCESS_SECTIONS as readonly string[]).includes(s);
}

function parseAccess(path: string): Route {
  const [, , section, id, ...rest] = path.split('/');
  if (section === undefined) return { page: 'access', section: 'grants' };
  if (!isAccessSection(section) || rest.length > 0) return { page: 'not-found', path };
  if (id === undefined) return { page: 'access', section };
  if (section !== 'recordings') return { page: 'not-found', path };
  try {
    return { page: 'access', section, id: decodeURIComponent(id) };
  } catch {
    return { page: 'not-found', path };
  }
}

export function parseRoute(pathname: string, search: string): Route {
  const query = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'dashboard' };
  if (path === '/assets') return { page: 'inventory', query };
  if (path.startsWith('/assets/')) {
    const raw = path.slice('/assets/'.length);
    try {
      const id = decodeURIComponent(raw);
      if (id && !id.includes('/')) return { page: 'asset', id };
    } catch {
      // A malformed escape is not an asset id: fall through to not-found.
    }
    return { page: 'not-found', path };
  }
  if (path === '/map') return withOptional({ page: 'map' }, 'focus', query.get('focus'));
  if (path === '/upload') return { page: 'upload' };
  if (path === '/account') return { page: 'account' };
  if (path === '/access' || path.startsWith('/access/')) return parseAccess(path);
  if (path === '/login') return withOptional({ page: 'login' }, 'next', safeNext(query.get('next')));
  if (path === '/setup') return withOptional({ page: 'setup' }, 'token', query.get('token'));
  return { page: 'not-found', path };
}

function withOptional<R extends Route, K extends string>(r: R, key: K, v: string | null | undefined): R {
  return v ? { ...r, [key]: v } : r;
}

/** Only a path on this console may follow a login: never another origin (open redirect). */
export function safeNext(next: string | null): string | undefined {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  if (next.startsWith('/login') || next.startsWith('/setup')) return undefined;
  return next;
}

export function routeHref(r: Route): string {
  switch (r.page) {
    case 'dashboard':
      return '/';
    case 'inventory': {
      const q = r.query.toString();
      return q ? `/assets?${q}` : '/assets';
    }
    case 'asset':
      return `/assets/${encodeURIComponent(r.id)}`;
    case 'map':
      return r.focus ? `/map?focus=${encodeURIComponent(r.focus)}` : '/map';
    case 'upload':
      return '/upload';
    case 'account':
      return '/account';
    case 'access':
      return `/access/${r.section}${r.id !== undefined ? `/${encodeURIComponent(r.id)}` : ''}`;
    case 'login':
      return r.next ? `/login?next=${encodeURIComponent(r.next)}` : '/login';
    case 'setup':
      return r.token ? `/setup?token=${encodeURIComponent(r.token)}` : '/setup';
    case 'not-found':
      return r.path;
  }
}

export function assetHref(id: string): string {
  return routeHref({ page: 'asset', id });
}
