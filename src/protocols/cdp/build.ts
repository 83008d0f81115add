/**
 * CDP PDU and frame builders (layout in consts.ts) for the project's own traces: golden tests
 * and the plant simulator. Not on the capture path. The checksum is computed as Cisco devices
 * do (see `cdpChecksum`), so tshark reports it correct.
 */
import { ipv4, ipv6, llcSnap } from '../../sim/frames.js';
import { CDP_SNAP, CdpTlv, NLPID_IPV4, SNAP_IPV6 } from './consts.js';
import { cdpChecksum } from './parse.js';

/** Destination of CDP (and VTP, DTP...) frames. */
export const CDP_MULTICAST = '01:00:0c:cc:cc:cc';

export function cdpTlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(value.length + 4, 2);
  return Buffer.concat([h, value]);
}

function addressList(ips: string[]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(ips.length, 0);
  const entries = ips.map((ip) =>
    ip.includes(':')
      ? Buffer.concat([Buffer.from([2, 8]), SNAP_IPV6, Buffer.from([0, 16]), ipv6(ip)])
      : Buffer.concat([Buffer.from([1, 1, NLPID_IPV4, 0, 4]), ipv4(ip)]),
  );
  return Buffer.concat([count, ...entries]);
}

const str = (s: string) => Buffer.from(s, 'utf8');

export const cdp = {
  deviceId: (s: string) => cdpTlv(CdpTlv.DEVICE_ID, str(s)),
  addresses: (...ips: string[]) => cdpTlv(CdpTlv.ADDRESSES, addressList(ips)),
  portId: (s: string) => cdpTlv(CdpTlv.PORT_ID, str(s)),
  capabilities: (bits: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(bits >>> 0, 0);
    return cdpTlv(CdpTlv.CAPABILITIES, b);
  },
  softwareVersion: (s: string) => cdpTlv(CdpTlv.SOFTWARE_VERSION, str(s)),
  platform: (s: string) => cdpTlv(CdpTlv.PLATFORM, str(s)),
  vtpDomain: (s: string) => cdpTlv(CdpTlv.VTP_DOMAIN, str(s)),
  nativeVlan: (vlan: number) => cdpTlv(CdpTlv.NATIVE_VLAN, Buffer.from([vlan >> 8, vlan & 0xff])),
  duplex: (full: boolean) => cdpTlv(CdpTlv.DUPLEX, Buffer.from([full ? 1 : 0])),
  systemName: (s: string) => cdpTlv(CdpTlv.SYSTEM_NAME, str(s)),
  managementAddresses: (...ips: string[]) => cdpTlv(CdpTlv.MANAGEMENT_ADDRESSES, addressList(ips)),
};

export function buildCdp(tlvs: Buffer[], o: { version?: number; ttl?: number } = {}): Buffer {
  const pdu = Buffer.concat([Buffer.from([o.version ?? 2, o.ttl ?? 180, 0, 0]), ...tlvs]);
  pdu.writeUInt16BE(cdpChecksum(pdu, 0, pdu.length), 2);
  return pdu;
}

export function cdpFrame(src: string, pdu: Buffer): Buffer {
  return llcSnap(src, CDP_MULTICAST, CDP_SNAP.oui, CDP_SNAP.pid, pdu);
}
