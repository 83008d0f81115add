/**
 * Authenticator codes, the opt-in fallback, through the real hub and gateway (Fastify inject,
 * SQLite, real RFC 6238 codes on the gateway's clock): setting an app up, the code as the
 * password's second step, and the hostile cases — a code without a password, a replayed or
 * guessed code, a stolen session adding an app to a key holder, a code session asking for a
 * certificate, and a hub that no longer allows codes.
 */
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGateway } from '../access/gateway.js';
import { deviceCsr, TEST_PASSPHRASE } from '../access/testing/gateway.js';
import { SoftwareKey } from '../access/testing/software-key.js';
import {
  type AccessTestHub,
  accessTestHub,
  HUB_ORIGIN,
  keySession,
  registerKey,
} from './testing/access-hub.js';
import { type Client, clientOf, sessionCookie, testHub } from './testing/hub.js';

const json = <T>(res: LightMyRequestResponse): T => res.json() as T;

describe('authenticator codes on the hub', () => {
  let t: AccessTestHub;
  // The gateway's clock runs behind real time and is stepped forward by 30 s (one code) at a
  // time; it stays behind, as the hub's key sign-ins are dated by it and aged by real time.
  let offset = -4 * 60_000;
  const now = () => Date.now() + offset;
  const nextCode = () => {
    offset += 30_000;
  };
  const secrets = new Map<string, string>();
  const code = (user: string) => generate({ secret: secrets.get(user)!, epoch: Math.floor(now() / 1000) });
  const rootKey = new SoftwareKey();
  /** The code of otto's last sign-in, to replay. */
  let used = '';

  const password = (name: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name, password: `pw-${name}-long-enough` },
    });
  const finish = (step: string, c: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/code/finish', payload: { step, code: c } });
  const enrol = async (c: Client, user: string) => {
    const start = await c.inject({
      method: 'POST',
      url: '/api/access/totp/start',
      payload: { password: `pw-${user}-long-enough` },
    });
    expect(start.statusCode, start.body).toBe(200);
    const e = json<{ secret: string; uri: string }>(start);
    secrets.set(user, e.secret);
    return e;
  };

  beforeAll(async () => {
    t = await accessTestHub(undefined, { clock: now, totp: { issuer: 'Plant hub' } }, 1000);
  }, 60_000);
  afterAll(async () => t?.close());

  it('sets an app up from a session: the secret once, then a code from the app', async () => {
    const otto = await t.signedIn('engineer', 'otto');
    const me0 = json<{ totp: unknown }>(await otto.inject({ method: 'GET', url: '/api/access/me' }));
    expect(me0.totp).toEqual({ allowed: true, enrolled: false });
    // Without a key, the password first: a stolen cookie alone plants no app.
    for (const payload of [{}, { password: 'not-otto-password' }]) {
      const refused = await otto.inject({ method: 'POST', url: '/api/access/totp/start', payload });
      expect(refused.statusCode).toBe(400);
      expect(json<{ detail: string }>(refused).detail).toMatch(/enter your password/);
    }
    const e = await enrol(otto, 'otto');
    expect(e.uri).toMatch(/^otpauth:\/\/totp\/Plant%20hub:otto\?.*secret=/);
    const wrong = await otto.inject({
      method: 'POST',
      url: '/api/access/totp/confirm',
      payload: { code: (Number(await code('otto')) ^ 1).toString().padStart(6, '0') },
    });
    expect(wrong.statusCode).toBe(401);
    expect(json<{ code: string }>(wrong).code).toBe('LG_CODE_REJECTED');
    const ok = await otto.inject({
      method: 'POST',
      url: '/api/access/totp/confirm',
      payload: { code: await code('otto') },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json<{ enrolled: boolean }>(ok).enrolled).toBe(true);
  });

  it('asks for a code after the password; a wrong code spends the step; the right one opens a session', async () => {
    nextCode();
    const pw = await password('otto');
    expect(pw.statusCode).toBe(200);
    expect(sessionCookie(pw)).toBeUndefined();
    const step = json<{ codeRequired: boolean; codeStep: string }>(pw);
    expect(step.codeRequired).toBe(true);
    const right = await code('otto');
    const wrong = await finish(step.codeStep, right === '000000' ? '000001' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(json<{ code: string }>(wrong).code).toBe('LG_CODE_REJECTED');
    expect(sessionCookie(wrong)).toBeUndefined();
    // The step is spent: the right code on it now finds nothing.
    const spent = await finish(step.codeStep, right);
    expect(json<{ code: string }>(spent).code).toBe('LG_BAD_CREDENTIALS');
    const again = json<{ codeStep: string }>(await password('otto'));
    const res = await finish(again.codeStep, right);
    used = right;
    expect(res.statusCode, res.body).toBe(200);
    const me = await clientOf(t.app, res).inject({ method: 'GET', url: '/api/auth/me' });
    expect(json<{ user: { name: string } }>(me).user.name).toBe('otto');
    const login = (await t.gateway.gw.audit.list({ type: 'access.login', limit: 100 })).at(-1);
    expect(login).toMatchObject({ actor: 'otto', data: { method: 'totp', phishingResistant: false } });
  });

  it('refuses a replayed code, a code with no password step, and a malformed code', async () => {
    const step = json<{ codeStep: string }>(await password('otto'));
    const replay = await finish(step.codeStep, used);
    expect(json<{ code: string }>(replay).code).toBe('LG_CODE_REJECTED');
    nextCode();
    const noPassword = await finish('made-up-step', await code('otto'));
    expect(noPassword.statusCode).toBe(401);
    expect(json<{ code: string }>(noPassword).code).toBe('LG_BAD_CREDENTIALS');
    const step2 = json<{ codeStep: string }>(await password('otto'));
    const malformed = await finish(step2.codeStep, '12ab56');
    expect(malformed.statusCode).toBe(400);
    expect(sessionCookie(malformed)).toBeUndefined();
  });

  it('lets a key holder add an app only right after a key sign-in; a code session gets no certificate nor step-up changes', async () => {
    const root = await t.signedIn('admin', 'root');
    const key = rootKey;
    await registerKey(root, key);
    // This session began with a password only: it may not add a weaker factor to a key holder.
    const stolen = await root.inject({ method: 'POST', url: '/api/access/totp/start', payload: {} });
    expect(stolen.statusCode).toBe(403);
    expect(json<{ detail: string }>(stolen).detail).toMatch(/security key first/);

    const keyed = await keySession(t.app, key);
    await enrol(keyed, 'root');
    const confirmed = await keyed.inject({
      method: 'POST',
      url: '/api/access/totp/confirm',
      payload: { code: await code('root') },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);

    // Password, then a choice: the key, or a code instead.
    nextCode();
    const pw = json<{ keyRequired: boolean; ceremony: string; codeStep: string }>(await password('root'));
    expect(pw).toMatchObject({ keyRequired: true });
    expect(pw.codeStep).toMatch(/^[\w-]+$/);
    const viaCode = clientOf(t.app, await finish(pw.codeStep, await code('root')));
    const { csrPem } = await deviceCsr('root-laptop');
    const cert = await viaCode.inject({
      method: 'POST',
      url: '/api/access/certificates',
      payload: { device: 'root-laptop', csr: csrPem },
    });
    expect(cert.statusCode).toBe(403);
    expect(json<{ detail: string }>(cert).detail).toMatch(/security-key sign-in/);
    // Nor may it make the changes a key holder confirms with the key (step-up).
    const zone = await viaCode.inject({
      method: 'POST',
      url: '/api/access/zones',
      payload: { id: 'cell7', name: 'Cell 7' },
    });
    expect(json<{ code: string }>(zone).code).toBe('LG_STEP_UP');
    expect(t.access.gateway.directory.device('root-laptop')).toBeUndefined();
  });

  it('forgives earlier password failures only when the whole sign-in succeeds (here by key)', async () => {
    const wrongPassword = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'root', password: 'not-it-at-all' },
      });
    for (let i = 0; i < 4; i++) expect((await wrongPassword()).statusCode).toBe(401);
    const pw = json<{ ceremony: string; options: never }>(await password('root'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/key/finish',
      payload: { ceremony: pw.ceremony, response: rootKey.login(pw.options, HUB_ORIGIN) },
    });
    expect(res.statusCode, res.body).toBe(200);
    // Counted from zero again: a fifth mistake is a mistake, not a lock-out.
    expect((await wrongPassword()).statusCode).toBe(401);
    expect((await password('root')).statusCode).toBe(200);
  });

  it('lets a person remove their own app, ending their other sessions', async () => {
    nextCode();
    const first = json<{ codeStep: string }>(await password('otto'));
    const here = clientOf(t.app, await finish(first.codeStep, await code('otto')));
    nextCode();
    const second = json<{ codeStep: string }>(await password('otto'));
    const elsewhere = clientOf(t.app, await finish(second.codeStep, await code('otto')));
    const removed = await here.inject({ method: 'DELETE', url: '/api/access/totp' });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await elsewhere.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await here.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const entry = (await t.gateway.gw.audit.list({ type: 'access.totp.remove', limit: 10 })).at(-1);
    expect(entry).toMatchObject({ actor: 'otto', subject: 'otto' });
    // Without an app (and without a key) the password alone signs otto in again.
    const pw = await password('otto');
    expect(sessionCookie(pw)).toBeDefined();
    // Otto sets one up again for the next test.
    await enrol(clientOf(t.app, pw), 'otto');
    nextCode();
    const again = await clientOf(t.app, pw).inject({
      method: 'POST',
      url: '/api/access/totp/confirm',
      payload: { code: await code('otto') },
    });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('on a hub that stops allowing codes, an app user without a key is refused, not let in by password', async () => {
    const gw = await AccessGateway.open({
      dbPath: t.gateway.dbPath,
      caPassphrase: TEST_PASSPHRASE,
      clock: now,
    });
    const hub = await testHub({ access: { gateway: gw, approverGroup: 'approvers' } });
    try {
      await hub.addUser('otto', 'engineer', 'pw-otto-long-enough');
      const res = await hub.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'otto', password: 'pw-otto-long-enough' },
      });
      expect(res.statusCode).toBe(403);
      expect(json<{ detail: string }>(res).detail).toMatch(/no longer allows codes/);
      expect(sessionCookie(res)).toBeUndefined();
      const vic = await hub.signedIn('viewer', 'vic');
      const me = json<{ totp: unknown }>(await vic.inject({ method: 'GET', url: '/api/access/me' }));
      expect(me.totp).toEqual({ allowed: false, enrolled: false });
      const start = await vic.inject({ method: 'POST', url: '/api/access/totp/start', payload: {} });
      expect(start.statusCode).toBe(403);
    } finally {
      await hub.close();
      await gw.close();
    }
  });

  it('throttles code guessing by user name, and a right password does not reset the count', async () => {
    nextCode();
    const right = await code('otto');
    const wrong = right === '999999' ? '999998' : '999999';
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 5; i++) {
      const step = json<{ codeStep: string }>(await password('otto'));
      last = await finish(step.codeStep, wrong);
      expect(json<{ code: string }>(last).code).toBe('LG_CODE_REJECTED');
    }
    const blocked = await password('otto');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});
