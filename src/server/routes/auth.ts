/** Sign-in, sign-out, who am I, and the first administrator's setup. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AccessError } from '../../access/errors.js';
import type { User } from '../../store/types.js';
import { clearSessionCookie, signedIn, startSession } from '../access.js';
import { secondStep } from '../access-gateway.js';
import { CodeLoginBody, CodeRequired, KeyRequired } from '../access-schemas.js';
import { type Hub, type HubContext, problems, publicUser } from '../context.js';
import { HubError } from '../errors.js';
import { OneTimeSteps } from '../one-time.js';
import { hashPassword, verifyDummy, verifyPassword } from '../password.js';
import { LoginBody, NoContent, PasswordChangeBody, SessionAnswer, SetupBody } from '../schemas.js';
import { SESSION_COOKIE } from '../sessions.js';
import { notThrottled } from '../throttle.js';

export function authRoutes(app: Hub, ctx: HubContext): void {
  const { store, sessions, throttle } = ctx;
  const signIn = async (req: FastifyRequest, reply: FastifyReply, user: User) => {
    const session = await startSession(sessions, req, reply, user);
    return { user: publicUser(user), csrf: session.csrf };
  };
  const rateLimit = { max: ctx.loginPerMinute, timeWindow: 60_000 };
  // Password sign-ins waiting for their authenticator code.
  const codeSteps = new OneTimeSteps();
  // The gateway's audit log, when the hub runs one: every console sign-in is evidence there,
  // a password alone marked as not phishing-resistant.
  const audit = ctx.access?.gateway.audit;

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit },
      schema: {
        summary:
          'Sign in with a user name and password (then a security key, or an authenticator code where allowed, when the user has one)',
        body: LoginBody,
        response: { 200: z.union([SessionAnswer, KeyRequired, CodeRequired]), ...problems },
      },
    },
    async (req, reply) => {
      const { name, password } = req.body;
      notThrottled(throttle, name, reply);
      const user = await store.userByName(name);
      // Unknown and disabled users cost a hash too, and get the same answer as a wrong password.
      const ok =
        user && !user.disabled
          ? await verifyPassword(password, user.passwordHash)
          : await verifyDummy(password);
      if (!user || !ok) {
        throttle.fail(name);
        await audit?.append({
          type: 'access.login.refused',
          actor: name,
          subject: 'password',
          data: { method: 'password', why: 'wrong user name or password' },
        });
        throw new HubError('LG_BAD_CREDENTIALS', 'wrong user name or password');
      }
      const next = ctx.access ? await secondStep(ctx.access, user, codeSteps) : undefined;
      // Failures are forgiven only by a whole sign-in: a known password must not reset the
      // count for someone guessing the code behind it.
      if (next) return next;
      throttle.succeed(name);
      await audit?.append({
        type: 'access.login',
        actor: user.name,
        subject: 'password',
        data: { method: 'password', phishingResistant: false },
      });
      return signIn(req, reply, user);
    },
  );

  if (ctx.access) {
    const gateway = ctx.access.gateway;
    app.post(
      '/api/auth/code/finish',
      {
        config: { access: 'public', rateLimit },
        schema: {
          summary: 'Finish a password sign-in with an authenticator code (the opt-in fallback to a key)',
          body: CodeLoginBody,
          response: { 200: SessionAnswer, ...problems },
        },
      },
      async (req, reply) => {
        const { step, code } = req.body;
        const name = codeSteps.take(step);
        if (name === undefined)
          throw new HubError(
            'LG_BAD_CREDENTIALS',
            'step: unknown, used or expired; sign in with your password again',
          );
        notThrottled(throttle, name, reply);
        const user = await store.userByName(name);
        if (!user || user.disabled) throw new HubError('LG_BAD_CREDENTIALS', 'wrong user name or password');
        try {
          await gateway.totp.login(name, code);
        } catch (e) {
          if (e instanceof AccessError && e.code === 'ACCESS_TOTP') throttle.fail(name);
          throw e;
        }
        throttle.succeed(name);
        return signIn(req, reply, user);
      },
    );
  }

  app.post(
    '/api/auth/password',
    {
      config: { access: 'session', rateLimit },
      schema: {
        summary: 'Change your password (the current one first): your other sessions end',
        body: PasswordChangeBody,
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      notThrottled(throttle, user.name, reply);
      const { current, next } = req.body;
      // A wrong current password is a bad request of a signed-in user, not a lost session (401).
      if (!(await verifyPassword(current, user.passwordHash))) {
        throttle.fail(user.name);
        throw new HubError('LG_VALIDATION', 'current: does not match your password');
      }
      if (next === current) throw new HubError('LG_VALIDATION', 'next: is the password you have now');
      await store.setPassword(user.id, await hashPassword(next));
      await store.deleteUserSessions(user.id, session.id);
      await audit?.append({
        type: 'access.password.change',
        actor: user.name,
        subject: user.name,
        data: { by: 'self' },
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/sessions/end-others',
    {
      config: { access: 'session' },
      schema: {
        summary:
          'Sign out everywhere else: every other session of yours ends (a lost laptop, a cookie that may have leaked)',
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      await store.deleteUserSessions(user.id, session.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Sign out: ends the session',
        response: { 204: NoContent, ...problems },
      },
    },
    async (req, reply) => {
      signedIn(req);
      await sessions.close(req.cookies[SESSION_COOKIE]!);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'session' },
      schema: {
        summary: 'The signed-in user and the CSRF token',
        response: { 200: SessionAnswer, ...problems },
      },
    },
    async (req) => {
      const { user, session } = signedIn(req);
      return { user: publicUser(user), csrf: session.csrf };
    },
  );

  app.post(
    '/api/auth/setup',
    {
      config: { access: 'public', rateLimit },
      schema: {
        summary: 'Create the first administrator with the one-time token printed at first start',
        body: SetupBody,
        response: { 201: SessionAnswer, ...problems },
      },
    },
    async (req, reply) => {
      const { setup } = ctx;
      const closed = () =>
        new HubError('LG_SETUP_CLOSED', 'setup is closed: an administrator exists already; sign in instead');
      if (!setup || setup.used || (await store.countUsers()) > 0) throw closed();
      const { token, name, password } = req.body;
      if (!setup.take(token)) {
        if (setup.used) throw closed();
        throw new HubError(
          'LG_SETUP_TOKEN',
          'token: does not match the setup token printed when the hub started',
        );
      }
      let user: Awaited<ReturnType<typeof store.createUser>>;
      try {
        user = await store.createUser({ name, role: 'admin', passwordHash: await hashPassword(password) });
      } catch (e) {
        setup.restore();
        throw e;
      }
      return reply.code(201).send(await signIn(req, reply, user));
    },
  );
}
