/**
 * Short-lived, single-use tokens that say which user a step belongs to: a registration
 * ceremony a console user started, or a password sign-in waiting for its authenticator code.
 * Kept in memory (a restart voids them: the user starts again) and bounded, so a flood of
 * starts cannot exhaust memory.
 */
import { randomBytes } from 'node:crypto';

const MAX_HELD = 10_000;

export class OneTimeSteps {
  private readonly held = new Map<string, { user: string; expires: number }>();

  constructor(
    readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Holds `id` (or a new random one) for `user`; returns it. */
  hold(user: string, id: string = randomBytes(24).toString('base64url')): string {
    const t = this.now();
    for (const [k, v] of this.held) if (v.expires <= t) this.held.delete(k);
    if (this.held.size >= MAX_HELD) {
      const oldest = this.held.keys().next();
      if (!oldest.done) this.held.delete(oldest.value);
    }
    this.held.set(id, { user, expires: t + this.ttlMs });
    return id;
  }

  /** The user `id` was held for, while it is fresh; spent by the first take, right or wrong. */
  take(id: string): string | undefined {
    const v = this.held.get(id);
    this.held.delete(id);
    return v !== undefined && v.expires > this.now() ? v.user : undefined;
  }
}
