/**
 * Which console sessions began with a security key, and when. A client certificate is issued
 * only to a session whose key sign-in is recent, so a stolen cookie or a password alone never
 * yields one. Kept in memory on purpose: after a restart no session counts as a key session
 * until its user signs in with the key again (fail closed).
 */
import type { WebAuthnLogin } from '../access/webauthn/service.js';

/** How recent the key sign-in must be for a certificate. */
export const KEY_LOGIN_FRESH_MS = 5 * 60_000;
/** Sessions remembered at once: beyond it the oldest are forgotten (a flood cannot exhaust memory). */
const MAX_KEY_LOGINS = 10_000;

export class KeyLogins {
  private readonly logins = new Map<string, WebAuthnLogin>();

  constructor(
    readonly freshMs = KEY_LOGIN_FRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The window in whole minutes, as messages and the console say it. */
  get freshMinutes(): number {
    return Math.round(this.freshMs / 60_000);
  }

  /** The key sign-in that opened console session `sessionId`. */
  record(sessionId: string, login: WebAuthnLogin): void {
    this.prune();
    if (this.logins.size >= MAX_KEY_LOGINS) {
      const oldest = this.logins.keys().next();
      if (!oldest.done) this.logins.delete(oldest.value);
    }
    this.logins.set(sessionId, login);
  }

  /** The session's key sign-in when it is `user`'s and still fresh; otherwise nothing. */
  fresh(sessionId: string, user: string): WebAuthnLogin | undefined {
    const login = this.logins.get(sessionId);
    if (login === undefined || login.user !== user) return undefined;
    const age = this.now() - login.at;
    return age >= 0 && age < this.freshMs ? login : undefined;
  }

  /** Forgets the sign-ins made with `credentials` (removed keys): no certificate follows from them. */
  forget(credentials: ReadonlySet<string>): void {
    for (const [id, l] of this.logins) if (credentials.has(l.credential)) this.logins.delete(id);
  }

  private prune(): void {
    const t = this.now();
    for (const [id, l] of this.logins) if (t - l.at >= this.freshMs) this.logins.delete(id);
  }
}
