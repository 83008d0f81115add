/**
 * Taking second factors away, through the real hub and gateway: a person removes a lost
 * security key (it signs no one in again, and the sessions it may have opened end), and an
 * administrator resets someone's factors (every key and the authenticator app); a password
 * change is audited. The hostile
 * cases: removing another person's key, a malformed key id, a reset by a non-administrator.
 */
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwareKey } from '../access/testing/software-key.js';
import { type AccessTestHub, accessTestHub, keySession, registerKey } from './testing/access-hub.js';
import { type Client, sessionCookie } from './testing/hub.js';

const json = <T>(res: LightMyRequestResponse): T => res.json() as T;

describe('removing keys and resetting factors', () => {
  let t: AccessTestHub;
  const kept = new SoftwareKey();
  const me = (c: Client) => c.inject({ method: 'GET', url: '/api/auth/me' });
  const keyNames = async (c: Client) =>
    json<{ items: { name: string }[] }>(await c.inject({ method: 'GET', url: '/api/access/keys' })).items.map(
      (k) => k.name,
    );

  beforeAll(async () => {
    t = await accessTestHub(undefined, { totp: { issuer: 'Plant hub' } }, 1000);
  }, 60_000);
  afterAll(async () => t?.close());

  it('removes a lost key: it signs in no more, and every other session of its owner ends', async () => {
    const otto = await t.signedIn('engineer', 'otto');
    const lost = new SoftwareKey();
    await registerKey(otto, lost, 'lost');
    await registerKey(otto, kept, 'kept');
    const viaLost = await keySession(t.app, lost);
    const viaKept = await keySession(t.app, kept);
    const res = await viaKept.inject({ method: 'DELETE', url: `/api/access/keys/${lost.id}` });
    expect(res.statusCode, res.body).toBe(204);
    expect((await me(viaLost)).statusCode).toBe(401);
    expect((await me(otto)).statusCode).toBe(401);
    expect((await me(viaKept)).statusCode).toBe(200);
    expect(await keyNames(viaKept)).toEqual(['kept']);
    await expect(keySession(t.app, lost)).rejects.toThrow(/no session opened: 401/);
    const entry = (await t.gateway.gw.audit.list({ type: 'access.key.remove', limit: 10 })).at(-1);
    expect(entry).toMatchObject({ actor: 'otto', subject: lost.id, data: { user: 'otto', name: 'lost' } });
  });

  it("refuses to remove another person's key, and a malformed id, changing nothing", async () => {
    const vic = await t.signedIn('viewer', 'vic');
    await registerKey(vic, new SoftwareKey(), 'vic key');
    const theirs = await vic.inject({ method: 'DELETE', url: `/api/access/keys/${kept.id}` });
    expect(theirs.statusCode).toBe(404);
    const bad = await vic.inject({ method: 'DELETE', url: '/api/access/keys/not%20an%20id' });
    expect(bad.statusCode).toBe(400);
    expect(await t.gateway.gw.webauthn!.keys('otto')).toMatchObject([{ id: kept.id }]);
    expect(await keyNames(vic)).toEqual(['vic key']);
  });

  it("lets an administrator reset a person's factors: keys and app removed, their sessions ended", async () => {
    const sam = await t.signedIn('viewer', 'sam');
    const start = json<{ secret: string }>(
      await sam.inject({
        method: 'POST',
        url: '/api/access/totp/start',
        payload: { password: 'pw-sam-long-enough' },
      }),
    );
    expect(start.secret).toBeDefined();
    const confirmed = await sam.inject({
      method: 'POST',
      url: '/api/access/totp/confirm',
      payload: { code: await generate({ secret: start.secret }) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    // The key after the app: a key holder adds an app only right after a key sign-in.
    await registerKey(sam, new SoftwareKey());

    const vic = await t.signedIn('viewer', 'vic2');
    const denied = await vic.inject({
      method: 'POST',
      url: '/api/access/users/sam/factors/reset',
      payload: {},
    });
    expect(denied.statusCode).toBe(403);
    const root = await t.signedIn('admin', 'root');
    const entry = async () =>
      json<{ items: { name: string; keys: number; authenticator: boolean }[] }>(
        await root.inject({ method: 'GET', url: '/api/access/users' }),
      ).items.find((u) => u.name === 'sam');
    expect(await entry()).toMatchObject({ keys: 1, authenticator: true });
    const res = await root.inject({
      method: 'POST',
      url: '/api/access/users/sam/factors/reset',
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ keys: 1, authenticator: true });
    expect(await entry()).toMatchObject({ keys: 0, authenticator: false });
    expect((await me(sam)).statusCode).toBe(401);
    // Nothing but the password is left to ask for: it signs sam straight in (to register a new key).
    const pw = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'sam', password: 'pw-sam-long-enough' },
    });
    expect(sessionCookie(pw)).toBeDefined();
    const audit = await t.gateway.gw.audit.list({ limit: 1000 });
    expect(audit.filter((e) => e.actor === 'root' && e.type !== 'access.login').map((e) => e.type)).toEqual([
      'access.key.remove',
      'access.totp.remove',
    ]);
    const missing = await root.inject({
      method: 'POST',
      url: '/api/access/users/nobody/factors/reset',
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
  });

  it('audits password sign-ins (a password alone as not phishing-resistant), refusals and a change', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'dora', password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(401);
    const dora = await t.signedIn('viewer', 'dora');
    const logins = await t.gateway.gw.audit.list({ limit: 1000 });
    expect(logins.filter((e) => e.actor === 'dora').map((e) => [e.type, e.data])).toEqual([
      ['access.login.refused', { method: 'password', why: 'wrong user name or password' }],
      ['access.login', { method: 'password', phishingResistant: false }],
    ]);
    const res = await dora.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { current: 'pw-dora-long-enough', next: 'dora-new-password' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const entry = (await t.gateway.gw.audit.list({ type: 'access.password.change', limit: 10 })).at(-1);
    expect(entry).toMatchObject({ actor: 'dora', subject: 'dora', data: { by: 'self' } });
  });
});
