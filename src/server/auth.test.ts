/** Sign-in, sessions, CSRF, roles, rate limits and first-admin setup, over a real store. */
import { afterEach, describe, expect, it } from 'vitest';
import { SetupToken } from './setup-token.js';
import { type Client, clientOf, sessionCookie, type TestHub, testHub } from './testing/hub.js';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function open(opts: Parameters<typeof testHub>[0] = {}): Promise<TestHub> {
  hub = await testHub(opts);
  return hub;
}

const login = (h: TestHub, name: string, password: string) =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password } });

/** Every documented route, with sample path parameters. */
async function documentedRoutes(h: TestHub): Promise<{ method: string; url: string }[]> {
  const doc = (await h.app.inject({ url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({
      method: method.toUpperCase(),
      url: path.replace('{id}', '00000000-0000-4000-8000-000000000000'),
    })),
  );
}

describe('every route but sign-in, setup, health and the OpenAPI document needs a session', () => {
  it('answers 401 without a session, with problem+json', async () => {
    const h = await open();
    const routes = await documentedRoutes(h);
    expect(routes.length).toBeGreaterThanOrEqual(16);
    const open401: string[] = [];
    for (const r of routes) {
      const res = await h.app.inject({ method: r.method as 'GET', url: r.url });
      if (res.statusCode !== 401) open401.push(`${r.method} ${r.url} → ${res.statusCode}`);
      else {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status: 401, code: 'LG_AUTH_REQUIRED' });
      }
    }
    expect(open401.sort()).toEqual(
      ['GET /api/health → 200', 'POST /api/auth/login → 400', 'POST /api/auth/setup → 400'].sort(),
    );
    expect((await h.app.inject({ url: '/api/openapi.json' })).statusCode).toBe(200);
  });

  it('refuses a forged or unknown cookie', async () => {
    const h = await open();
    for (const cookie of ['x', 'A'.repeat(43), "' OR 1=1 --", '../../etc/passwd']) {
      const res = await h.app.inject({ url: '/api/stats', cookies: { lg_session: cookie } });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('sign-in', () => {
  it('gives the same answer for an unknown user and a wrong password', async () => {
    const h = await open();
    await h.addUser('alice', 'viewer', 'alice-password-1');
    const unknown = await login(h, 'mallory', 'alice-password-1');
    const wrong = await login(h, 'alice', 'not-her-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.json()).toMatchObject({ code: 'LG_BAD_CREDENTIALS', detail: 'wrong user name or password' });
    expect(sessionCookie(wrong)).toBeUndefined();
    const sqlish = await login(h, "alice' OR '1'='1' --", "' OR '1'='1");
    expect(sqlish.json()).toEqual(wrong.json());
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token', async () => {
    const h = await open();
    await h.addUser('alice', 'engineer', 'alice-password-1');
    const res = await login(h, 'alice', 'alice-password-1');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { user: { name: string; role: string }; csrf: string };
    expect(body.user).toMatchObject({ name: 'alice', role: 'engineer' });
    expect(body).not.toHaveProperty('user.passwordHash');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^lg_session=[\w-]{43};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).not.toContain('Secure'); // plain http here; https sets it
    const me = await h.app.inject({ url: '/api/auth/me', cookies: { lg_session: sessionCookie(res)! } });
    expect(me.json()).toEqual(body);
  });

  it('stores only a digest of the cookie token', async () => {
    const h = await open();
    await h.addUser('alice', 'viewer', 'alice-password-1');
    const token = sessionCookie(await login(h, 'alice', 'alice-password-1'))!;
    expect(await h.store.session(token)).toBeUndefined();
  });

  it('ends a session planted before sign-in (fixation)', async () => {
    const h = await open();
    const planted = await h.signedIn('viewer', 'victim-before');
    await h.addUser('bob', 'viewer', 'bob-password-12');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'bob', password: 'bob-password-12' },
      cookies: { lg_session: planted.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(sessionCookie(res)).not.toBe(planted.cookie);
    expect((await planted.inject({ url: '/api/stats' })).statusCode).toBe(401);
  });

  it('changes the password with the current one: other sessions end, this one stays', async () => {
    const h = await open({ throttle: { failures: 3, windowMs: 60_000, maxNames: 100 } });
    const here = await h.signedIn('viewer', 'carol');
    const elsewhere = clientOf(h.app, await login(h, 'carol', 'pw-carol-long-enough'));
    const change = (current: string, next: string) =>
      here.inject({ method: 'POST', url: '/api/auth/password', payload: { current, next } });
    const wrong = await change('not-my-password', 'carol-new-password');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().detail).toBe('current: does not match your password');
    expect((await change('pw-carol-long-enough', 'short')).statusCode).toBe(400);
    expect((await change('pw-carol-long-enough', 'pw-carol-long-enough')).json().detail).toMatch(/have now/);
    const ok = await change('pw-carol-long-enough', 'carol-new-password');
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await elsewhere.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await here.inject({ url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await login(h, 'carol', 'pw-carol-long-enough')).statusCode).toBe(401);
    expect(sessionCookie(await login(h, 'carol', 'carol-new-password'))).toBeDefined();
    // Guessing the current password counts towards the name's limit like a failed sign-in.
    await change('guess-1-guess', 'carol-newer-password');
    await change('guess-2-guess', 'carol-newer-password');
    await change('guess-3-guess', 'carol-newer-password');
    expect((await change('carol-new-password', 'carol-newer-password')).statusCode).toBe(429);
  });

  it('signs out everywhere else on request, keeping this session', async () => {
    const h = await open();
    const here = await h.signedIn('viewer', 'erin');
    const there = clientOf(h.app, await login(h, 'erin', 'pw-erin-long-enough'));
    const someoneElse = await h.signedIn('viewer', 'frank');
    const res = await here.inject({ method: 'POST', url: '/api/auth/sessions/end-others' });
    expect(res.statusCode).toBe(204);
    expect((await there.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await here.inject({ url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await someoneElse.inject({ url: '/api/auth/me' })).statusCode).toBe(200);
  });

  it('signs out: the cookie is cleared and the session is gone', async () => {
    const h = await open();
    const c = await h.signedIn('viewer');
    const out = await c.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^lg_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await c.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('ends idle sessions, and busy ones at their absolute age', async () => {
    const h = await open({ sessions: { idleMs: 300, absoluteMs: 900, touchEveryMs: 0 } });
    const idle = await h.signedIn('viewer');
    await new Promise((r) => setTimeout(r, 400));
    expect((await idle.inject({ url: '/api/stats' })).statusCode).toBe(401);

    const busy = await h.signedIn('viewer');
    const started = Date.now();
    while (Date.now() - started < 1000) {
      const res = await busy.inject({ url: '/api/auth/me' });
      if (Date.now() - started < 800) expect(res.statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await busy.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses an unsafe request without the session token in the header', async () => {
    const h = await open();
    const admin = await h.signedIn('admin');
    const newUser = { name: 'carol', password: 'carol-password', role: 'viewer' };
    const none = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: newUser,
      cookies: { lg_session: admin.cookie },
    });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'LG_CSRF', detail: expect.stringContaining('x-csrf-token') });
    const other = await h.signedIn('admin');
    const wrong = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: newUser,
      headers: { 'x-csrf-token': other.csrf },
    });
    expect(wrong.statusCode).toBe(403);
    expect(await h.store.userByName('carol')).toBeUndefined();
    const right = await admin.inject({ method: 'POST', url: '/api/users', payload: newUser });
    expect(right.statusCode).toBe(201);
    expect(right.json()).toMatchObject({ name: 'carol', role: 'viewer', disabled: false });
    expect(right.json()).not.toHaveProperty('passwordHash');
  });

  it('also guards sign-out', async () => {
    const h = await open();
    const c = await h.signedIn('viewer');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { lg_session: c.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect((await c.inject({ url: '/api/auth/me' })).statusCode).toBe(200);
  });
});

describe('roles', () => {
  let viewer: Client;
  let engineer: Client;

  it('viewers read; only engineers and admins upload; only admins manage users', async () => {
    const h = await open();
    viewer = await h.signedIn('viewer');
    engineer = await h.signedIn('engineer');
    const admin = await h.signedIn('admin');
    const upload = {
      method: 'POST' as const,
      url: '/api/captures',
      payload: 'x',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    };
    const v = await viewer.inject(upload);
    expect(v.statusCode).toBe(403);
    expect(v.json()).toMatchObject({
      code: 'LG_FORBIDDEN',
      detail: 'this needs the engineer role; you are viewer',
    });
    expect((await viewer.inject({ url: '/api/captures' })).statusCode).toBe(403);
    expect((await viewer.inject({ url: '/api/assets' })).statusCode).toBe(200);
    expect((await engineer.inject({ url: '/api/captures' })).statusCode).toBe(200);
    expect((await engineer.inject({ url: '/api/users' })).statusCode).toBe(403);
    const made = await engineer.inject({
      method: 'POST',
      url: '/api/users',
      payload: { name: 'eve', password: 'eve-password-1', role: 'admin' },
    });
    expect(made.statusCode).toBe(403);
    expect(await h.store.userByName('eve')).toBeUndefined();
    const list = await admin.inject({ url: '/api/users' });
    expect((list.json() as { items: { name: string }[] }).items.map((u) => u.name).sort()).toEqual([
      'admin3',
      'engineer2',
      'viewer1',
    ]);
  });

  it('refuses a second user of the same name', async () => {
    const h = await open();
    const admin = await h.signedIn('admin', 'root');
    const res = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { name: 'root', password: 'another-password', role: 'viewer' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'LG_CONFLICT', detail: expect.stringMatching(/^name: /) });
  });
});

describe('sign-in rate limits', () => {
  it('limits attempts per client address', async () => {
    const h = await open({ loginPerMinute: 3 });
    await h.addUser('alice', 'viewer', 'alice-password-1');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(h, `nobody${i}`, 'guess-guess')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const limited = await login(h, 'alice', 'alice-password-1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'LG_RATE_LIMITED' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'alice', password: 'alice-password-1' },
      remoteAddress: '10.9.8.7',
    });
    expect(other.statusCode).toBe(200);
  });

  it('believes X-Forwarded-For and -Proto only from a trusted proxy', async () => {
    const forwarded = (h: TestHub, name: string, password: string, from: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name, password },
        remoteAddress: from,
        headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
      });
    // No proxy trusted: the headers are the client's own claims, and ignored.
    const plain = await open({ loginPerMinute: 2 });
    await plain.addUser('alice', 'viewer', 'alice-password-1');
    const direct = await forwarded(plain, 'alice', 'alice-password-1', '10.0.0.9');
    expect(String(direct.headers['set-cookie'])).not.toContain('Secure');
    // Throttled by the real address: claiming other addresses does not reset the count.
    await forwarded(plain, 'x1', 'guess-guess', '10.0.0.9');
    expect((await forwarded(plain, 'x2', 'guess-guess', '10.0.0.9')).statusCode).toBe(429);
    await plain.close();
    hub = undefined;

    const proxied = await open({ loginPerMinute: 2, trustProxy: ['10.0.0.1'] });
    await proxied.addUser('alice', 'viewer', 'alice-password-1');
    const viaProxy = await forwarded(proxied, 'alice', 'alice-password-1', '10.0.0.1');
    expect(viaProxy.statusCode).toBe(200);
    expect(String(viaProxy.headers['set-cookie'])).toContain('Secure');
    // Through the proxy, the throttle counts the forwarded client, not the proxy.
    await forwarded(proxied, 'x1', 'guess-guess', '10.0.0.1');
    expect((await forwarded(proxied, 'x2', 'guess-guess', '10.0.0.1')).statusCode).toBe(429);
    const otherClient = await proxied.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'alice', password: 'alice-password-1' },
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.20' },
    });
    expect(otherClient.statusCode).toBe(200);
    // An untrusted sender's forwarding headers still count for nothing.
    const spoof = await forwarded(proxied, 'alice', 'alice-password-1', '10.0.0.50');
    expect(String(spoof.headers['set-cookie'])).not.toContain('Secure');
  });

  it('limits failures per user name from any address, even with the right password after', async () => {
    const h = await open({ throttle: { failures: 3, windowMs: 60_000, maxNames: 100 } });
    await h.addUser('alice', 'viewer', 'alice-password-1');
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'alice', password: `guess-${i}-guess` },
        remoteAddress: `10.0.0.${i + 1}`,
      });
      expect(res.statusCode).toBe(401);
    }
    const res = await login(h, 'alice', 'alice-password-1');
    expect(res.statusCode).toBe(429);
    expect(res.json().detail).toMatch(/too many failed sign-ins for this user name; try again in \d+ s/);
    expect(sessionCookie(res)).toBeUndefined();
  });
});

describe('first administrator', () => {
  const body = (token: string) => ({ token, name: 'first-admin', password: 'first-admin-password' });

  it('is created once, with the token printed at start, and signed in', async () => {
    const setup = new SetupToken();
    const h = await open({ setup });
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: body('not-the-token'),
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'LG_SETUP_TOKEN', detail: expect.stringMatching(/^token: /) });
    expect(await h.store.countUsers()).toBe(0);

    const res = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body(setup.value) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ user: { name: 'first-admin', role: 'admin' } });
    const me = await h.app.inject({ url: '/api/users', cookies: { lg_session: sessionCookie(res)! } });
    expect(me.statusCode).toBe(200);

    const again = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body(setup.value) });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ code: 'LG_SETUP_CLOSED' });
  });

  it('is closed when a user exists already or no token was printed', async () => {
    const setup = new SetupToken();
    const h = await open({ setup });
    await h.addUser('made-on-cli', 'admin', 'cli-password-1');
    const res = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body(setup.value) });
    expect(res.statusCode).toBe(410);
    expect(await h.store.countUsers()).toBe(1);
    await h.close();
    const none = await open();
    expect(
      (await none.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body('x') })).statusCode,
    ).toBe(410);
  });

  it('checks the new password', async () => {
    const setup = new SetupToken();
    const h = await open({ setup });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: setup.value, name: 'admin', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe('body.password: must be at least 10 characters');
    expect(setup.used).toBe(false);
  });
});
