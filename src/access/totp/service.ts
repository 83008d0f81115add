/**
 * Authenticator-app codes (TOTP, RFC 6238, with otplib): the opt-in fallback for a person
 * whose security key is lost or not yet issued. It is off unless the gateway is started with
 * it. A code can be phished (typed into a look-alike page and relayed within its 30 s), so
 * every such login is audited as not phishing-resistant, never opens a key session (no
 * client certificate follows from it), and the default policy's MFA rule, which wants a
 * phishing-resistant factor, keeps it away from the plant's protocols.
 *
 * A factor is enrolled in two steps (a secret shown once, then a code from the app proves it
 * was stored); each code works once (the time step of the last accepted code is kept, and
 * moved forward atomically, so two requests racing with one code cannot both pass).
 */

import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import type { AuditLog } from '../audit/log.js';
import type { AccessDb } from '../db/schema.js';
import type { Directory } from '../directory/directory.js';
import { AccessError } from '../errors.js';
import { removeAuthenticatorIn } from '../factors.js';
import { openSecret, sealSecret } from './secrets.js';

export interface TotpConfig {
  /** Shown by the authenticator app beside the account, e.g. `Lineguard plant-1`. */
  issuer: string;
}

export interface TotpStatus {
  /** Codes are allowed on this gateway. */
  allowed: boolean;
  /** A confirmed factor exists. */
  enrolled: boolean;
  confirmedAt?: number;
  lastUsedAt?: number;
}

/** A proven code login: never a key login, so never a certificate. */
export interface TotpLogin {
  user: string;
  at: number;
  method: 'totp';
}

/** A code: six digits (the app's default and what RFC 6238's reference uses). */
export const TOTP_CODE = /^\d{6}$/;
/** Codes from one step before or after now are taken: clocks drift and people type slowly. */
const TOLERANCE_S = 30;
/** An enrolment not confirmed within this is void: start again. */
const ENROL_TTL_MS = 10 * 60_000;

export class TotpService {
  constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly directory: Directory,
    private readonly clock: () => number,
    /** The unsealed TOTP key when codes are allowed; without it only status and removal work. */
    private readonly key: Buffer | undefined,
    private readonly config: TotpConfig,
  ) {}

  get allowed(): boolean {
    return this.key !== undefined;
  }

  async status(user: string): Promise<TotpStatus> {
    const row = await this.row(user);
    const confirmed = row?.confirmed_at ?? null;
    return {
      allowed: this.allowed,
      enrolled: confirmed !== null,
      ...(confirmed !== null ? { confirmedAt: confirmed } : {}),
      ...(row?.last_used_at != null ? { lastUsedAt: row.last_used_at } : {}),
    };
  }

  /** A new secret for `user`, unconfirmed: shown once, as text and as an `otpauth://` URI. */
  async startEnrolment(user: string): Promise<{ secret: string; uri: string }> {
    const key = this.keyOrRefuse();
    const u = this.directory.enabledUser(user);
    const existing = await this.row(u.id);
    if (existing?.confirmed_at != null)
      throw new AccessError('ACCESS_CONFLICT', `${u.id} has an authenticator app already: remove it first`);
    const secret = generateSecret();
    const row = {
      user_id: u.id,
      secret_box: sealSecret(key, u.id, secret),
      created_at: this.clock(),
      confirmed_at: null,
      last_step: null,
      last_used_at: null,
    };
    await this.db
      .insertInto('totp_factors')
      .values(row)
      .onConflict((c) => c.column('user_id').doUpdateSet(row))
      .execute();
    return { secret, uri: generateURI({ issuer: this.config.issuer, label: u.id, secret }) };
  }

  /** The first code from the app: the factor is usable from now on. */
  async confirmEnrolment(user: string, code: string): Promise<TotpStatus> {
    const key = this.keyOrRefuse();
    const u = this.directory.enabledUser(user);
    const row = await this.row(u.id);
    if (row === undefined || row.confirmed_at !== null || this.clock() - row.created_at > ENROL_TTL_MS)
      throw new AccessError('ACCESS_CONFLICT', 'no authenticator set-up is waiting for a code: start again');
    const step = await this.check(key, row, code);
    if (step === undefined) throw new AccessError('ACCESS_TOTP', 'the code does not match: try the next one');
    const at = this.clock();
    const entry = await this.db.transaction().execute(async (t) => {
      const r = await t
        .updateTable('totp_factors')
        .set({ confirmed_at: at, last_step: step })
        .where('user_id', '=', u.id)
        .where('confirmed_at', 'is', null)
        .where('created_at', '=', row.created_at)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n)
        throw new AccessError('ACCESS_CONFLICT', 'the set-up changed meanwhile: start again');
      return this.audit.append(
        { type: 'access.totp.enrol', actor: u.id, subject: u.id, data: { phishingResistant: false } },
        t,
      );
    });
    this.audit.published(entry);
    return this.status(u.id);
  }

  /** Removes `user`'s factor (by themselves, or by an administrator when the phone is lost). */
  async remove(user: string, actor: string): Promise<void> {
    const entry = await this.db.transaction().execute(async (t) => {
      const e = await removeAuthenticatorIn(t, this.audit, user, actor);
      if (e === undefined) throw new AccessError('ACCESS_NOT_FOUND', `${user} has no authenticator app`);
      return e;
    });
    this.audit.published(entry);
  }

  /** A code login: audited either way, the success as not phishing-resistant. */
  async login(user: string, code: string): Promise<TotpLogin> {
    const refuse = async (why: string): Promise<never> => {
      await this.audit.append({
        type: 'access.login.refused',
        actor: user,
        subject: 'totp',
        data: { why, method: 'totp' },
      });
      throw new AccessError('ACCESS_TOTP', `code login refused: ${why}`);
    };
    if (this.key === undefined) return refuse('authenticator codes are turned off on this gateway');
    const u = this.directory.user(user);
    if (u === undefined || u.disabled) return refuse('the user is disabled or gone');
    const row = await this.row(u.id);
    if (row === undefined || row.confirmed_at === null) return refuse('no authenticator app is set up');
    const step = await this.check(this.key, row, code);
    if (step === undefined) return refuse('wrong or already used code');
    const at = this.clock();
    const entry = await this.db.transaction().execute(async (t) => {
      // Only if no other login took this step (or a later one) meanwhile: a code works once.
      const r = await t
        .updateTable('totp_factors')
        .set({ last_step: step, last_used_at: at })
        .where('user_id', '=', u.id)
        .where((w) => w.or([w('last_step', 'is', null), w('last_step', '<', step)]))
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return undefined;
      return this.audit.append(
        {
          type: 'access.login',
          actor: u.id,
          subject: 'totp',
          data: { method: 'totp', phishingResistant: false },
        },
        t,
      );
    });
    if (entry === undefined) return refuse('wrong or already used code');
    this.audit.published(entry);
    return { user: u.id, at, method: 'totp' };
  }

  /** The time step `code` belongs to, when it is right, current and newer than the last used. */
  private async check(
    key: Buffer,
    row: { user_id: string; secret_box: string; last_step: number | null },
    code: string,
  ): Promise<number | undefined> {
    if (!TOTP_CODE.test(code)) return undefined;
    const secret = openSecret(key, row.user_id, row.secret_box);
    try {
      const r = await verify({
        secret,
        token: code,
        epoch: Math.floor(this.clock() / 1000),
        epochTolerance: TOLERANCE_S,
        ...(row.last_step !== null ? { afterTimeStep: row.last_step } : {}),
      });
      return r.valid && 'timeStep' in r ? r.timeStep : undefined;
    } catch {
      // otplib throws when the last step used lies ahead of this clock (it went back): no code fits.
      return undefined;
    }
  }

  private row(user: string) {
    return this.db.selectFrom('totp_factors').selectAll().where('user_id', '=', user).executeTakeFirst();
  }

  private keyOrRefuse(): Buffer {
    if (this.key === undefined)
      throw new AccessError('ACCESS_FORBIDDEN', 'authenticator codes are turned off on this gateway');
    return this.key;
  }
}
