/**
 * The one-time token that lets the first administrator be created from the console. It lives
 * only in memory and on the terminal of whoever started the hub; it is spent by the first
 * successful setup and refused once any user exists.
 */
import { randomBytes } from 'node:crypto';
import { sameSecret } from './sessions.js';

export class SetupToken {
  private spent = false;

  constructor(readonly value: string = randomBytes(24).toString('base64url')) {}

  get used(): boolean {
    return this.spent;
  }

  /** Spends the token when `given` matches; false otherwise (and always once spent). */
  take(given: string): boolean {
    if (this.spent || !sameSecret(given, this.value)) return false;
    this.spent = true;
    return true;
  }

  /** Gives a spent token back when the setup it allowed failed before creating the user. */
  restore(): void {
    this.spent = false;
  }
}
