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
import { deviceCsr } from './gateway.js';

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
