/**
 * The console's shell: who is signed in, the top bar, and which page the URL names. A lost
 * session (401 from any call) sends the user to sign in and back to where they were.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { confirmWithKey } from './access/webauthn.js';
import {
  ApiError,
  errorText,
  getJson,
  onSessionLost,
  onStepUp,
  postJson,
  type SessionInfo,
  setCsrf,
} from './lib/api.js';
import { navigate, useLocation, useRoute } from './lib/nav.js';
import type { Route } from './lib/route.js';
import { AccountPage } from './pages/account.js';
import { AssetPage } from './pages/asset.js';
import { DashboardPage } from './pages/dashboard.js';
import { InventoryPage } from './pages/inventory.js';
import { LoginPage, SetupPage } from './pages/login.js';
import { UploadPage } from './pages/upload.js';
import { PageErrorBoundary } from './ui/error-boundary.js';
import { Link } from './ui/link.js';
import { Failed, Loading } from './ui/states.js';

// The map pulls in cytoscape; load it only when someone opens the map.
const MapPage = lazy(() => import('./pages/map.js').then((m) => ({ default: m.MapPage })));
const AccessPage = lazy(() => import('./access/access-page.js').then((m) => ({ default: m.AccessPage })));

type Auth =
  | { state: 'checking' }
  | { state: 'out' }
  | { state: 'error'; error: string }
  | { state: 'in'; session: SessionInfo };

const NAV: { href: string; label: string; pages: Route['page'][]; engineer?: boolean }[] = [
  { href: '/', label: 'Dashboard', pages: ['dashboard'] },
  { href: '/assets', label: 'Inventory', pages: ['inventory', 'asset'] },
  { href: '/map', label: 'Network map', pages: ['map'] },
  { href: '/upload', label: 'Upload capture', pages: ['upload'], engineer: true },
  { href: '/access', label: 'Access', pages: ['access'] },
];

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const route = useRoute();
  const here = useLocation();

  const signIn = useCallback((s: SessionInfo) => {
    setCsrf(s.csrf);
    setAuth({ state: 'in', session: s });
  }, []);

  useEffect(() => {
    onSessionLost(() => {
      setCsrf('');
      setAuth({ state: 'out' });
    });
    // A change the hub wants confirmed with the key: ask the key, then the change goes again.
    onStepUp(confirmWithKey);
    getJson<SessionInfo>('/api/auth/me').then(signIn, (e: unknown) =>
      setAuth(
        e instanceof ApiError && e.status === 401
          ? { state: 'out' }
          : { state: 'error', error: errorText(e) },
      ),
    );
  }, [signIn]);

  const onCredentialPage = route.page === 'login' || route.page === 'setup';
  useEffect(() => {
    if (auth.state === 'out' && !onCredentialPage)
      navigate(here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`, { replace: true });
    if (auth.state === 'in' && onCredentialPage)
      navigate(route.page === 'login' && route.next ? route.next : '/', { replace: true });
  }, [auth.state, onCredentialPage, here, route]);

  if (auth.state === 'checking') return <Loading what="the console" />;
  if (auth.state === 'error')
    return <Failed what="the session" error={auth.error} retry={() => location.reload()} />;
  if (auth.state === 'out') {
    if (route.page === 'setup')
      return <SetupPage {...(route.token ? { token: route.token } : {})} onSession={signIn} />;
    return <LoginPage onSession={signIn} />;
  }
  if (onCredentialPage) return <Loading what="the console" />;

  const { user } = auth.session;
  const canUpload = user.role !== 'viewer';
  const logout = () => {
    postJson('/api/auth/logout').finally(() => {
      setCsrf('');
      setAuth({ state: 'out' });
    });
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Lineguard
        </Link>
        <nav className="main-nav" aria-label="Main">
          {NAV.filter((n) => canUpload || !n.engineer).map((n) => (
            <Link key={n.href} href={n.href} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="user">
          <Link
            href="/account"
            className="account-link"
            title={`Signed in as ${user.name} (${user.role}): your account`}
            aria-current={route.page === 'account' ? 'page' : undefined}
          >
            {user.name} <span className="muted">· {user.role}</span>
          </Link>
          <button type="button" className="btn small ghost" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        {/* A new page starts with a fresh boundary; a new query on the same page keeps its state. */}
        <PageErrorBoundary key={here.split('?')[0]}>
          <Suspense fallback={<Loading what="the page" />}>{page(route, canUpload)}</Suspense>
        </PageErrorBoundary>
      </main>
    </div>
  );
}

function page(route: Route, canUpload: boolean) {
  switch (route.page) {
    case 'dashboard':
      return <DashboardPage />;
    case 'inventory':
      return <InventoryPage query={route.query} />;
    case 'asset':
      return <AssetPage key={route.id} id={route.id} />;
    case 'map':
      return <MapPage {...(route.focus ? { focus: route.focus } : {})} />;
    case 'upload':
      return canUpload ? (
        <UploadPage />
      ) : (
        <Failed what="the upload page" error="uploading captures needs the engineer role" />
      );
    case 'account':
      return <AccountPage />;
    case 'access':
      return <AccessPage section={route.section} {...(route.id !== undefined ? { id: route.id } : {})} />;
    case 'login':
    case 'setup':
      return null;
    case 'not-found':
      return (
        <div className="state empty">
          No page at <code>{route.path}</code>. <Link href="/">Go to the dashboard</Link>.
        </div>
      );
  }
}
