/**
 * Console sessions. The cookie holds 32 random bytes; the store keeps only their SHA-256, so a
 * copied database yields no live cookie. A session ends after a stretch of idleness or at an
 * absolute age, whichever comes first; each has its own CSRF token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session, Store, User } from '../store/types.js';

export interface SessionPolicy {
  /** Idle time after which a session ends, ms. */
  idleMs: number;
  /** Age at which a session ends however busy, ms. */
  absoluteMs: number;
  /** Don't write lastSeen more often than this, ms (every request would otherwise write). */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  touchEveryMs: 60_000,
};

export const SESSION_COOKIE = 'lg_session';

export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of secrets of any length (CSRF and setup tokens), via their digests. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  get maxAgeSec(): number {
    return Math.floor(this.policy.absoluteMs / 1000);
  }

  /** Opens a session for `user`; returns the cookie token (never stored) and the session. */
  async open(user: User): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    const session: Session = {
      id: sessionId(token),
      userId: user.id,
      csrf: randomBytes(32).toString('base64url'),
      created: t,
      lastSeen: t,
      expires: Math.min(t + this.policy.idleMs, t + this.policy.absoluteMs),
    };
    await this.store.createSession(session);
    return { token, session };
  }

  /** The live session and its (enabled) user for a cookie token, or undefined. */
  async resolve(token: string): Promise<{ session: Session; user: User } | undefined> {
    if (!/^[\w-]{43}$/.test(token)) return undefined;
    const id = sessionId(token);
    const session = await this.store.session(id);
    if (!session) return undefined;
    const t = this.now();
    if (t >= session.expires || t >= session.created + this.policy.absoluteMs) {
      await this.store.deleteSession(id);
      return undefined;
    }
    const user = await this.store.userById(session.userId);
    if (!user || user.disabled) {
      await this.store.deleteSession(id);
      return undefined;
    }
    if (t - session.lastSeen >= this.policy.touchEveryMs) {
      const expires = Math.min(t + this.policy.idleMs, session.created + this.policy.absoluteMs);
      await this.store.touchSession(id, t, expires);
      session.lastSeen = t;
      session.expires = expires;
    }
    return { session, user };
  }

  close(token: string): Promise<void> {
    return this.store.deleteSession(sessionId(token));
  }
}
