/**
 * A software security key for tests: a real ES256 key pair that answers WebAuthn registration
 * and login challenges per the WebAuthn Level 2 spec (§6.1 authenticator data, §6.5 attested
 * credential data, §8.7 the `none` attestation format), as a browser would hand them to the
 * server. The flags (user presence and verification, backup eligibility and state) and the
 * counter are the test's to set, to make the bad cases too.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

export interface KeyBehaviour {
  userVerified?: boolean;
  /** Backup eligible (a synced passkey) and backed up. */
  backupEligible?: boolean;
  backedUp?: boolean;
}

function b64u(b: Uint8Array | string): string {
  return Buffer.from(b).toString('base64url');
}

export class SoftwareKey {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  counter = 0;

  constructor(private readonly behaviour: KeyBehaviour = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  private flags(extra: number, b: KeyBehaviour): number {
    let f = UP | extra;
    if (b.userVerified ?? true) f |= UV;
    if (b.backupEligible) f |= BE;
    if (b.backedUp) f |= BS;
    return f;
  }

  private authData(rpId: string, flags: number, attested?: Buffer): Buffer {
    const head = Buffer.alloc(37);
    createHash('sha256').update(rpId).digest().copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(this.counter, 33);
    return attested === undefined ? head : Buffer.concat([head, attested]);
  }

  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    origin: string,
    b: KeyBehaviour = this.behaviour,
  ): RegistrationResponseJSON {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(this.publicJwk.x, 'base64url')],
        [-3, Buffer.from(this.publicJwk.y, 'base64url')],
      ]),
    );
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLen, this.credentialId, Buffer.from(cose)]);
    const authData = this.authData(rpId, this.flags(AT, b), attested);
    type Cbor = Parameters<typeof isoCBOR.encode>[0];
    const attestationObject = isoCBOR.encode(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, Cbor>()],
        ['authData', authData],
      ]),
    );
    const clientData = JSON.stringify({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin,
      crossOrigin: false,
    });
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientData),
        attestationObject: b64u(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }

  /** Signs the login challenge; each call moves the counter on (unless `counter` is set first). */
  login(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    b: KeyBehaviour = this.behaviour,
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(origin).hostname;
    this.counter++;
    const authData = this.authData(rpId, this.flags(0, b));
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }),
    );
    const signature = sign(
      'sha256',
      Buffer.concat([authData, createHash('sha256').update(clientData).digest()]),
      this.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }
}
