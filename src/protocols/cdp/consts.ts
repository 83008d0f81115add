/**
 * CDP tables. Cisco publishes no protocol specification for CDP; the layout follows Cisco's
 * "Cisco Discovery Protocol Configuration Guide" (TLV meanings), the CISCO-CDP-MIB
 * (cdpCacheCapabilities bit values, cdpCacheAddress encodings) and the long-standing public
 * decoders (Wireshark packet-cdp.c, tcpdump print-cdp.c) that agree on the wire format:
 * version(1) ttl(1) checksum(2), then TLVs type(2) length(2, header included) value.
 */

/** 802.3 LLC/SNAP: Cisco's OUI and the CDP protocol id. */
export const CDP_SNAP = { oui: 0x00000c, pid: 0x2000 } as const;

export const HEADER_LEN = 4;
export const TLV_HEADER = 4;

export const CdpTlv = {
  DEVICE_ID: 0x0001,
  ADDRESSES: 0x0002,
  PORT_ID: 0x0003,
  CAPABILITIES: 0x0004,
  SOFTWARE_VERSION: 0x0005,
  PLATFORM: 0x0006,
  IP_PREFIXES: 0x0007,
  VTP_DOMAIN: 0x0009,
  NATIVE_VLAN: 0x000a,
  DUPLEX: 0x000b,
  VOIP_VLAN_REPLY: 0x000e,
  SYSTEM_NAME: 0x0014,
  SYSTEM_OID: 0x0015,
  MANAGEMENT_ADDRESSES: 0x0016,
  LOCATION: 0x0017,
} as const;

/** CISCO-CDP-MIB cdpCacheCapabilities bits, in bit order. */
export const CAPABILITY_NAMES = [
  'router',
  'trans-bridge',
  'sr-bridge',
  'switch',
  'host',
  'igmp',
  'repeater',
  'phone',
  'remote',
  'cvta',
  'mac-relay',
] as const;

export const CdpCap = {
  ROUTER: 0x01,
  TRANS_BRIDGE: 0x02,
  SR_BRIDGE: 0x04,
  SWITCH: 0x08,
  REPEATER: 0x40,
  PHONE: 0x80,
} as const;

/** Address entry protocol types: NLPID (IPv4 is NLPID 0xcc) and 802.2 SNAP (IPv6 by EtherType). */
export const ProtoType = { NLPID: 1, IEEE_8022: 2 } as const;
export const NLPID_IPV4 = 0xcc;
export const SNAP_IPV6 = Buffer.from([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd]);

export const MAX_ADDRESSES = 8;
export const MAX_TLVS = 128;
/** Longest text kept in a fact (software versions run to a few hundred characters). */
export const MAX_TEXT = 512;

/** Anomaly codes (prefixed `cdp.`). */
export const CdpError = {
  TOO_SHORT: 'too_short',
  BAD_VERSION: 'bad_version',
  BAD_TLV: 'bad_tlv',
} as const;
export type CdpErrorCode = (typeof CdpError)[keyof typeof CdpError];
