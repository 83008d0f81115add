/**
 * The TCP relay: a supplier reaches an engineering workstation's service (an echo server
 * stands in for SSH) over mTLS with a connect grant; the byte streams are recorded; revoking
 * the grant cuts the live session.
 */
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetServer, assetServer } from '../../testing/asset-server.js';
import {
  deviceCsr,
  recordedChunks,
  seedPlant,
  type TestGateway,
  testGateway,
} from '../../testing/gateway.js';

describe('TCP relay', () => {
  let t: TestGateway;
  let echo: AssetServer;

  beforeAll(async () => {
    t = await testGateway();
    await seedPlant(t.gw);
    echo = await assetServer(t.gw, { id: 'ews1', name: 'Engineering workstation', protocol: 'tcp' }, (s) =>
      s.on('data', (c) => s.write(c)),
    );
  }, 30_000);
  afterAll(async () => {
    await t.cleanup();
    await echo.close();
  });

  it('relays and records a granted session, and cuts it when the grant is revoked', async () => {
    const now = Date.now();
    const g = await t.gw.grants.request('sam', {
      assets: ['ews1'],
      actions: ['connect'],
      startsAt: now,
      endsAt: now + 3600_000,
      reason: 'remote support',
    });
    await t.gw.grants.approve(g.id, 'anna');
    const l = await t.gw.listenTcp({ asset: 'ews1', port: 0, security: { mode: 'mtls' } });
    const { csrPem, keyPem } = await deviceCsr('sam');
    const cert = await t.gw.ca.issueClientCert(
      { user: 'sam', device: 'sam-laptop', csrPem, mfa: { at: now, method: 'webauthn' } },
      'anna',
    );
    const s = await new Promise<TLSSocket>((resolve, reject) => {
      const c = tlsConnect(
        {
          host: '127.0.0.1',
          port: l.address().port,
          ca: t.gw.ca.certPem,
          cert: cert.pem,
          key: keyPem,
          servername: 'localhost',
        },
        () => resolve(c),
      );
      c.once('error', reject);
    });
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    s.write('SSH-2.0-test\r\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.concat(got).toString()).toBe('SSH-2.0-test\r\n');
    const [live] = t.gw.sessions.list();
    expect(live).toMatchObject({ protocol: 'tcp', user: 'sam', asset: 'ews1' });
    const closed = new Promise<number>((r) => s.once('close', () => r(Date.now())));
    const t0 = Date.now();
    await t.gw.grants.revoke(g.id, 'anna', 'support done');
    expect((await closed) - t0).toBeLessThan(1000);
    const chunks = await recordedChunks(t.gw.recorder, live!.id);
    expect(chunks.map((c) => [c.dir, Buffer.from(c.data).toString()])).toEqual([
      [0, 'SSH-2.0-test\r\n'],
      [1, 'SSH-2.0-test\r\n'],
    ]);
    expect(chunks[0]!.ts).toBeLessThanOrEqual(chunks[1]!.ts);
    const [ended] = await t.gw.recorder.sessions({ limit: 1 });
    expect(ended?.endReason).toBe('access withdrawn: grant-missing');
  });

  it('refuses a connection without a grant', async () => {
    const l = await t.gw.listenTcp({
      asset: 'ews1',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '127.0.0.1', user: 'otto' }] },
    });
    const { connect } = await import('node:net');
    const s = connect({ host: '127.0.0.1', port: l.address().port });
    await new Promise<void>((r) => s.once('close', () => r()));
    const refused = await t.gw.audit.list({ type: 'access.connect.refused', limit: 10 });
    expect(refused.at(-1)?.data).toMatchObject({ protocol: 'tcp', reasons: ['mfa-stale'] });
  });
});
