/**
 * ARP packet and frame builders (RFC 826, Ethernet/IPv4) for the project's own traces: golden
 * tests and the plant simulator. Not on the capture path.
 */
import { type EthOptions, ethernet, ipv4, mac } from '../../sim/frames.js';
import { ArpOp, ETHERTYPE_ARP } from './consts.js';

export type ArpFields = {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
};

export function arpPayload(f: ArpFields): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(0x0800, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(f.op, 6);
  mac(f.senderMac).copy(b, 8);
  ipv4(f.senderIp).copy(b, 14);
  mac(f.targetMac ?? '00:00:00:00:00:00').copy(b, 18);
  ipv4(f.targetIp).copy(b, 24);
  return b;
}

/** An ARP frame: requests, probes and announcements go to broadcast, replies to the target. */
export function arpFrame(f: ArpFields, eth: EthOptions & { src?: string; dst?: string } = {}): Buffer {
  const dst = eth.dst ?? (f.op === ArpOp.REPLY && f.targetMac ? f.targetMac : 'ff:ff:ff:ff:ff:ff');
  return ethernet(eth.src ?? f.senderMac, dst, ETHERTYPE_ARP, arpPayload(f), eth);
}
