/**
 * Security keys (WebAuthn, through the gateway's service): each console user registers keys
 * on their own page, and signs in with a key alone or after their password. The relying party
 * is the hub's own host, so no call leaves the machine. Challenges are single-use and bound to
 * their ceremony; registration ceremonies are also bound to the session that started them.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { AccessError } from '../../access/errors.js';
import { removeKeys } from '../../access/factors.js';
import { signedIn, startSession } from '../access.js';
import { type HubAccess, isApprover, linkedUser, webauthnOf } from '../access-gateway.js';
import {
  AccessMe,
  CeremonyAnswer,
  KeyIdParams,
  KeyLoginFinishBody,
  KeyRegisterFinishBody,
  SecurityKey,
} from '../access-schemas.js';
import { type Hub, type HubContext, problems, publicUser } from '../context.js';
import { HubError } from '../errors.js';
import type { KeyLogins } from '../key-logins.js';
import { OneTimeSteps } from '../one-time.js';
import { Empty, items, NoContent, SessionAnswer } from '../schemas.js';

/** A refused key is a bad request of a signed-in user (400), not a lost session (401). */
function refusedKey(e: unknown): never {
  if (e instanceof AccessError && e.code === 'ACCESS_WEBAUTHN')
    throw new HubError('LG_VALIDATION', `key: ${e.detail}`);
  throw e;
}

export function securityKeyRoutes(app: Hub, ctx: HubContext, access: HubAccess, keyLogins: KeyLogins): void {
  const { store, sessions } = ctx;
  const rateLimit = { max: ctx.loginPerMinute, timeWindow: 60_000 };
  // Which console user started which registration: a ceremony id alone never registers a key.
  const owners = new OneTimeSteps();

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
      ctx.throttle.succeed(user.name);
      const session = await startSession(sessions, req, reply, user);
      keyLogins.record(session.id, login);
      return { user: publicUser(user), csrf: session.csrf };
    },
  );

  app.post(
    '/api/auth/key/confirm/start',
    {
      config: { access: 'session', rateLimit },
      schema: {
        summary: 'Start confirming a change with your security key (step-up, on this session)',
        body: Empty,
        response: { 200: CeremonyAnswer, ...problems },
      },
    },
    async (req) => {
      const { user } = signedIn(req);
      const identity = access.gateway.directory.user(user.name);
      if (identity === undefined)
        throw new HubError('LG_NOT_FOUND', 'you have no security key to confirm with');
      const { ceremony, options } = await webauthnOf(access).startLogin(identity.id);
      return { ceremony, options: { ...options } };
    },
  );

  app.post(
    '/api/auth/key/confirm/finish',
    {
      config: { access: 'session', rateLimit },
      schema: {
        summary: 'Finish a step-up: this session counts as a fresh key sign-in for a few minutes',
        body: KeyLoginFinishBody,
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      const { ceremony, response } = req.body;
      const login = await webauthnOf(access)
        .finishLogin(ceremony, response as AuthenticationResponseJSON)
        .catch(refusedKey);
      if (login.user !== user.name) throw new HubError('LG_FORBIDDEN', "key: it is another person's key");
      keyLogins.record(session.id, login);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/access/me',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Your access identity: gateway record, approver, security keys, authenticator app',
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
        totp: await gw.totp.status(user.name),
        keyWindowMinutes: keyLogins.freshMinutes,
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
      owners.hold(user.name, ceremony);
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
      if (owners.take(ceremony) !== user.name)
        throw new HubError('LG_VALIDATION', 'ceremony: unknown, used or expired, or not started by you');
      const key = await webauthnOf(access)
        .finishRegistration(ceremony, response as RegistrationResponseJSON, name)
        .catch(refusedKey);
      return reply.code(201).send(key);
    },
  );

  app.delete(
    '/api/access/keys/:id',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Remove one of your security keys (lost, stolen or retired): your other sessions end',
        params: KeyIdParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      const identity = access.gateway.directory.user(user.name);
      if (identity === undefined)
        throw new HubError('LG_NOT_FOUND', `you have no security key ${req.params.id}`);
      const gw = access.gateway;
      const removed = await removeKeys(gw.db, gw.audit, identity.id, user.name, req.params.id);
      keyLogins.forget(new Set(removed.map((k) => k.id)));
      // Whoever holds the key may hold a session it opened: every other session ends.
      await store.deleteUserSessions(user.id, session.id);
      return reply.code(204).send(null);
    },
  );
}
