/**
 * The whole path a supplier's engineer takes: security-key login, a client certificate for
 * their laptop, an approved grant, then Modbus through the gateway under the default policy
 * (grant plus a fresh phishing-resistant MFA); a certificate earned with a weaker login is
 * refused by the same policy.
 */
import { connect, type TLSSocket } from 'node:tls';
import MB from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCsr, seedPlant, type TestGateway, testGateway } from './testing/gateway.js';
import { type PlcSimulator, plcSimulator } from './testing/modbus-plc.js';
import { SoftwareKey } from './testing/software-key.js';

const ORIGIN = 'https://gateway.plant.test';

describe('access gateway end to end', () => {
  let t: TestGateway;
  let plc: PlcSimulator;

  beforeAll(async () => {
    plc = await plcSimulator();
    t = await testGateway({
      webauthn: {
        rpId: 'gateway.plant.test',
        rpName: 'Plant',
        origins: [ORIGIN],
        attestation: 'none',
        hardwareKeysOnly: true,
      },
    });
    await seedPlant(t.gw, { host: '127.0.0.1', port: plc.port });
  }, 30_000);
  afterAll(async () => {
    await t.cleanup();
    await plc.close();
  });

  it('security key → certificate → grant → Modbus read; a TOTP-earned certificate is refused', async () => {
    const wa = t.gw.webauthn!;
    const key = new SoftwareKey();
    const reg = await wa.startRegistration('sam');
    await wa.finishRegistration(reg.ceremony, key.register(reg.options, ORIGIN), 'key');
    const l = await wa.startLogin('sam');
    const login = await wa.finishLogin(l.ceremony, key.login(l.options, ORIGIN));
    const { csrPem, keyPem } = await deviceCsr('sam');
    const cert = await t.gw.issueAfterLogin(login, 'sam-laptop', csrPem);
    const now = Date.now();
    const g = await t.gw.grants.request('sam', {
      assets: ['plc1'],
      actions: ['modbus:read'],
      startsAt: now,
      endsAt: now + 3600_000,
      reason: 'drive tuning',
    });
    await t.gw.grants.approve(g.id, 'anna');
    const listener = await t.gw.listenModbus({ asset: 'plc1', port: 0, security: { mode: 'mtls' } });
    const open = (pem: string, key: string) =>
      new Promise<TLSSocket>((resolve, reject) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port: listener.address().port,
            ca: t.gw.ca.certPem,
            cert: pem,
            key,
            servername: 'localhost',
          },
          () => resolve(s),
        );
        s.once('error', reject);
      });
    const client = new MB.default();
    await client.connectTCP('127.0.0.1', { port: 0, socket: await open(cert.pem, keyPem) });
    client.setID(1);
    expect((await client.readHoldingRegisters(7, 1)).data).toEqual([7]);
    client.close(() => {});

    const weak = await deviceCsr('sam');
    const totpCert = await t.gw.ca.issueClientCert(
      { user: 'sam', device: 'sam-laptop', csrPem: weak.csrPem, mfa: { at: Date.now(), method: 'totp' } },
      'sam',
    );
    const s = await open(totpCert.pem, weak.keyPem);
    await new Promise<void>((r) => s.once('close', () => r()));
    const [refused] = (await t.gw.audit.list({ type: 'access.connect.refused', limit: 10 })).slice(-1);
    expect(refused?.data).toMatchObject({ reasons: ['mfa-stale'], policies: ['mfa-fresh'] });
    expect((await t.gw.verifyAudit()).ok).toBe(true);
  });
});
