/**
 * Security keys and the access pages end to end, in Debian's Chromium with a CDP virtual
 * authenticator, against the real hub with its access gateway (WebAuthn bound to
 * http://localhost:<port>): a key registered on the console's own page, sign-in by password
 * then key and by the key alone; a replayed assertion refused; an assertion made on another
 * origin (a phishing page on another port) and relayed by its server refused on origin; a key
 * without user verification refused by the browser. Then a supplier's request approved on the
 * grants page, and a bad policy shown with Cedar's error while the previous stays in force.
 * Last, the opt-in fallback: a supplier without a key sets up an authenticator app on My keys
 * and signs in with password and code, audited as not phishing-resistant; the administrator
 * resets the supplier's factors on People and removes their own key, which then signs no one in.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCsr } from '../src/access/testing/gateway.js';
import { DEMO_SUPPLIER_USER, seedDemoAccess } from '../src/cli/demo-access.js';
import { freePort, openHubAccess } from '../src/cli/hub-access.js';
import type { HubAccess } from '../src/server/access-gateway.js';
import { type RunningHub, startHub } from '../src/server/listen.js';
import { hashPassword } from '../src/server/password.js';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/types.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, WEB_ROOT } from './console.js';
import { REPO } from './shared.js';

const BROWSER_BUNDLE = join(REPO, 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js');
const ADMIN = { name: 'admin', password: 'access-e2e-password' };

interface Relayed {
  status: number;
  body: { code?: string; detail?: string };
  origin: string;
  cookie: boolean;
}

/**
 * The phishing site: another origin (same host, another port), whose server fetches a real
 * challenge from the hub, has the visitor's browser sign it, and relays the answer.
 */
function phishingSite(hub: string): Server {
  const page = `<!doctype html><meta charset="utf-8"><title>Lineguard sign-in</title>
<script src="/swa.js"></script>
<script>
async function phish() {
  const c = await (await fetch('/challenge', { method: 'POST' })).json();
  const response = await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: c.options });
  const origin = JSON.parse(atob(response.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/'))).origin;
  const r = await fetch('/relay', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ceremony: c.ceremony, response }) });
  return { ...(await r.json()), origin };
}
</script>`;
  return createServer(async (req, res) => {
    if (req.url === '/swa.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BROWSER_BUNDLE));
    } else if (req.url === '/challenge') {
      const r = await fetch(`${hub}/api/auth/key/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
    } else if (req.url === '/relay') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const r = await fetch(`${hub}/api/auth/key/finish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      });
      const relayed = { status: r.status, body: await r.json(), cookie: r.headers.getSetCookie().length > 0 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(relayed));
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    }
  });
}

describe.skipIf(!chromiumAvailable())('security keys and access pages in a browser', () => {
  let dir: string;
  let store: Store;
  let access: HubAccess;
  let hub: RunningHub;
  let url: string;
  let phish: Server;
  let phishUrl: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticator: string;
  /** The body the console's own page sent to finish its last key sign-in. */
  let lastKeyFinish: string | undefined;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build first`);
    dir = mkdtempSync(join(tmpdir(), 'lineguard-access-e2e-'));
    store = await openStore({ dataDir: dir });
    await store.createUser({
      name: ADMIN.name,
      role: 'admin',
      passwordHash: await hashPassword(ADMIN.password),
    });
    await store.createUser({
      name: DEMO_SUPPLIER_USER,
      role: 'viewer',
      passwordHash: await hashPassword('supplier-password'),
    });
    const port = await freePort('127.0.0.1');
    url = `http://localhost:${port}`;
    access = await openHubAccess({
      dataDir: dir,
      caPassphrase: randomBytes(24).toString('base64url'),
      publicUrl: new URL(url),
      allowTotp: true,
    });
    await seedDemoAccess(access, ADMIN.name);
    hub = await startHub({ store, version: 'e2e', host: '127.0.0.1', port, webRoot: WEB_ROOT, access });
    phish = phishingSite(url);
    await new Promise<void>((resolve) => phish.listen(0, '127.0.0.1', resolve));
    const addr = phish.address();
    phishUrl = `http://localhost:${typeof addr === 'object' && addr ? addr.port : 0}`;

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url().endsWith('/api/auth/key/finish')) lastKeyFinish = r.postData() ?? undefined;
    });
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId: authenticator } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => (phish ? phish.close(resolve) : resolve(undefined)));
    await hub?.close();
    await access?.gateway.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };
  /** Signed in: the console is back where the user was, with its sign-out button. */
  const signedInView = () => page.getByRole('button', { name: 'Sign out' }).waitFor();
  const keyLogins = async () =>
    (await access.gateway.audit.list({ type: 'access.login', limit: 1000 })).length;
  const sessionCount = async () =>
    (await page.context().request.get(`${url}/api/auth/me`)).status() === 200 ? 'signed in' : 'signed out';

  it('registers a security key on the console’s own page', async () => {
    await page.goto(url);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('User name').fill(ADMIN.name);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'My keys' }).click();
    await page.getByLabel('Key name').fill('Virtual key');
    await page.getByRole('button', { name: 'Register a security key' }).click();
    await page.getByTestId('key-list').getByRole('cell', { name: 'Virtual key' }).waitFor();

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
    const keys = await access.gateway.webauthn!.keys(ADMIN.name);
    expect(keys).toMatchObject([{ name: 'Virtual key', deviceType: 'singleDevice' }]);
  });

  it('signs in with the password, then the key', async () => {
    await signOut();
    const before = await keyLogins();
    await page.getByLabel('User name').fill(ADMIN.name);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signedInView();
    expect(await keyLogins()).toBe(before + 1);
    expect(lastKeyFinish).toBeDefined();
  });

  it('signs in with the key alone; the same assertion replayed is refused', async () => {
    await signOut();
    lastKeyFinish = undefined;
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await signedInView();
    expect(lastKeyFinish).toBeDefined();
    const before = await keyLogins();
    const replay = await fetch(`${url}/api/auth/key/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: lastKeyFinish,
    });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('LG_KEY_REJECTED');
    expect(replay.headers.getSetCookie()).toEqual([]);
    expect(await keyLogins()).toBe(before);
  });

  it('issues a device certificate on My keys right after the key sign-in, downloaded as PEM', async () => {
    const { csrPem } = await deviceCsr('admin-laptop');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'My keys' }).click();
    await page.getByRole('textbox', { name: 'Device', exact: true }).fill('admin-laptop');
    await page.getByLabel('Certificate request (PEM)').fill(csrPem);
    await page.getByRole('button', { name: 'Issue certificate' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download certificate' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('admin-laptop.crt.pem');
    const cert = new X509Certificate(readFileSync((await download.path())!));
    expect(cert.subject).toBe('CN=admin');
    expect(cert.subjectAltName).toContain('urn:lineguard:device:admin-laptop');
    expect(access.gateway.ca.status(cert.serialNumber, cert.fingerprint256, Date.now()).status).toBe('valid');
  });

  it('refuses an assertion made on another origin and relayed (phishing)', async () => {
    const before = await keyLogins();
    await page.goto(phishUrl);
    const relayed = (await page.evaluate('phish()')) as Relayed;
    // The browser did sign — for the page it was on — and the hub refused it for that reason.
    expect(relayed.origin).toBe(phishUrl);
    expect(relayed.status).toBe(401);
    expect(relayed.body.detail).toMatch(/origin/i);
    expect(relayed.cookie).toBe(false);
    expect(await keyLogins()).toBe(before);
    const refused = await access.gateway.audit.list({ type: 'access.login.refused', limit: 1000 });
    expect(String(refused.at(-1)?.data.why)).toMatch(/origin/i);
  });

  it('gets no session from a key that cannot verify its user', async () => {
    await page.goto(url);
    await signedInView();
    await signOut();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId: authenticator, isUserVerified: false });
    try {
      await page.getByRole('button', { name: 'Use a security key' }).click();
      await page.getByRole('alert').waitFor();
      expect(await sessionCount()).toBe('signed out');
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId: authenticator, isUserVerified: true });
    }
  });

  it("approves a supplier's pending request on the grants page", async () => {
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await signedInView();
    await page.goto(`${url}/access/grants`);
    const [pending] = await access.gateway.grants.list({ status: 'pending' });
    expect(pending?.requester).toBe(DEMO_SUPPLIER_USER);
    const row = page.locator(`tr[data-grant="${pending!.id}"]`);
    await row.getByRole('button', { name: 'Approve' }).click();
    await page.locator(`tr[data-grant="${pending!.id}"][data-status="approved"]`).waitFor();
    expect((await access.gateway.grants.get(pending!.id))?.status).toBe('approved');
    // The status filter: no longer among the pending, among the approved.
    await page.getByLabel('Status').selectOption('pending');
    await page.getByText('No pending request.').waitFor();
    await page.getByLabel('Status').selectOption('approved');
    await page.locator(`tr[data-grant="${pending!.id}"]`).waitFor();
  });

  it("shows a bad policy with Cedar's error and keeps the previous in force", async () => {
    const version = access.gateway.policies.version;
    await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Policy' }).click();
    await page.getByTestId('policy-in-force').waitFor();
    await page
      .getByLabel('Policy text')
      .fill('permit (principal, action == Action::"modbus:wrte", resource);');
    await page.getByRole('button', { name: 'Put in force' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(`Version ${version} stays in force`);
    expect(await alert.textContent()).toMatch(/modbus:wrte/);
    expect(access.gateway.policies.version).toBe(version);
  });

  it('pages through a long recording and exports the whole of it', async () => {
    // Twelve hundred operations through the recorder the proxies use: more than two pages.
    const rec = access.gateway.recorder;
    const at = Date.now() - 3_600_000;
    rec.start({
      id: 's-long',
      protocol: 'modbus',
      user_id: DEMO_SUPPLIER_USER,
      device_id: null,
      asset_id: 'plc-1',
      source: '10.9.0.5',
      started_at: at,
      ended_at: null,
      end_reason: null,
    });
    for (let seq = 1; seq <= 1200; seq++)
      rec.op(
        's-long',
        seq,
        at + seq,
        'modbus:read',
        '3',
        `unit 1 holding ${seq}`,
        true,
        'grant-active',
        'ok',
      );
    rec.end('s-long', at + 5000, 'client closed the connection');
    await rec.flush();

    await page.goto(`${url}/access/recordings/s-long`);
    await expect.poll(() => page.getByTestId('recording-totals').textContent()).toContain('1,200 operations');
    const rows = page.locator('table.grid-table tbody tr');
    const firstSeq = () => rows.first().locator('td').first().textContent();
    expect(await rows.count()).toBe(500);
    expect(await firstSeq()).toBe('1');
    // The pager is above the rows and below them.
    expect(await page.getByRole('button', { name: 'Next 500' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Next 500' }).first().click();
    await expect.poll(firstSeq).toBe('501');
    await page.getByRole('button', { name: 'Next 500' }).last().click();
    await expect.poll(firstSeq).toBe('1001');
    expect(await rows.count()).toBe(200);
    expect(await page.getByRole('button', { name: 'Next 500' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Previous 500' }).last().click();
    await expect.poll(firstSeq).toBe('501');

    const href = await page.getByRole('link', { name: 'Export (JSON lines)' }).getAttribute('href');
    const exported = await page.context().request.get(`${url}${href}`);
    const kinds = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(['session', ...Array<string>(1200).fill('operation')]);

    // The list of recordings pages back, a hundred at a time: s-long is the oldest of 101.
    for (let i = 0; i < 100; i++)
      rec.start({
        id: `s-short-${i}`,
        protocol: 'tcp',
        user_id: DEMO_SUPPLIER_USER,
        device_id: null,
        asset_id: 'ews-1',
        source: '10.9.0.5',
        started_at: at + 10_000 + i,
        ended_at: null,
        end_reason: null,
      });
    await rec.flush();
    await page.goto(`${url}/access/recordings`);
    const listed = page.locator('table.grid-table tbody tr');
    await expect.poll(() => listed.count()).toBe(100);
    // A row's link opens that row (each link covers its own row only).
    await listed.nth(1).getByRole('link').click();
    await page.waitForURL(/\/access\/recordings\/s-short-98$/);
    await page.goBack();
    await expect.poll(() => listed.count()).toBe(100);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => listed.count()).toBe(1);
    await listed.first().getByRole('link').click();
    await expect.poll(() => page.getByTestId('recording-totals').textContent()).toContain('1,200 operations');
  });

  it('sets up an authenticator app on My keys, then signs in with password and code', async () => {
    await signOut();
    await page.getByLabel('User name').fill(DEMO_SUPPLIER_USER);
    await page.getByLabel('Password').fill('supplier-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signedInView();
    await page.goto(`${url}/access/keys`);
    // No key: the password first.
    await page.getByLabel('Your password').fill('supplier-password');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code of the authenticator secret' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    const epoch = () => Math.floor(Date.now() / 1000);
    await page.getByLabel('The code your app shows now').fill(await generate({ secret, epoch: epoch() }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('totp-status').waitFor();

    await signOut();
    await page.getByLabel('User name').fill(DEMO_SUPPLIER_USER);
    await page.getByLabel('Password').fill('supplier-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authenticator code' }).waitFor();
    const codeField = page.getByLabel('The code your authenticator app shows');
    expect(await codeField.inputValue()).toBe('');
    // The code of the next step: the one that confirmed the app is spent.
    await page
      .getByLabel('The code your authenticator app shows')
      .fill(await generate({ secret, epoch: epoch() + 30 }));
    await page.getByRole('button', { name: 'Sign in with the code' }).click();
    await signedInView();
    const login = (await access.gateway.audit.list({ type: 'access.login', limit: 1000 })).at(-1);
    expect(login).toMatchObject({
      actor: DEMO_SUPPLIER_USER,
      data: { method: 'totp', phishingResistant: false },
    });
  });

  it('asks a code session for the key before an approval, and approves once the key confirms', async () => {
    await signOut();
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await signedInView();
    // The administrator (a key holder, signed in by key just now) adds an app as a fallback.
    await page.goto(`${url}/access/keys`);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    const epoch = () => Math.floor(Date.now() / 1000);
    await page.getByLabel('The code your app shows now').fill(await generate({ secret, epoch: epoch() }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('totp-status').waitFor();
    const now = Date.now();
    const pending = await access.gateway.grants.request(DEMO_SUPPLIER_USER, {
      assets: [(await access.gateway.grants.list({}))[0]!.assets[0]!],
      actions: ['connect', 'modbus:read'],
      startsAt: now,
      endsAt: now + 3600_000,
      reason: 'Step-up check',
    });

    // Key not at hand: the password, then the code.
    await signOut();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId: authenticator, isUserVerified: false });
    try {
      await page.getByLabel('User name').fill(ADMIN.name);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Authenticator code' }).waitFor();
      await page
        .getByLabel('The code your authenticator app shows')
        .fill(await generate({ secret, epoch: epoch() + 30 }));
      await page.getByRole('button', { name: 'Sign in with the code' }).click();
      await signedInView();
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId: authenticator, isUserVerified: true });
    }
    const before = await keyLogins();
    await page.goto(`${url}/access/grants`);
    await page.locator(`tr[data-grant="${pending.id}"]`).getByRole('button', { name: 'Approve' }).click();
    // The hub refused the code session's approval (LG_STEP_UP); the console asked the key and sent it again.
    await page.locator(`tr[data-grant="${pending.id}"][data-status="approved"]`).waitFor();
    expect((await access.gateway.grants.get(pending.id))?.status).toBe('approved');
    expect(await keyLogins()).toBe(before + 1);
    // The audit page shows the code sign-in for what it is.
    await page.goto(`${url}/access/audit`);
    await page
      .locator('tr[data-type="access.login"]')
      .filter({ hasText: 'not phishing-resistant' })
      .filter({ hasText: '"method":"totp"' })
      .first()
      .waitFor();
  });

  it("resets a person's factors on the People page, and removes a lost key on My keys", async () => {
    page.on('dialog', (d) => void d.accept());
    await signOut();
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await signedInView();
    await page.goto(`${url}/access/users`);
    const row = page.locator(`tr[data-user="${DEMO_SUPPLIER_USER}"]`);
    await row.getByRole('cell', { name: 'app', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Reset factors' }).click();
    await row.getByRole('cell', { name: 'password only' }).waitFor();
    expect((await access.gateway.totp.status(DEMO_SUPPLIER_USER)).enrolled).toBe(false);

    await page.goto(`${url}/access/keys`);
    await page.getByTestId('key-list').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No key yet.', { exact: false }).waitFor();
    expect(await access.gateway.webauthn!.keys(ADMIN.name)).toEqual([]);
    // The browser still holds the key; the hub no longer knows it.
    await signOut();
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/unknown security key/);
    expect(await sessionCount()).toBe('signed out');
  });

  it('raised no script errors', () => {
    expect(errors).toEqual([]);
  });
});
