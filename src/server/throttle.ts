/**
 * Failed sign-ins per user name in a sliding window: guessing one account's password from
 * many addresses is slowed as much as guessing from one (the per-address limit is
 * @fastify/rate-limit's). Memory is bounded: the oldest names are forgotten first.
 */
import { HubError } from './errors.js';

export interface ThrottlePolicy {
  /** Failures allowed per name within the window. */
  failures: number;
  windowMs: number;
  /** Names tracked at most. */
  maxNames: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { failures: 5, windowMs: 15 * 60_000, maxNames: 10_000 };

export class NameThrottle {
  private readonly failed = new Map<string, number[]>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `name` may try again, or 0 when it may now. */
  retryAfter(name: string): number {
    const times = this.recent(name.toLowerCase());
    if (times.length < this.policy.failures) return 0;
    return times[0]! + this.policy.windowMs - this.now();
  }

  fail(name: string): void {
    const key = name.toLowerCase();
    const times = this.recent(key);
    times.push(this.now());
    this.failed.delete(key);
    this.failed.set(key, times);
    if (this.failed.size > this.policy.maxNames) {
      this.failed.delete(this.failed.keys().next().value!);
    }
  }

  succeed(name: string): void {
    this.failed.delete(name.toLowerCase());
  }

  private recent(key: string): number[] {
    const since = this.now() - this.policy.windowMs;
    const times = (this.failed.get(key) ?? []).filter((t) => t > since);
    return times.slice(-this.policy.failures);
  }
}

/** Refuses a user name that failed too often, for a while (sign-in, code and password checks alike). */
export function notThrottled(
  throttle: NameThrottle,
  name: string,
  reply: { header(k: string, v: number): unknown },
): void {
  const wait = throttle.retryAfter(name);
  if (wait <= 0) return;
  const sec = Math.ceil(wait / 1000);
  reply.header('retry-after', sec);
  throw new HubError('LG_RATE_LIMITED', `too many failed sign-ins for this user name; try again in ${sec} s`);
}
