/**
 * Authenticator apps (TOTP), the opt-in fallback to security keys: each console user sets up
 * and removes their own (an administrator resets a person's factors: access-directory.ts).
 * Someone who has a key must have signed in with it in the last few minutes to add an app, and
 * someone without one enters the password, so a stolen session cookie cannot plant a weaker
 * factor on the account.
 */
import { signedIn } from '../access.js';
import { type HubAccess, hasSecurityKey, linkedUser } from '../access-gateway.js';
import { TotpConfirmBody, TotpEnrolment, TotpStartBody, TotpStatus } from '../access-schemas.js';
import { type Hub, type HubContext, problems } from '../context.js';
import { HubError } from '../errors.js';
import type { KeyLogins } from '../key-logins.js';
import { verifyPassword } from '../password.js';
import { NoContent } from '../schemas.js';
import { notThrottled } from '../throttle.js';

export function authenticatorRoutes(
  app: Hub,
  { store, throttle }: HubContext,
  access: HubAccess,
  keyLogins: KeyLogins,
): void {
  const gw = access.gateway;

  app.post(
    '/api/access/totp/start',
    {
      config: { access: 'session' },
      schema: {
        summary:
          'Start setting up an authenticator app for yourself (your password, or a recent key sign-in): the secret, shown once',
        body: TotpStartBody,
        response: { 200: TotpEnrolment, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      if (!gw.totp.allowed)
        throw new HubError('LG_FORBIDDEN', 'authenticator codes are turned off on this hub');
      const identity = await linkedUser(access, user);
      if (await hasSecurityKey(access, identity.id)) {
        if (keyLogins.fresh(session.id, user.name) === undefined)
          throw new HubError(
            'LG_FORBIDDEN',
            `sign in with your security key first (in the last ${keyLogins.freshMinutes} minutes) to add an authenticator app`,
          );
      } else {
        // Without a key, the password: a stolen cookie alone must not plant the attacker's app.
        notThrottled(throttle, user.name, reply);
        if (!(await verifyPassword(req.body.password ?? '', user.passwordHash))) {
          throttle.fail(user.name);
          throw new HubError('LG_VALIDATION', 'password: enter your password to add an authenticator app');
        }
      }
      return gw.totp.startEnrolment(identity.id);
    },
  );

  app.post(
    '/api/access/totp/confirm',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Finish setting up your authenticator app with its current code',
        body: TotpConfirmBody,
        response: { 201: TotpStatus, ...problems },
      },
    },
    async (req, reply) => {
      const { user } = signedIn(req);
      return reply.code(201).send(await gw.totp.confirmEnrolment(user.name, req.body.code));
    },
  );

  app.delete(
    '/api/access/totp',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Remove your authenticator app',
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      await gw.totp.remove(user.name, user.name);
      // A removed factor (a lost phone) ends every other session it may have opened.
      await store.deleteUserSessions(user.id, session.id);
      return reply.code(204).send(null);
    },
  );
}
