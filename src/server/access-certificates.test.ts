/**
 * Client certificates after a security-key sign-in, over real Fastify inject and a real
 * gateway: a password-only session gets none and nothing is issued; a key session gets one
 * bound to its user and device, valid at most 8 hours, chained to the gateway's CA, audited.
 */
import { X509Certificate } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCsr } from '../access/testing/gateway.js';
import { SoftwareKey } from '../access/testing/software-key.js';
import { KeyLogins } from './key-logins.js';
import {
  type AccessTestHub,
  accessTestHub,
  keySession as openKeySession,
  registerKey,
} from './testing/access-hub.js';
import type { Client } from './testing/hub.js';

const HOUR = 3600_000;

describe('client certificates after a security-key sign-in', () => {
  let t: AccessTestHub;
  let password: Client;
  const key = new SoftwareKey();
  const json = <T>(res: LightMyRequestResponse): T => res.json() as T;
  const clientCerts = async () =>
    (
      await t.gateway.gw.db
        .selectFrom('certificates')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('kind', '=', 'client')
        .executeTakeFirstOrThrow()
    ).n;

  const keySession = () => openKeySession(t.app, key);

  beforeAll(async () => {
    t = await accessTestHub();
    // otto (an operator in the seeded plant) signs in with his password, then registers a key.
    password = await t.signedIn('engineer', 'otto');
    await registerKey(password, key);
  }, 60_000);
  afterAll(async () => t?.close());

  it('refuses a password-only session (403), issuing nothing and adding no device', async () => {
    const { csrPem } = await deviceCsr('otto');
    const before = await clientCerts();
    const res = await password.inject({
      method: 'POST',
      url: '/api/access/certificates',
      payload: { device: 'otto-laptop', csr: csrPem },
    });
    expect(res.statusCode).toBe(403);
    expect(json<{ detail: string }>(res).detail).toMatch(/security-key sign-in/);
    expect(await clientCerts()).toBe(before);
    expect(t.gateway.gw.directory.device('otto-laptop')).toBeUndefined();
  });

  it('gives a key session a certificate bound to the user and device, valid at most 8 hours', async () => {
    const otto = await keySession();
    const { csrPem } = await deviceCsr('otto');
    const res = await otto.inject({
      method: 'POST',
      url: '/api/access/certificates',
      payload: { device: 'otto-laptop', csr: csrPem },
    });
    expect(res.statusCode, res.body).toBe(201);
    const answer = json<{ pem: string; serial: string; user: string; device: string }>(res);
    expect(answer).toMatchObject({ user: 'otto', device: 'otto-laptop' });
    const [leaf, ca] = answer.pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    const cert = new X509Certificate(leaf!);
    expect(cert.subject).toBe('CN=otto');
    expect(cert.subjectAltName).toContain('urn:lineguard:user:otto');
    expect(cert.subjectAltName).toContain('urn:lineguard:device:otto-laptop');
    const validity = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(validity).toBeGreaterThan(0);
    expect(validity).toBeLessThanOrEqual(8 * HOUR);
    expect(cert.verify(new X509Certificate(ca!).publicKey)).toBe(true);
    expect(cert.serialNumber.toUpperCase()).toBe(answer.serial);
    // The gateway accepts it as otto's on otto-laptop, its MFA the key sign-in; the CA audited it.
    const { status, record } = t.gateway.gw.ca.status(cert.serialNumber, cert.fingerprint256, Date.now());
    expect(status).toBe('valid');
    expect(record).toMatchObject({ user: 'otto', device: 'otto-laptop', mfa: { method: 'webauthn' } });
    const [issued] = (await t.gateway.gw.audit.list({ type: 'access.cert.issue', limit: 1000 })).slice(-1);
    expect(issued).toMatchObject({ actor: 'otto', data: { user: 'otto', device: 'otto-laptop' } });
  });

  it("refuses another user's device and a request not signed by its key, with nothing issued", async () => {
    const otto = await keySession();
    const { csrPem } = await deviceCsr('otto');
    const before = await clientCerts();
    const theirs = await otto.inject({
      method: 'POST',
      url: '/api/access/certificates',
      payload: { device: 'sam-laptop', csr: csrPem },
    });
    expect(theirs.statusCode).toBe(403);
    const forged = csrPem.replace(/[A-Za-z](?=[^\n]*\n-----END CERTIFICATE REQUEST)/, (c) =>
      c === 'A' ? 'B' : 'A',
    );
    const bad = await otto.inject({
      method: 'POST',
      url: '/api/access/certificates',
      payload: { device: 'otto-tablet', csr: forged },
    });
    expect(bad.statusCode).toBe(400);
    expect(t.gateway.gw.directory.device('otto-tablet')).toBeUndefined();
    expect(await clientCerts()).toBe(before);
  });
});

describe('key sign-ins remembered per session', () => {
  it('counts only a fresh sign-in of the same user', () => {
    let now = 1_000_000;
    const logins = new KeyLogins(5 * 60_000, () => now);
    logins.record('s1', { user: 'otto', credential: 'k', at: now, method: 'webauthn' });
    expect(logins.fresh('s1', 'otto')).toBeDefined();
    expect(logins.fresh('s1', 'sam')).toBeUndefined();
    expect(logins.fresh('s2', 'otto')).toBeUndefined();
    now += 5 * 60_000;
    expect(logins.fresh('s1', 'otto')).toBeUndefined();
  });
});
