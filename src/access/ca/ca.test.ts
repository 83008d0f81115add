import { X509Certificate } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGateway } from '../gateway.js';
import { deviceCsr, seedPlant, TEST_PASSPHRASE, type TestGateway, testGateway } from '../testing/gateway.js';
import { open, passphraseFromEnv, seal } from './keybox.js';

describe('key box', () => {
  it('opens with the passphrase only, and not once altered', async () => {
    const box = await seal(Buffer.from('secret key bytes'), TEST_PASSPHRASE);
    expect(box).not.toContain('secret');
    expect((await open(box, TEST_PASSPHRASE)).toString()).toBe('secret key bytes');
    await expect(open(box, 'wrong passphrase!!')).rejects.toThrow(/wrong CA passphrase/);
    const b = JSON.parse(box) as { data: string };
    const data = Buffer.from(b.data, 'base64');
    data[0]! ^= 1;
    await expect(
      open(JSON.stringify({ ...b, data: data.toString('base64') }), TEST_PASSPHRASE),
    ).rejects.toThrow(/altered/);
  });

  it('takes the passphrase from the environment or a file, never a short one', () => {
    expect(passphraseFromEnv({ LINEGUARD_CA_PASSPHRASE: TEST_PASSPHRASE })).toBe(TEST_PASSPHRASE);
    expect(() => passphraseFromEnv({})).toThrow(/LINEGUARD_CA_PASSPHRASE/);
    expect(() => passphraseFromEnv({ LINEGUARD_CA_PASSPHRASE: 'short' })).toThrow(/fewer than 12/);
    expect(() => passphraseFromEnv({ LINEGUARD_CA_PASSPHRASE_FILE: '/nonexistent/pass' })).toThrow(
      /nonexistent/,
    );
  });
});

describe('local CA', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await testGateway();
    await seedPlant(t.gw);
  }, 30_000);
  afterAll(async () => t.cleanup());

  it('keeps its key sealed at rest and reopens only with the passphrase', async () => {
    const raw = new Database(t.dbPath, { readonly: true });
    const row = raw.prepare('select cert_pem, key_box from ca').get() as {
      cert_pem: string;
      key_box: string;
    };
    raw.close();
    expect(row.key_box).not.toMatch(/PRIVATE KEY/);
    const ca = new X509Certificate(row.cert_pem);
    expect(ca.ca).toBe(true);
    await expect(
      AccessGateway.open({ dbPath: t.dbPath, caPassphrase: 'not the passphrase' }),
    ).rejects.toThrow(/wrong CA passphrase/);
  });

  it('issues an 8-hour client certificate bound to user and device from a verified CSR', async () => {
    const { csrPem } = await deviceCsr('sam');
    const at = Date.now();
    const rec = await t.gw.ca.issueClientCert(
      { user: 'sam', device: 'sam-laptop', csrPem, mfa: { at, method: 'webauthn' } },
      'anna',
    );
    const c = new X509Certificate(rec.pem);
    expect(c.verify(new X509Certificate(t.gw.ca.certPem).publicKey)).toBe(true);
    expect(c.subjectAltName).toBe('URI:urn:lineguard:user:sam, URI:urn:lineguard:device:sam-laptop');
    expect(Date.parse(c.validTo) - Date.parse(c.validFrom)).toBe(8 * 3600_000);
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(t.gw.ca.status(c.serialNumber, c.fingerprint256).status).toBe('valid');
    await t.gw.ca.revoke(rec.serial, 'anna', 'lost');
    expect(t.gw.ca.status(c.serialNumber, c.fingerprint256).status).toBe('revoked');
  });

  it('refuses a CSR that is not one, a device of another user, and a disabled user', async () => {
    const { csrPem } = await deviceCsr('sam');
    const mfa = { at: Date.now(), method: 'webauthn' };
    await expect(
      t.gw.ca.issueClientCert({ user: 'sam', device: 'sam-laptop', csrPem: 'garbage', mfa }, 'anna'),
    ).rejects.toThrow(/not a PKCS#10/);
    await expect(
      t.gw.ca.issueClientCert({ user: 'otto', device: 'sam-laptop', csrPem, mfa }, 'anna'),
    ).rejects.toThrow(/no device sam-laptop of user otto/);
    await t.gw.directory.setUserDisabled('sam', true, 'anna');
    await expect(
      t.gw.ca.issueClientCert({ user: 'sam', device: 'sam-laptop', csrPem, mfa }, 'anna'),
    ).rejects.toThrow(/disabled/);
    await t.gw.directory.setUserDisabled('sam', false, 'anna');
    await expect(
      t.gw.ca.issueClientCert(
        { user: 'sam', device: 'sam-laptop', csrPem, mfa, validityMs: 48 * 3600_000 },
        'anna',
      ),
    ).rejects.toThrow(/validityMs/);
  });
});
