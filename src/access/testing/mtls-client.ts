/**
 * Test helpers for a gateway's mTLS listeners: a device certificate for `sam` from the gateway's
 * CA, a TLS connection made with it, a single request tried with it (to tell a refusal from an
 * answer), and the moment a socket closed.
 */
import type { Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { CertRecord } from '../ca/ca.js';
import type { AccessGateway } from '../gateway.js';
import type { GatewayListener } from '../proxy/listener.js';
import { deviceCsr, seedPlant, type TestGateway, testGateway } from './gateway.js';

export interface DeviceCert {
  cert: CertRecord;
  keyPem: string;
}

/** Sam's laptop's certificate, issued after a security-key login just now. */
export async function deviceCert(
  gw: AccessGateway,
  opts: { notBefore?: number; validityMs?: number } = {},
): Promise<DeviceCert> {
  const { csrPem, keyPem } = await deviceCsr('sam');
  const cert = await gw.ca.issueClientCert(
    { user: 'sam', device: 'sam-laptop', csrPem, mfa: { at: Date.now(), method: 'webauthn' }, ...opts },
    'anna',
  );
  return { cert, keyPem };
}

function tlsOpts(l: GatewayListener, caPem: string, d: DeviceCert) {
  return {
    host: '127.0.0.1',
    port: l.address().port,
    ca: caPem,
    cert: d.cert.pem,
    key: d.keyPem,
    servername: 'localhost',
  };
}

/** A TLS connection to the listener with a device certificate. */
export function tlsTo(l: GatewayListener, caPem: string, d: DeviceCert): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect(tlsOpts(l, caPem, d));
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Send `request` with this certificate. TLS 1.3 completes the client's side of the handshake
 * before the server has judged its certificate, so a refusal shows as an alert or a close
 * right after: resolves `answered` if the request got any reply, else how the connection ended.
 */
export function tryRequest(
  l: GatewayListener,
  caPem: string,
  d: DeviceCert,
  request: Buffer,
): Promise<string> {
  return new Promise((resolve) => {
    const s = tlsConnect(tlsOpts(l, caPem, d));
    s.once('secureConnect', () => s.write(request));
    s.once('data', () => {
      resolve('answered');
      s.destroy();
    });
    s.once('error', (e) => resolve(`error: ${e.message}`));
    s.once('close', () => resolve('closed'));
  });
}

/** When the socket closed (now, if it has). */
export function closed(s: Socket): Promise<number> {
  return new Promise((resolve) =>
    s.destroyed ? resolve(Date.now()) : s.once('close', () => resolve(Date.now())),
  );
}

/**
 * `request` tried with a certificate that expired an hour's validity ago and with one from
 * another gateway's CA: how each attempt ended, and the details of the refusals audited since.
 */
export async function certificateRefusals(
  gw: AccessGateway,
  l: GatewayListener,
  request: Buffer,
): Promise<{ expired: string; foreign: string; audited: string[] }> {
  const hour = 3600_000;
  const expiredCert = await deviceCert(gw, { notBefore: Date.now() - 10 * hour, validityMs: hour });
  const expired = await tryRequest(l, gw.ca.certPem, expiredCert, request);
  const other = await testGateway();
  let foreign: string;
  try {
    await seedPlant(other.gw);
    foreign = await tryRequest(l, gw.ca.certPem, await deviceCert(other.gw), request);
  } finally {
    await other.cleanup();
  }
  const audited = (await gw.audit.list({ type: 'access.connect.refused', limit: 20 })).map((e) =>
    String(e.data.detail),
  );
  return { expired, foreign, audited };
}

export interface MtlsPlant {
  t: TestGateway;
  listener: GatewayListener;
  sam: DeviceCert;
}

/** A test gateway with the test plant (`plc1` at 127.0.0.1:`port`), the listener `listen` opens, and Sam's certificate. */
export async function mtlsPlant(
  port: number,
  protocol: 'modbus' | 's7' | 'enip',
  listen: (gw: AccessGateway) => Promise<GatewayListener>,
): Promise<MtlsPlant> {
  const t = await testGateway();
  await seedPlant(t.gw, { host: '127.0.0.1', port, protocol });
  return { t, listener: await listen(t.gw), sam: await deviceCert(t.gw) };
}
