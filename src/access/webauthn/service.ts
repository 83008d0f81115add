/**
 * WebAuthn (security keys) on the gateway's side, with @simplewebauthn/server: registration of
 * several keys per user, and login. The relying party is the gateway's own host (RP ID and
 * origins from configuration), so nothing leaves the plant. Each ceremony's challenge stays
 * here, is bound to its ceremony and purpose, expires, and is spent by the first answer,
 * right or wrong. User verification is required; the signature counter must move forward; a
 * key registered as single-device must never report itself backed up; policy can demand
 * hardware (single-device) keys only and an attestation statement.
 */
import { randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/log.js';
import type { AccessDb, WebauthnCredentialTable } from '../db/schema.js';
import type { Directory } from '../directory/directory.js';
import { AccessError } from '../errors.js';

export interface WebAuthnConfig {
  /** The gateway's host name, e.g. `gateway.plant.example`. */
  rpId: string;
  rpName: string;
  /** Origins the browser may report, e.g. `https://gateway.plant.example:8443`. */
  origins: string[];
  /** `required`: a key must present an attestation statement (not `none`). */
  attestation: 'none' | 'required';
  /** Accept only single-device (hardware-bound) credentials, not synced passkeys. */
  hardwareKeysOnly: boolean;
  /** How long a ceremony's challenge is good for (ms); default 5 minutes. */
  challengeTtlMs?: number;
}

export interface SecurityKey {
  id: string;
  user: string;
  name: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  attestation: string;
  createdAt: number;
  lastUsedAt?: number;
}

/** A proven login: what a client certificate's MFA record and the policy context are made of. */
export interface WebAuthnLogin {
  user: string;
  credential: string;
  at: number;
  method: 'webauthn';
}

type Ceremony =
  | { kind: 'registration'; user: string; challenge: string; expires: number }
  | { kind: 'login'; user?: string; challenge: string; expires: number };

/** Ceremonies held at once: beyond it the oldest are forgotten (a flood cannot exhaust memory). */
const MAX_CEREMONIES = 10_000;

export class WebAuthnService {
  private readonly ceremonies = new Map<string, Ceremony>();
  private readonly ttl: number;

  constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly directory: Directory,
    private readonly clock: () => number,
    private readonly config: WebAuthnConfig,
  ) {
    if (config.origins.length === 0) throw new Error('webauthn: at least one origin');
    this.ttl = config.challengeTtlMs ?? 5 * 60_000;
  }

  async keys(user: string): Promise<SecurityKey[]> {
    const rows = await this.db
      .selectFrom('webauthn_credentials')
      .selectAll()
      .where('user_id', '=', user)
      .execute();
    return rows.map(toKey);
  }

  async startRegistration(
    user: string,
  ): Promise<{ ceremony: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const u = this.directory.enabledUser(user);
    const existing = await this.keys(u.id);
    const options = await generateRegistrationOptions({
      rpName: this.config.rpName,
      rpID: this.config.rpId,
      userName: u.id,
      userDisplayName: u.name,
      userID: new TextEncoder().encode(u.id),
      attestationType: this.config.attestation === 'required' ? 'direct' : 'none',
      excludeCredentials: existing.map((k) => ({ id: k.id })),
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
    });
    return {
      ceremony: this.hold({
        kind: 'registration',
        user: u.id,
        challenge: options.challenge,
        expires: this.expiry(),
      }),
      options,
    };
  }

  async finishRegistration(
    ceremony: string,
    response: RegistrationResponseJSON,
    name: string,
  ): Promise<SecurityKey> {
    const c = this.take(ceremony, 'registration');
    const user = c.user;
    const refuse = (why: string) => this.refuse(user, 'register', why);
    this.directory.enabledUser(user);
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: c.challenge,
        expectedOrigin: this.config.origins,
        expectedRPID: this.config.rpId,
        requireUserVerification: true,
      });
    } catch (e) {
      return refuse((e as Error).message);
    }
    if (!verified.verified) return refuse('the registration did not verify');
    const info = verified.registrationInfo;
    if (this.config.hardwareKeysOnly && info.credentialDeviceType !== 'singleDevice')
      return refuse('only hardware-bound (single-device) keys are accepted');
    if (this.config.attestation === 'required' && info.fmt === 'none')
      return refuse('the key presented no attestation');
    const now = this.clock();
    const row: WebauthnCredentialTable = {
      id: info.credential.id,
      user_id: user,
      name: name.trim().slice(0, 100) || 'security key',
      public_key: Buffer.from(info.credential.publicKey),
      counter: info.credential.counter,
      transports: JSON.stringify(info.credential.transports ?? []),
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      aaguid: info.aaguid,
      attestation: info.fmt,
      created_at: now,
      last_used_at: null,
    };
    const entry = await this.db.transaction().execute(async (t) => {
      const dup = await t
        .selectFrom('webauthn_credentials')
        .select('id')
        .where('id', '=', row.id)
        .executeTakeFirst();
      if (dup !== undefined)
        throw new AccessError('ACCESS_CONFLICT', 'this security key is already registered');
      await t.insertInto('webauthn_credentials').values(row).execute();
      return this.audit.append(
        {
          type: 'access.key.register',
          actor: user,
          subject: row.id,
          data: {
            name: row.name,
            deviceType: row.device_type,
            attestation: row.attestation,
            aaguid: row.aaguid,
          },
        },
        t,
      );
    });
    this.audit.published(entry);
    return toKey(row);
  }

  /** Login options: for a named user, their keys; without one, any discoverable credential. */
  async startLogin(
    user?: string,
  ): Promise<{ ceremony: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const allow =
      user === undefined
        ? []
        : (await this.keys(this.directory.enabledUser(user).id)).map((k) => ({ id: k.id }));
    const options = await generateAuthenticationOptions({
      rpID: this.config.rpId,
      allowCredentials: allow,
      userVerification: 'required',
    });
    const c: Ceremony = {
      kind: 'login',
      challenge: options.challenge,
      expires: this.expiry(),
      ...(user !== undefined ? { user } : {}),
    };
    return { ceremony: this.hold(c), options };
  }

  async finishLogin(ceremony: string, response: AuthenticationResponseJSON): Promise<WebAuthnLogin> {
    const c = this.take(ceremony, 'login');
    const row = await this.db
      .selectFrom('webauthn_credentials')
      .selectAll()
      .where('id', '=', response.id)
      .executeTakeFirst();
    const who = row?.user_id ?? c.user ?? 'unknown';
    const refuse = (why: string) => this.refuse(who, 'login', why);
    if (row === undefined) return refuse('unknown security key');
    if (c.user !== undefined && c.user !== row.user_id) return refuse('the key belongs to another user');
    const u = this.directory.user(row.user_id);
    if (u === undefined || u.disabled) return refuse('the user is disabled or gone');
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: c.challenge,
        expectedOrigin: this.config.origins,
        expectedRPID: this.config.rpId,
        requireUserVerification: true,
        credential: {
          id: row.id,
          publicKey: new Uint8Array(row.public_key),
          counter: row.counter,
          transports: JSON.parse(row.transports) as never,
        },
      });
    } catch (e) {
      return refuse((e as Error).message);
    }
    const info = verified.authenticationInfo;
    if (!verified.verified) return refuse('the assertion did not verify');
    // A single-device credential cannot be backed up; if it says so now, it is not the key we registered.
    if (
      row.device_type === 'singleDevice' &&
      (info.credentialDeviceType !== 'singleDevice' || info.credentialBackedUp)
    )
      return refuse('a single-device key reported backup state');
    if (this.config.hardwareKeysOnly && info.credentialDeviceType !== 'singleDevice')
      return refuse('only hardware-bound (single-device) keys are accepted');
    const at = this.clock();
    const entry = await this.db.transaction().execute(async (t) => {
      await t
        .updateTable('webauthn_credentials')
        .set({ counter: info.newCounter, backed_up: info.credentialBackedUp ? 1 : 0, last_used_at: at })
        .where('id', '=', row.id)
        .execute();
      return this.audit.append(
        {
          type: 'access.login',
          actor: row.user_id,
          subject: row.id,
          data: { method: 'webauthn', phishingResistant: true },
        },
        t,
      );
    });
    this.audit.published(entry);
    return { user: row.user_id, credential: row.id, at, method: 'webauthn' };
  }

  private expiry(): number {
    return this.clock() + this.ttl;
  }

  private hold(c: Ceremony): string {
    const now = this.clock();
    for (const [id, old] of this.ceremonies) {
      if (old.expires > now && this.ceremonies.size < MAX_CEREMONIES) break;
      this.ceremonies.delete(id);
    }
    const id = randomBytes(24).toString('base64url');
    this.ceremonies.set(id, c);
    return id;
  }

  /** The ceremony, spent: a second answer to the same challenge finds nothing. */
  private take<K extends Ceremony['kind']>(id: string, kind: K): Extract<Ceremony, { kind: K }> {
    const c = this.ceremonies.get(id);
    this.ceremonies.delete(id);
    if (c === undefined || c.kind !== kind || c.expires <= this.clock())
      throw new AccessError('ACCESS_WEBAUTHN', 'unknown, used or expired challenge: start again');
    return c as Extract<Ceremony, { kind: K }>;
  }

  private async refuse(user: string, step: string, why: string): Promise<never> {
    await this.audit.append({
      type: 'access.login.refused',
      actor: user,
      subject: step,
      data: { why: why.slice(0, 300) },
    });
    throw new AccessError('ACCESS_WEBAUTHN', `${step} refused: ${why}`);
  }
}

export function toKey(r: WebauthnCredentialTable): SecurityKey {
  return {
    id: r.id,
    user: r.user_id,
    name: r.name,
    deviceType: r.device_type,
    backedUp: r.backed_up === 1,
    attestation: r.attestation,
    createdAt: r.created_at,
    ...(r.last_used_at !== null ? { lastUsedAt: r.last_used_at } : {}),
  };
}
