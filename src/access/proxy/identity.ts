/**
 * Who is on the other end of a gateway connection. With mTLS: the client certificate (its
 * chain already checked by TLS), looked up in the CA's own records — issued by us, to a client,
 * not revoked, inside its validity — which name the user, the device and the login behind it.
 * With plain TCP (configurable, for legacy clients): the source address, which must be on the
 * listener's allow list, each entry naming the user it stands for.
 */

import type { Socket } from 'node:net';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { LocalCa } from '../ca/ca.js';
import { plainIp } from '../policy/decider.js';
import type { AccessRequest } from '../policy/decision.js';
import type { Reason } from '../policy/reasons.js';

export interface PlainAllow {
  /** An address or CIDR block (`10.1.2.0/24`). */
  source: string;
  user: string;
}

export type ListenerSecurity =
  | { mode: 'mtls'; serverNames?: string[] }
  | { mode: 'plain'; allow: PlainAllow[] };

export interface Principal {
  user: string;
  device?: string;
  source: string;
  /** mTLS only: the certificate's serial, for re-checks. */
  serial?: string;
  request: Omit<AccessRequest, 'action' | 'asset' | 'target'>;
}

export type PeerResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: Reason; detail: string; source: string };

export function mtlsPeer(socket: TLSSocket, ca: LocalCa, at: number): PeerResult {
  const source = plainIp(socket.remoteAddress ?? '');
  // The TLS server lets every handshake finish so that a refusal can say why; nothing is
  // read from a socket whose certificate did not verify against the gateway's CA.
  if (!socket.authorized) {
    const why = String(socket.authorizationError ?? 'no client certificate');
    const reason: Reason =
      why === 'CERT_HAS_EXPIRED'
        ? 'certificate-expired'
        : /NO_PEER|no client/i.test(why)
          ? 'certificate-missing'
          : 'principal-unknown';
    return { ok: false, reason, detail: `client certificate refused: ${why}`, source };
  }
  const peer = socket.getPeerX509Certificate();
  if (peer === undefined)
    return { ok: false, reason: 'certificate-missing', detail: 'no client certificate', source };
  const { status, record } = ca.status(peer.serialNumber, peer.fingerprint256, at);
  if (status !== 'valid' || record === undefined || record.user === undefined) {
    const reason: Reason =
      status === 'revoked'
        ? 'certificate-revoked'
        : status === 'expired'
          ? 'certificate-expired'
          : 'principal-unknown';
    return { ok: false, reason, detail: `certificate ${peer.serialNumber} is ${status}`, source };
  }
  return {
    ok: true,
    principal: {
      user: record.user,
      ...(record.device !== undefined ? { device: record.device } : {}),
      source,
      serial: record.serial,
      request: {
        user: record.user,
        source,
        certificate: {
          fingerprint: record.fingerprint,
          device: record.device ?? '',
          notAfter: record.notAfter,
        },
        ...(record.mfa !== undefined
          ? { mfa: { at: record.mfa.at, phishingResistant: record.mfa.method === 'webauthn' } }
          : {}),
      },
    },
  };
}

/** The allow list of a plain listener, compiled once. */
export class PlainAllowList {
  private readonly entries: { list: BlockList; user: string }[] = [];

  constructor(allow: PlainAllow[]) {
    for (const a of allow) {
      const [addr, bits] = a.source.split('/');
      const family = isIP(addr ?? '');
      if (family === 0) throw new Error(`allow list: "${a.source}" is not an address or CIDR block`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const list = new BlockList();
      if (bits === undefined) list.addAddress(addr!, type);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128))
          throw new Error(`allow list: "${a.source}" has a bad prefix length`);
        list.addSubnet(addr!, prefix, type);
      }
      this.entries.push({ list, user: a.user });
    }
  }

  peer(socket: Socket): PeerResult {
    const source = plainIp(socket.remoteAddress ?? '');
    const family = isIP(source);
    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      for (const e of this.entries)
        if (e.list.check(source, type))
          return { ok: true, principal: { user: e.user, source, request: { user: e.user, source } } };
    }
    return {
      ok: false,
      reason: 'source-not-allowed',
      detail: `source ${source} is not on the allow list`,
      source,
    };
  }
}
