/**
 * Security keys (WebAuthn, through the gateway's service): each console user registers keys
 * on their own page, and signs in with a key alone or after their password. The relying party
 * is the hub's own host, so no call leaves the machine. Challenges are single-use and bound to
 * their ceremony; registration ceremonies are also bound to the session that started them.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { AccessError } from '../../access/errors.js';
import { setSessionCookie, signedIn } from '../access.js';
import { type HubAccess, isApprover, linkedUser, webauthnOf } from '../access-gateway.js';
import {
  AccessMe,
  CeremonyAnswer,
  KeyLoginFinishBody,
  KeyRegisterFinishBody,
  SecurityKey,
} from '../access-schemas.js';
import { type Hub, type HubContext, problems, publicUser } from '../context.js';
import { HubError } from '../errors.js';
import type { KeyLogins } from '../key-logins.js';
import { items, SessionAnswer } from '../schemas.js';
import { SESSION_COOKIE } from '../sessions.js';

const Empty = z.strictObject({});

/** Which console user started which registration: a ceremony id alone never registers a key. */
class CeremonyOwners {
  private readonly owners = new Map<string, { user: string; expires: number }>();
  constructor(private readonly ttlMs = 5 * 60_000) {}

  hold(ceremony: string, user: string): void {
    const now = Date.now();
    for (const [id, o] of this.owners) if (o.expires <= now) this.owners.delete(id);
    this.owners.set(ceremony, { user, expires: now + this.ttlMs });
  }

  /** True when `user` started `ceremony` (and it has not expired); the entry is spent either way. */
  take(ceremony: string, user: string): boolean {
    const o = this.owners.get(ceremony);
    this.owners.delete(ceremony);
    return o !== undefined && o.user === user && o.expires > Date.now();
  }
}

export function securityKeyRoutes(app: Hub, ctx: HubContext, access: HubAccess, keyLogins: KeyLogins): void {
  const { store, sessions } = ctx;
  const rateLimit = { max: ctx.loginPerMinute, timeWindow: 60_000 };
  const owners = new CeremonyOwners();

  app.post(
    '/api/auth/key/start',
    {
      config: { access: 'public', rateLimit },
      schema: {
        summary: 'Start signing in with a security key alone (the key names its user)',
        body: Empty,
        response: { 200: CeremonyAnswer, ...problems },
      },
    },
    async () => {
      const { ceremony, options } = await webauthnOf(access).startLogin();
      return { ceremony, options: { ...options } };
    },
  );

  app.post(
    '/api/auth/key/finish',
    {
      config: { access: 'public', rateLimit },
      schema: {
        summary: "Finish a security-key sign-in (alone, or the password sign-in's second step)",
        body: KeyLoginFinishBody,
        response: { 200: SessionAnswer, ...problems },
      },
    },
    async (req, reply) => {
      const { ceremony, response } = req.body;
      const login = await webauthnOf(access).finishLogin(ceremony, response as AuthenticationResponseJSON);
      const user = await store.userByName(login.user);
      if (!user || user.disabled)
        throw new HubError('LG_KEY_REJECTED', `the key's user ${login.user} has no console account`);
      const previous = req.cookies[SESSION_COOKIE];
      if (previous) await sessions.close(previous);
      const { token, session } = await sessions.open(user);
      keyLogins.record(session.id, login);
      setSessionCookie(reply, token, sessions.maxAgeSec);
      return { user: publicUser(user), csrf: session.csrf };
    },
  );

  app.get(
    '/api/access/me',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Your access identity: gateway record, approver, security keys',
        response: { 200: AccessMe, ...problems },
      },
    },
    async (req) => {
      const { user } = signedIn(req);
      const gw = access.gateway;
      const identity = gw.directory.user(user.name);
      return {
        name: user.name,
        identity: identity ?? null,
        approver: isApprover(access, user.name),
        role: user.role,
        keys: identity && gw.webauthn ? await gw.webauthn.keys(identity.id) : [],
        webauthn: gw.webauthn !== undefined,
      };
    },
  );

  app.get(
    '/api/access/keys',
    {
      config: { access: 'session' },
      schema: { summary: 'Your security keys', response: { 200: items(SecurityKey), ...problems } },
    },
    async (req) => {
      const { user } = signedIn(req);
      const known = access.gateway.directory.user(user.name);
      return { items: known ? await webauthnOf(access).keys(known.id) : [] };
    },
  );

  app.post(
    '/api/access/keys/register/start',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Start registering a security key for yourself',
        body: Empty,
        response: { 200: CeremonyAnswer, ...problems },
      },
    },
    async (req) => {
      const { user } = signedIn(req);
      const w = webauthnOf(access);
      const identity = await linkedUser(access, user);
      const { ceremony, options } = await w.startRegistration(identity.id);
      owners.hold(ceremony, user.name);
      return { ceremony, options: { ...options } };
    },
  );

  app.post(
    '/api/access/keys/register/finish',
    {
      config: { access: 'session' },
      schema: {
        summary: "Finish registering a security key with the browser's answer",
        body: KeyRegisterFinishBody,
        response: { 201: SecurityKey, ...problems },
      },
    },
    async (req, reply) => {
      const { user } = signedIn(req);
      const { ceremony, response, name } = req.body;
      if (!owners.take(ceremony, user.name))
        throw new HubError('LG_VALIDATION', 'ceremony: unknown, used or expired, or not started by you');
      const key = await webauthnOf(access)
        .finishRegistration(ceremony, response as RegistrationResponseJSON, name)
        .catch((e: unknown) => {
          // A refused key is a bad request of a signed-in user, not a lost session.
          if (e instanceof AccessError && e.code === 'ACCESS_WEBAUTHN')
            throw new HubError('LG_VALIDATION', `key: ${e.detail}`);
          throw e;
        });
      return reply.code(201).send(key);
    },
  );
}
