/**
 * The access API over real Fastify inject, a real SQLite store and a real gateway: security
 * keys registered from a session and used to sign in (alone, or after the password), grants
 * from request to approval, policies, directory — and the hostile requests, each refused with
 * nothing changed: a replayed or relayed assertion, a tampered cookie, a missing CSRF token,
 * self-approval, a policy that fails validation.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwareKey } from '../access/testing/software-key.js';
import { SESSION_COOKIE } from './sessions.js';
import { type AccessTestHub, accessTestHub, HUB_ORIGIN, registerKey } from './testing/access-hub.js';
import { type Client, sessionCookie } from './testing/hub.js';

const HOUR = 3600_000;

describe('access API', () => {
  let t: AccessTestHub;
  let admin: Client;
  let anna: Client;
  let sam: Client;
  let viewer: Client;
  const key = new SoftwareKey();

  const json = <T>(res: LightMyRequestResponse): T => res.json() as T;
  const loginEntries = async () =>
    (await t.gateway.gw.audit.list({ type: 'access.login', limit: 1000 })).length;
  const counter = async (id: string) =>
    (
      await t.gateway.gw.db
        .selectFrom('webauthn_credentials')
        .select('counter')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).counter;
  const policyNow = async () =>
    json<{ version: number; text: string }>(await admin.inject({ method: 'GET', url: '/api/access/policy' }));

  beforeAll(async () => {
    t = await accessTestHub();
    admin = await t.signedIn('admin', 'root');
    anna = await t.signedIn('engineer', 'anna');
    sam = await t.signedIn('viewer', 'sam');
    viewer = await t.signedIn('viewer', 'vic');
  }, 60_000);
  afterAll(async () => t?.close());

  describe('security keys', () => {
    it('registers a key for the signed-in user, linking a new console account as an employee', async () => {
      expect(t.access.gateway.directory.user('root')).toBeUndefined();
      const start = await admin.inject({
        method: 'POST',
        url: '/api/access/keys/register/start',
        payload: {},
      });
      expect(start.statusCode).toBe(200);
      const { ceremony, options } = json<{ ceremony: string; options: never }>(start);
      const res = await admin.inject({
        method: 'POST',
        url: '/api/access/keys/register/finish',
        payload: { ceremony, response: key.register(options, HUB_ORIGIN), name: 'YubiKey 5' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(json<{ id: string; deviceType: string }>(res)).toMatchObject({
        id: key.id,
        deviceType: 'singleDevice',
      });
      const me = json<{ identity: { kind: string; groups: string[] }; keys: unknown[] }>(
        await admin.inject({ method: 'GET', url: '/api/access/me' }),
      );
      expect(me.identity).toMatchObject({ kind: 'employee', groups: [] });
      expect(me.keys).toHaveLength(1);
    });

    it('refuses to finish a registration another session started', async () => {
      const start = json<{ ceremony: string; options: never }>(
        await admin.inject({ method: 'POST', url: '/api/access/keys/register/start', payload: {} }),
      );
      const other = new SoftwareKey();
      const res = await viewer.inject({
        method: 'POST',
        url: '/api/access/keys/register/finish',
        payload: {
          ceremony: start.ceremony,
          response: other.register(start.options, HUB_ORIGIN),
          name: 'stolen',
        },
      });
      expect(res.statusCode).toBe(400);
      expect(
        json<{ items: unknown[] }>(await admin.inject({ method: 'GET', url: '/api/access/keys' })).items,
      ).toHaveLength(1);
    });

    it('asks a user with a key for it after the password, and opens the session only then', async () => {
      const pw = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'root', password: 'pw-root-long-enough' },
      });
      expect(pw.statusCode).toBe(200);
      expect(sessionCookie(pw)).toBeUndefined();
      const step = json<{ keyRequired: boolean; ceremony: string; options: never }>(pw);
      expect(step.keyRequired).toBe(true);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/key/finish',
        payload: { ceremony: step.ceremony, response: key.login(step.options, HUB_ORIGIN) },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = sessionCookie(res)!;
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        cookies: { [SESSION_COOKIE]: cookie },
      });
      expect(json<{ user: { name: string } }>(me).user.name).toBe('root');
    });

    it('signs in with the key alone; a replayed assertion is refused and changes nothing', async () => {
      const start = json<{ ceremony: string; options: never }>(
        await t.app.inject({ method: 'POST', url: '/api/auth/key/start', payload: {} }),
      );
      const payload = { ceremony: start.ceremony, response: key.login(start.options, HUB_ORIGIN) };
      const first = await t.app.inject({ method: 'POST', url: '/api/auth/key/finish', payload });
      expect(first.statusCode).toBe(200);
      expect(sessionCookie(first)).toBeDefined();
      const [logins, count] = [await loginEntries(), await counter(key.id)];
      const replay = await t.app.inject({ method: 'POST', url: '/api/auth/key/finish', payload });
      expect(replay.statusCode).toBe(401);
      expect(json<{ code: string }>(replay).code).toBe('LG_KEY_REJECTED');
      expect(sessionCookie(replay)).toBeUndefined();
      expect([await loginEntries(), await counter(key.id)]).toEqual([logins, count]);
    });

    it('refuses an assertion made on another origin and relayed (phishing), changing nothing', async () => {
      const start = json<{ ceremony: string; options: never }>(
        await t.app.inject({ method: 'POST', url: '/api/auth/key/start', payload: {} }),
      );
      const [logins, count] = [await loginEntries(), await counter(key.id)];
      const relayed = key.login(start.options, 'https://hub-plant-test.example');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/key/finish',
        payload: { ceremony: start.ceremony, response: relayed },
      });
      expect(res.statusCode).toBe(401);
      expect(json<{ detail: string }>(res).detail).toMatch(/origin/i);
      expect(sessionCookie(res)).toBeUndefined();
      expect([await loginEntries(), await counter(key.id)]).toEqual([logins, count]);
      const refused = await t.gateway.gw.audit.list({ type: 'access.login.refused', limit: 1000 });
      expect(refused.at(-1)?.data.why).toMatch(/origin/i);
    });

    it('refuses a malformed assertion at the edge', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/key/finish',
        payload: { ceremony: 'x', response: { id: 'not base64url!', type: 'public-key' } },
      });
      expect(res.statusCode).toBe(400);
      expect(json<{ code: string }>(res).code).toBe('LG_VALIDATION');
    });
  });

  describe('step-up', () => {
    const confirm = async (c: Client, k: SoftwareKey) => {
      const start = json<{ ceremony: string; options: never }>(
        await c.inject({ method: 'POST', url: '/api/auth/key/confirm/start', payload: {} }),
      );
      return c.inject({
        method: 'POST',
        url: '/api/auth/key/confirm/finish',
        payload: { ceremony: start.ceremony, response: k.login(start.options, HUB_ORIGIN) },
      });
    };

    it('asks a key holder on a password-only session (a stolen cookie) to confirm with the key first', async () => {
      const zone = { id: 'cell9', name: 'Cell 9' };
      const refused = await admin.inject({ method: 'POST', url: '/api/access/zones', payload: zone });
      expect(refused.statusCode).toBe(403);
      expect(json<{ code: string }>(refused).code).toBe('LG_STEP_UP');
      // A new console administrator is the first thing a stolen session would make.
      const newAdmin = { name: 'mallory', role: 'admin', password: 'mallory-password-1' };
      const noAdmin = await admin.inject({ method: 'POST', url: '/api/users', payload: newAdmin });
      expect(json<{ code: string }>(noAdmin).code).toBe('LG_STEP_UP');
      expect(await t.store.userByName('mallory')).toBeUndefined();
      expect(t.access.gateway.directory.hasZone('cell9')).toBe(false);
      const ok = await confirm(admin, key);
      expect(ok.statusCode, ok.body).toBe(204);
      const added = await admin.inject({ method: 'POST', url: '/api/access/zones', payload: zone });
      expect(added.statusCode, added.body).toBe(201);
    });

    it("refuses a confirmation with another person's key, and lets people without a key through", async () => {
      const other = new SoftwareKey();
      await registerKey(viewer, other);
      const res = await confirm(viewer, key);
      expect(res.statusCode).toBe(400);
      expect(json<{ detail: string }>(res).detail).toMatch(/another user/);
      // anna has no key: approving is not held up for her (there is nothing to confirm with).
      expect(await t.access.gateway.webauthn!.keys('anna')).toEqual([]);
    });
  });

  describe('tampered requests', () => {
    it('refuses a tampered session cookie and a missing CSRF token, changing nothing', async () => {
      const before = await policyNow();
      const text = `${before.text}\n// a harmless comment\n`;
      const flipped = admin.cookie.slice(0, -1) + (admin.cookie.endsWith('A') ? 'B' : 'A');
      const tampered = await t.app.inject({
        method: 'PUT',
        url: '/api/access/policy',
        cookies: { [SESSION_COOKIE]: flipped },
        headers: { 'x-csrf-token': admin.csrf },
        payload: { text },
      });
      expect(tampered.statusCode).toBe(401);
      const noCsrf = await t.app.inject({
        method: 'PUT',
        url: '/api/access/policy',
        cookies: { [SESSION_COOKIE]: admin.cookie },
        payload: { text },
      });
      expect(noCsrf.statusCode).toBe(403);
      expect(json<{ code: string }>(noCsrf).code).toBe('LG_CSRF');
      expect(await policyNow()).toEqual(before);
    });
  });

  describe('grants', () => {
    let grantId: string;
    const request = (c: Client) =>
      c.inject({
        method: 'POST',
        url: '/api/access/grants',
        payload: {
          assets: ['plc1'],
          actions: ['modbus:read'],
          startsAt: Date.now(),
          endsAt: Date.now() + 2 * HOUR,
          reason: 'firmware check',
        },
      });
    const status = async (id: string) => (await t.access.gateway.grants.get(id))?.status;

    it("takes a supplier's request; the supplier sees only their own", async () => {
      const res = await request(sam);
      expect(res.statusCode, res.body).toBe(201);
      grantId = json<{ id: string }>(res).id;
      expect(await status(grantId)).toBe('pending');
      const own = json<{ items: { requester: string }[] }>(
        await sam.inject({ method: 'GET', url: '/api/access/grants' }),
      );
      expect(own.items.map((g) => g.requester)).toEqual(['sam']);
    });

    it('refuses self-approval and approval by a non-approver, the grant still pending', async () => {
      const mine = json<{ id: string }>(await request(anna));
      const refusalsBefore = (await t.gateway.gw.audit.list({ type: 'access.approval.refused', limit: 1000 }))
        .length;
      const self = await anna.inject({
        method: 'POST',
        url: `/api/access/grants/${mine.id}/approve`,
        payload: {},
      });
      expect(self.statusCode).toBe(403);
      expect(json<{ detail: string }>(self).detail).toMatch(/requester cannot approve/);
      expect(await status(mine.id)).toBe('pending');
      const bySupplier = await sam.inject({
        method: 'POST',
        url: `/api/access/grants/${grantId}/approve`,
        payload: {},
      });
      expect(bySupplier.statusCode).toBe(403);
      expect(await status(grantId)).toBe('pending');
      const refused = await t.gateway.gw.audit.list({ type: 'access.approval.refused', limit: 1000 });
      expect(refused.length).toBe(refusalsBefore + 2);
    });

    it('pages the grants back with before; an unknown or malformed cursor is refused', async () => {
      const list = async (q: string) =>
        json<{ items: { id: string }[] }>(
          await anna.inject({ method: 'GET', url: `/api/access/grants?${q}` }),
        ).items;
      const all = await list('');
      expect(all.length).toBeGreaterThanOrEqual(2);
      const [first] = await list('limit=1');
      expect(first?.id).toBe(all[0]!.id);
      expect(await list(`before=${first!.id}`)).toEqual(all.slice(1));
      expect((await anna.inject({ method: 'GET', url: '/api/access/grants?before=g-none' })).statusCode).toBe(
        404,
      );
      for (const bad of ['before=%27%20or%201%3D1', 'limit=0', 'limit=1001'])
        expect((await anna.inject({ method: 'GET', url: `/api/access/grants?${bad}` })).statusCode).toBe(400);
    });

    it('lets an approver approve, then revoke', async () => {
      const ok = await anna.inject({
        method: 'POST',
        url: `/api/access/grants/${grantId}/approve`,
        payload: { note: 'ok for today' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(json<{ status: string; approver: string }>(ok)).toMatchObject({
        status: 'approved',
        approver: 'anna',
      });
      const again = await anna.inject({
        method: 'POST',
        url: `/api/access/grants/${grantId}/approve`,
        payload: {},
      });
      expect(again.statusCode).toBe(409);
      const revoked = await anna.inject({
        method: 'POST',
        url: `/api/access/grants/${grantId}/revoke`,
        payload: {},
      });
      expect(json<{ status: string }>(revoked).status).toBe('revoked');
    });

    it('refuses a request that names no asset, with the place named', async () => {
      const res = await sam.inject({
        method: 'POST',
        url: '/api/access/grants',
        payload: { actions: ['modbus:write'], startsAt: 0, endsAt: 1, reason: 'x' },
      });
      expect(res.statusCode).toBe(400);
      expect(json<{ detail: string }>(res).detail).toMatch(/^body\.assets: name either assets or a zone/);
    });
  });

  describe('policy', () => {
    it('refuses a policy that fails validation with Cedar’s error; the previous stays in force', async () => {
      const before = await policyNow();
      const historyBefore = json<{ items: unknown[] }>(
        await admin.inject({ method: 'GET', url: '/api/access/policy/history' }),
      );
      const bad = '@id("typo")\npermit (principal, action == Action::"modbus:wrte", resource);\n';
      const check = json<{ problems: { message: string }[] }>(
        await admin.inject({ method: 'POST', url: '/api/access/policy/check', payload: { text: bad } }),
      );
      expect(check.problems.length).toBeGreaterThan(0);
      const res = await admin.inject({ method: 'PUT', url: '/api/access/policy', payload: { text: bad } });
      expect(res.statusCode).toBe(422);
      expect(json<{ code: string; detail: string }>(res)).toMatchObject({
        code: 'LG_POLICY_INVALID',
        detail: expect.stringContaining(check.problems[0]!.message),
      });
      expect(await policyNow()).toEqual(before);
      const historyAfter = json<{ items: unknown[] }>(
        await admin.inject({ method: 'GET', url: '/api/access/policy/history' }),
      );
      expect(historyAfter.items).toHaveLength(historyBefore.items.length);
      expect(t.access.gateway.policies.version).toBe(before.version);
    });

    it('puts a valid policy in force for administrators only', async () => {
      const before = await policyNow();
      const text = `${before.text}\n@id("no-writes-at-night")\n@reason("operation-not-permitted")\nforbid (principal, action in Action::"write", resource)\nwhen { context.now.toTime() < duration("6h") };\n`;
      expect(
        (await viewer.inject({ method: 'PUT', url: '/api/access/policy', payload: { text } })).statusCode,
      ).toBe(403);
      const res = await admin.inject({ method: 'PUT', url: '/api/access/policy', payload: { text } });
      expect(res.statusCode, res.body).toBe(200);
      expect(json<{ version: number; author: string }>(res)).toMatchObject({
        version: before.version + 1,
        author: 'root',
      });
    });
  });

  describe('directory, sessions and audit', () => {
    it('creates a supplier engineer with a console account who can sign in; disabling ends it', async () => {
      const res = await admin.inject({
        method: 'POST',
        url: '/api/access/users',
        payload: {
          id: 'suzy',
          name: 'Suzy Service',
          kind: 'supplier',
          supplier: 'acme',
          console: { role: 'viewer', password: 'suzy-password-1' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'suzy', password: 'suzy-password-1' },
      });
      const cookie = sessionCookie(login)!;
      expect(cookie).toBeDefined();
      const off = await admin.inject({
        method: 'POST',
        url: '/api/access/users/suzy/disabled',
        payload: { disabled: true },
      });
      expect(json<{ identity: { disabled: boolean } }>(off).identity.disabled).toBe(true);
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        cookies: { [SESSION_COOKIE]: cookie },
      });
      expect(me.statusCode).toBe(401);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { name: 'suzy', password: 'suzy-password-1' },
      });
      expect(again.statusCode).toBe(401);
    });

    it('refuses a supplier user without a supplier, writing nothing', async () => {
      const res = await admin.inject({
        method: 'POST',
        url: '/api/access/users',
        payload: {
          id: 'half',
          name: 'Half',
          kind: 'supplier',
          console: { role: 'viewer', password: 'long-enough-pw' },
        },
      });
      expect(res.statusCode).toBe(400);
      expect(t.access.gateway.directory.user('half')).toBeUndefined();
      expect(await t.store.userByName('half')).toBeUndefined();
    });

    it('keeps directory changes and the audit log for administrators', async () => {
      for (const url of ['/api/access/users', '/api/access/audit', '/api/access/groups'])
        expect((await viewer.inject({ method: 'GET', url })).statusCode, url).toBe(403);
      const suppliers = json<{ items: { id: string }[] }>(
        await sam.inject({ method: 'GET', url: '/api/access/suppliers' }),
      );
      expect(suppliers.items.map((s) => s.id)).toEqual(['acme']);
      const add = await sam.inject({
        method: 'POST',
        url: '/api/access/suppliers',
        payload: { id: 'evil', name: 'Evil' },
      });
      expect(add.statusCode).toBe(403);
    });

    it('lists live sessions; killing an unknown one is not found; only admins and approvers may kill', async () => {
      expect(
        json<{ items: unknown[] }>(await anna.inject({ method: 'GET', url: '/api/access/sessions' })).items,
      ).toEqual([]);
      expect(
        (await admin.inject({ method: 'POST', url: '/api/access/sessions/s-none/kill' })).statusCode,
      ).toBe(404);
      expect(
        (await viewer.inject({ method: 'POST', url: '/api/access/sessions/s-none/kill' })).statusCode,
      ).toBe(403);
    });

    it('pages the audit log newest first, verifies the chain and exports it', async () => {
      const page = json<{ items: { seq: number; type: string }[] }>(
        await admin.inject({ method: 'GET', url: '/api/access/audit?limit=5' }),
      );
      expect(page.items).toHaveLength(5);
      expect(page.items[0]!.seq).toBeGreaterThan(page.items[4]!.seq);
      const verify = json<{ ok: boolean; entries: number }>(
        await admin.inject({ method: 'GET', url: '/api/access/audit/verify' }),
      );
      expect(verify).toMatchObject({ ok: true, entries: page.items[0]!.seq });
      // More entries than one streamed batch (1000): every one, once, in order.
      for (let i = 0; i < 1200; i++)
        await t.access.gateway.audit.append({
          type: 'access.decision',
          actor: 'bench',
          subject: `s-${i}`,
          data: { i },
        });
      const jsonl = await admin.inject({ method: 'GET', url: '/api/access/audit/export?format=jsonl' });
      expect(jsonl.headers['cache-control']).toBe('no-store');
      expect(jsonl.headers['content-disposition']).toBe('attachment; filename="lineguard-audit.jsonl"');
      const seqs = jsonl.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
      expect(seqs).toEqual(Array.from({ length: verify.entries + 1200 }, (_, i) => i + 1));
      const cef = await admin.inject({ method: 'GET', url: '/api/access/audit/export?format=cef' });
      expect(cef.body.startsWith('CEF:0|')).toBe(true);
      expect(cef.body.trim().split('\n')).toHaveLength(verify.entries + 1200);
    });

    it('describes the access routes in the OpenAPI document', async () => {
      const doc = json<{ paths: Record<string, unknown> }>(
        await t.app.inject({ method: 'GET', url: '/api/openapi.json' }),
      );
      for (const p of [
        '/api/access/grants',
        '/api/access/policy',
        '/api/auth/key/finish',
        '/api/access/sessions/{id}/kill',
      ])
        expect(Object.keys(doc.paths)).toContain(p);
    });
  });
});
