/**
 * Who may call what. Every route states its access in its config; a route that states none
 * needs a session (fail closed). Checked on request arrival, before any body is read, so an
 * anonymous or under-privileged upload is refused without taking its bytes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session, User, UserRole } from '../store/types.js';
import { HubError } from './errors.js';
import { SESSION_COOKIE, type Sessions, sameSecret } from './sessions.js';

/** `public`: no session; `session`: any signed-in user; a role: that role or a higher one. */
export type Access = 'public' | 'session' | UserRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A change an attacker holding a stolen session would want: a key holder confirms it with the key. */
    stepUp?: boolean;
  }
  interface FastifyRequest {
    auth: { user: User; session: Session } | null;
  }
}

const RANK: Record<UserRole, number> = { viewer: 0, engineer: 1, admin: 2 };
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-csrf-token';

export function registerAccess(app: FastifyInstance, sessions: Sessions): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => {
    // Not-found answers carry no data; everything routed states its access or needs a session.
    const access = req.routeOptions.config.access ?? (req.is404 ? 'public' : 'session');
    if (access === 'public') return;
    const token = req.cookies[SESSION_COOKIE];
    const auth = token ? await sessions.resolve(token) : undefined;
    if (!auth) throw new HubError('LG_AUTH_REQUIRED', 'sign in first: no valid session cookie');
    req.auth = auth;
    if (access !== 'session' && RANK[auth.user.role] < RANK[access]) {
      throw new HubError('LG_FORBIDDEN', `this needs the ${access} role; you are ${auth.user.role}`);
    }
    if (UNSAFE.has(req.method)) {
      const given = req.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, auth.session.csrf)) {
        throw new HubError('LG_CSRF', `header ${CSRF_HEADER} is missing or does not match the session`);
      }
    }
  });
}

/** The signed-in user of a route whose access is not public. */
export function signedIn(req: FastifyRequest): { user: User; session: Session } {
  if (!req.auth) throw new HubError('LG_AUTH_REQUIRED', 'sign in first: no valid session cookie');
  return req.auth;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSec: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: reply.request.protocol === 'https',
    path: '/',
    maxAge: maxAgeSec,
  });
}

/** Opens a console session for `user` and sets its cookie, ending any session the request carried. */
export async function startSession(
  sessions: Sessions,
  req: FastifyRequest,
  reply: FastifyReply,
  user: User,
): Promise<Session> {
  // A session cookie planted before sign-in must not survive it (session fixation).
  const previous = req.cookies[SESSION_COOKIE];
  if (previous) await sessions.close(previous);
  const { token, session } = await sessions.open(user);
  setSessionCookie(reply, token, sessions.maxAgeSec);
  return session;
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: reply.request.protocol === 'https',
    path: '/',
  });
}
