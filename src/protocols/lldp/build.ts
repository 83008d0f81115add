/**
 * LLDPDU and frame builders (IEEE 802.1AB-2016 §8.4–§8.5, TIA-1057 §10.2.6) for the project's
 * own traces: golden tests and the plant simulator. Not on the capture path.
 */
import { type EthOptions, ethernet, ipv4, mac } from '../../sim/frames.js';
import { AddrFamily, Chassis, ETHERTYPE_LLDP, Oui, PortSub, Tlv } from './consts.js';

/** Nearest-bridge group address (802.1AB Table 7-1). */
export const LLDP_MULTICAST = '01:80:c2:00:00:0e';

export function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(2);
  h.writeUInt16BE((type << 9) | (value.length & 0x1ff), 0);
  return Buffer.concat([h, value]);
}

const str = (s: string) => Buffer.from(s, 'utf8');

export const lldp = {
  chassisMac: (m: string) => tlv(Tlv.CHASSIS_ID, Buffer.concat([Buffer.from([Chassis.MAC]), mac(m)])),
  chassisText: (subtype: number, s: string) =>
    tlv(Tlv.CHASSIS_ID, Buffer.concat([Buffer.from([subtype]), str(s)])),
  portMac: (m: string) => tlv(Tlv.PORT_ID, Buffer.concat([Buffer.from([PortSub.MAC]), mac(m)])),
  portText: (subtype: number, s: string) => tlv(Tlv.PORT_ID, Buffer.concat([Buffer.from([subtype]), str(s)])),
  ttl: (seconds: number) => tlv(Tlv.TTL, Buffer.from([seconds >> 8, seconds & 0xff])),
  portDescription: (s: string) => tlv(Tlv.PORT_DESCRIPTION, str(s)),
  systemName: (s: string) => tlv(Tlv.SYSTEM_NAME, str(s)),
  systemDescription: (s: string) => tlv(Tlv.SYSTEM_DESCRIPTION, str(s)),
  capabilities: (system: number, enabled: number) =>
    tlv(Tlv.SYSTEM_CAPABILITIES, Buffer.from([system >> 8, system & 0xff, enabled >> 8, enabled & 0xff])),
  /** §8.5.9 with an ifIndex interface number and no OID. */
  managementIpv4: (ip: string, ifIndex = 1) =>
    tlv(
      Tlv.MANAGEMENT_ADDRESS,
      Buffer.concat([
        Buffer.from([5, AddrFamily.IPV4]),
        ipv4(ip),
        Buffer.from([2, 0, 0, ifIndex >> 8, ifIndex & 0xff, 0]),
      ]),
    ),
  org: (oui: number, subtype: number, data: Buffer) =>
    tlv(
      Tlv.ORG_SPECIFIC,
      Buffer.concat([Buffer.from([oui >> 16, (oui >> 8) & 0xff, oui & 0xff, subtype]), data]),
    ),
  /** TIA-1057 §10.2.6 inventory string (subtype 5..11). */
  medInventory: (subtype: number, s: string) => lldp.org(Oui.TIA_MED, subtype, str(s)),
  end: () => Buffer.from([0, 0]),
};

export function lldpFrame(src: string, tlvs: Buffer[], eth: EthOptions = {}): Buffer {
  return ethernet(src, LLDP_MULTICAST, ETHERTYPE_LLDP, Buffer.concat(tlvs), eth);
}
