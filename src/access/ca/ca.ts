/**
 * The gateway's own certificate authority: created at first start (ECDSA P-256, ten years),
 * its key sealed at rest (keybox.ts). It issues short-lived client certificates (default
 * 8 hours) bound to a user and a device — the device proves it holds the key with a CSR — and
 * server certificates for the gateway's listeners. Whether a presented certificate is good is
 * decided from the gateway's own records (issued, not revoked, not expired), so a revocation
 * takes effect at once, without any CRL download.
 */
import 'reflect-metadata';
import { X509Certificate as NodeCert, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/log.js';
import type { AccessDb, CertificateTable } from '../db/schema.js';
import type { Directory } from '../directory/directory.js';
import type { Epoch } from '../epoch.js';
import { AccessError } from '../errors.js';
import { open, seal } from './keybox.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export const DEFAULT_CLIENT_VALIDITY_MS = 8 * 3600_000;
export const MAX_CLIENT_VALIDITY_MS = 24 * 3600_000;
const CA_VALIDITY_MS = 10 * 365 * 24 * 3600_000;

export interface CertRecord {
  serial: string;
  fingerprint: string;
  kind: 'client' | 'server';
  user?: string;
  device?: string;
  notBefore: number;
  notAfter: number;
  /** When and how the user last proved themselves before this certificate was issued. */
  mfa?: { at: number; method: string };
  revokedAt?: number;
  pem: string;
}

export type CertStatus = 'valid' | 'revoked' | 'expired' | 'not-yet-valid' | 'unknown';

export interface ClientCertRequest {
  user: string;
  device: string;
  /** PKCS#10 request made by the device (PEM): the key never leaves it. */
  csrPem: string;
  /** The login that earned the certificate (WebAuthn, typically). */
  mfa: { at: number; method: string };
  validityMs?: number;
  /** Start of validity; default now. */
  notBefore?: number;
}

export class LocalCa {
  /** Every certificate issued, by serial (uppercase hex, as Node reports it). */
  private readonly bySerial = new Map<string, CertRecord>();

  private constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly epoch: Epoch,
    private readonly directory: Directory,
    private readonly clock: () => number,
    readonly certPem: string,
    private readonly cert: x509.X509Certificate,
    private readonly key: CryptoKey,
  ) {}

  static async open(
    db: Kysely<AccessDb>,
    audit: AuditLog,
    epoch: Epoch,
    directory: Directory,
    clock: () => number,
    passphrase: string,
    name = 'Lineguard gateway CA',
  ): Promise<LocalCa> {
    const subtle = webcrypto.subtle;
    let row = await db.selectFrom('ca').selectAll().where('id', '=', 1).executeTakeFirst();
    if (row === undefined) {
      const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const now = clock();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=${dnValue(name)}`,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + CA_VALIDITY_MS),
        signingAlgorithm: ALG,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
      const box = await seal(pkcs8, passphrase);
      pkcs8.fill(0);
      const certPem = cert.toString('pem');
      const entry = await db.transaction().execute(async (t) => {
        await t
          .insertInto('ca')
          .values({ id: 1, cert_pem: certPem, key_box: box, created_at: now })
          .execute();
        return audit.append(
          {
            type: 'access.ca.create',
            actor: 'system',
            subject: 'ca',
            data: { fingerprint: new NodeCert(certPem).fingerprint256 },
          },
          t,
        );
      });
      audit.published(entry);
      row = { id: 1, cert_pem: certPem, key_box: box, created_at: now };
    }
    const pkcs8 = await open(row.key_box, passphrase);
    const key = await subtle.importKey('pkcs8', pkcs8, ALG, false, ['sign']);
    pkcs8.fill(0);
    const ca = new LocalCa(
      db,
      audit,
      epoch,
      directory,
      clock,
      row.cert_pem,
      new x509.X509Certificate(row.cert_pem),
      key,
    );
    for (const r of await db.selectFrom('certificates').selectAll().execute())
      ca.bySerial.set(r.serial, toRecord(r));
    return ca;
  }

  /** A device's PKCS#10 request, parsed and its signature checked against its own key. */
  async checkCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(pem);
    } catch {
      throw new AccessError('ACCESS_CERTIFICATE', 'certificate.csrPem: not a PKCS#10 certificate request');
    }
    if (!(await csr.verify()))
      throw new AccessError('ACCESS_CERTIFICATE', 'certificate.csrPem: its signature does not match its key');
    return csr;
  }

  async issueClientCert(req: ClientCertRequest, actor: string): Promise<CertRecord> {
    const user = this.directory.user(req.user);
    if (user === undefined)
      throw new AccessError('ACCESS_NOT_FOUND', `certificate.user: no user ${req.user}`);
    if (user.disabled) throw new AccessError('ACCESS_FORBIDDEN', `user ${req.user} is disabled`);
    const device = this.directory.device(req.device);
    if (device === undefined || device.user !== req.user)
      throw new AccessError(
        'ACCESS_NOT_FOUND',
        `certificate.device: no device ${req.device} of user ${req.user}`,
      );
    const validity = req.validityMs ?? DEFAULT_CLIENT_VALIDITY_MS;
    if (!Number.isInteger(validity) || validity <= 0 || validity > MAX_CLIENT_VALIDITY_MS)
      throw new AccessError(
        'ACCESS_CERTIFICATE',
        `certificate.validityMs: between 1 and ${MAX_CLIENT_VALIDITY_MS}`,
      );
    const csr = await this.checkCsr(req.csrPem);
    const notBefore = req.notBefore ?? this.clock();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${dnValue(user.id)}`,
      issuer: this.cert.subject,
      notBefore: new Date(notBefore),
      notAfter: new Date(notBefore + validity),
      signingAlgorithm: ALG,
      publicKey: csr.publicKey,
      signingKey: this.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: `urn:lineguard:user:${user.id}` },
          { type: 'url', value: `urn:lineguard:device:${device.id}` },
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert.publicKey),
      ],
    });
    return this.record(cert.toString('pem'), 'client', actor, {
      user: user.id,
      device: device.id,
      mfa: req.mfa,
    });
  }

  /** A certificate and fresh key for one of the gateway's listeners. */
  async issueServerCert(
    names: string[],
    actor = 'system',
    validityMs = 30 * 24 * 3600_000,
  ): Promise<{ record: CertRecord; keyPem: string }> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = this.clock();
    const san = names.map((n) =>
      /^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
    );
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${dnValue(names[0] ?? 'lineguard-gateway')}`,
      issuer: this.cert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + validityMs),
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: this.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(san),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert.publicKey),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
    const record = await this.record(cert.toString('pem'), 'server', actor, { names });
    return { record, keyPem };
  }

  private async record(
    pem: string,
    kind: 'client' | 'server',
    actor: string,
    bind: { user?: string; device?: string; mfa?: { at: number; method: string }; names?: string[] },
  ): Promise<CertRecord> {
    const n = new NodeCert(pem);
    const rec: CertRecord = {
      serial: n.serialNumber.toUpperCase(),
      fingerprint: n.fingerprint256,
      kind,
      ...(bind.user !== undefined ? { user: bind.user } : {}),
      ...(bind.device !== undefined ? { device: bind.device } : {}),
      notBefore: Date.parse(n.validFrom),
      notAfter: Date.parse(n.validTo),
      ...(bind.mfa !== undefined ? { mfa: bind.mfa } : {}),
      pem: `${pem}\n`,
    };
    const entry = await this.db.transaction().execute(async (t) => {
      await t
        .insertInto('certificates')
        .values({
          serial: rec.serial,
          fingerprint: rec.fingerprint,
          kind,
          user_id: rec.user ?? null,
          device_id: rec.device ?? null,
          not_before: rec.notBefore,
          not_after: rec.notAfter,
          mfa_at: rec.mfa?.at ?? null,
          mfa_method: rec.mfa?.method ?? null,
          revoked_at: null,
          revoked_by: null,
          pem: rec.pem,
        })
        .execute();
      return this.audit.append(
        {
          type: 'access.cert.issue',
          actor,
          subject: rec.serial,
          data: {
            kind,
            user: rec.user ?? null,
            device: rec.device ?? null,
            names: bind.names ?? null,
            notAfter: rec.notAfter,
            fingerprint: rec.fingerprint,
          },
        },
        t,
      );
    });
    this.bySerial.set(rec.serial, rec);
    this.audit.published(entry);
    return rec;
  }

  async revoke(serialHex: string, actor: string, reason = ''): Promise<void> {
    const s = serialHex.toUpperCase();
    const rec = this.bySerial.get(s);
    if (rec === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no certificate ${serialHex}`);
    if (rec.revokedAt !== undefined) return;
    const now = this.clock();
    const entry = await this.db.transaction().execute(async (t) => {
      await t
        .updateTable('certificates')
        .set({ revoked_at: now, revoked_by: actor })
        .where('serial', '=', s)
        .execute();
      return this.audit.append(
        {
          type: 'access.cert.revoke',
          actor,
          subject: s,
          data: { user: rec.user ?? null, reason: reason.slice(0, 500) },
        },
        t,
      );
    });
    this.bySerial.set(s, { ...rec, revokedAt: now });
    this.epoch.bump('certificate');
    this.audit.published(entry);
  }

  get(serialHex: string): CertRecord | undefined {
    return this.bySerial.get(serialHex.toUpperCase());
  }

  /** Is this (already chain-verified) peer certificate one we issued, to a client, good now? */
  status(
    serialHex: string,
    fingerprint: string,
    at = this.clock(),
  ): { status: CertStatus; record?: CertRecord } {
    const rec = this.bySerial.get(serialHex.toUpperCase());
    if (rec === undefined || rec.fingerprint !== fingerprint || rec.kind !== 'client')
      return { status: 'unknown' };
    if (rec.revokedAt !== undefined) return { status: 'revoked', record: rec };
    if (at < rec.notBefore) return { status: 'not-yet-valid', record: rec };
    if (at >= rec.notAfter) return { status: 'expired', record: rec };
    return { status: 'valid', record: rec };
  }
}

/** 16 random bytes, top bit clear (a positive INTEGER), as hex. */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/** A value safe inside `CN=…` (ids are already restricted; this keeps DN syntax out). */
function dnValue(s: string): string {
  return s.replace(/[,+="\\<>;#]/g, '_');
}

function toRecord(r: CertificateTable): CertRecord {
  return {
    serial: r.serial,
    fingerprint: r.fingerprint,
    kind: r.kind,
    ...(r.user_id !== null ? { user: r.user_id } : {}),
    ...(r.device_id !== null ? { device: r.device_id } : {}),
    notBefore: r.not_before,
    notAfter: r.not_after,
    ...(r.mfa_at !== null ? { mfa: { at: r.mfa_at, method: r.mfa_method ?? 'unknown' } } : {}),
    ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
    pem: r.pem,
  };
}
