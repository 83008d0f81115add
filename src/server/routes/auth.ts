/** Sign-in, sign-out, who am I, and the first administrator's setup. */
import { z } from 'zod';
import { clearSessionCookie, setSessionCookie, signedIn } from '../access.js';
import { keyStep } from '../access-gateway.js';
import { KeyRequired } from '../access-schemas.js';
import { type Hub, type HubContext, problems, publicUser } from '../context.js';
import { HubError } from '../errors.js';
import { hashPassword, verifyDummy, verifyPassword } from '../password.js';
import { LoginBody, SessionAnswer, SetupBody } from '../schemas.js';
import { SESSION_COOKIE } from '../sessions.js';

export function authRoutes(app: Hub, ctx: HubContext): void {
  const { store, sessions, throttle } = ctx;
  const rateLimit = { max: ctx.loginPerMinute, timeWindow: 60_000 };

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit },
      schema: {
        summary: 'Sign in with a user name and password (then a security key, when the user has one)',
        body: LoginBody,
        response: { 200: z.union([SessionAnswer, KeyRequired]), ...problems },
      },
    },
    async (req, reply) => {
      const { name, password } = req.body;
      const wait = throttle.retryAfter(name);
      if (wait > 0) {
        const sec = Math.ceil(wait / 1000);
        reply.header('retry-after', sec);
        throw new HubError(
          'LG_RATE_LIMITED',
          `too many failed sign-ins for this user name; try again in ${sec} s`,
        );
      }
      const user = await store.userByName(name);
      // Unknown and disabled users cost a hash too, and get the same answer as a wrong password.
      const ok =
        user && !user.disabled
          ? await verifyPassword(password, user.passwordHash)
          : await verifyDummy(password);
      if (!user || !ok) {
        throttle.fail(name);
        throw new HubError('LG_BAD_CREDENTIALS', 'wrong user name or password');
      }
      throttle.succeed(name);
      const key = ctx.access ? await keyStep(ctx.access, user) : undefined;
      if (key) return key;
      // A session cookie planted before sign-in must not survive it (session fixation).
      const previous = req.cookies[SESSION_COOKIE];
      if (previous) await sessions.close(previous);
      const { token, session } = await sessions.open(user);
      setSessionCookie(reply, token, sessions.maxAgeSec);
      return { user: publicUser(user), csrf: session.csrf };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Sign out: ends the session',
        response: { 204: z.null().describe('no content'), ...problems },
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
      const { token: cookie, session } = await sessions.open(user);
      setSessionCookie(reply, cookie, sessions.maxAgeSec);
      return reply.code(201).send({ user: publicUser(user), csrf: session.csrf });
    },
  );
}
