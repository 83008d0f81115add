/**
 * LLDP tables. Spec: IEEE 802.1AB-2016 §8.4 (TLV header: 7-bit type, 9-bit length), §8.5
 * (basic TLVs), Table 8-1 (TLV types), Table 8-2 (chassis ID subtypes), Table 8-3 (port ID
 * subtypes), Table 8-4 (system capabilities, §8.5.8.1), §8.5.9 (management address, IANA
 * address family numbers); Annex D (IEEE 802.1 org TLVs, OUI 00-80-C2); ANSI/TIA-1057
 * (LLDP-MED, OUI 00-12-BB) §10.2.2 (capabilities and device class), §10.2.6 (inventory).
 */

export const ETHERTYPE_LLDP = 0x88cc;

/** IEEE 802.1AB Table 8-1. */
export const Tlv = {
  END: 0,
  CHASSIS_ID: 1,
  PORT_ID: 2,
  TTL: 3,
  PORT_DESCRIPTION: 4,
  SYSTEM_NAME: 5,
  SYSTEM_DESCRIPTION: 6,
  SYSTEM_CAPABILITIES: 7,
  MANAGEMENT_ADDRESS: 8,
  ORG_SPECIFIC: 127,
} as const;

/** Table 8-2 chassis ID subtypes with binary values (the others are text). */
export const Chassis = { MAC: 4, NETWORK_ADDRESS: 5 } as const;
/** Table 8-3 port ID subtypes with binary values. */
export const PortSub = { MAC: 3, NETWORK_ADDRESS: 4 } as const;

/** IANA address family numbers used in network-address IDs and management addresses. */
export const AddrFamily = { IPV4: 1, IPV6: 2, MAC: 6 } as const;

/** Table 8-4 system capability bits, in bit order. */
export const CAPABILITY_NAMES = [
  'other',
  'repeater',
  'bridge',
  'wlan-ap',
  'router',
  'telephone',
  'docsis',
  'station',
  'c-vlan',
  's-vlan',
  'tpmr',
] as const;

export const Cap = {
  REPEATER: 1 << 1,
  BRIDGE: 1 << 2,
  WLAN_AP: 1 << 3,
  ROUTER: 1 << 4,
  TELEPHONE: 1 << 5,
} as const;

/** Organisation codes of org-specific TLVs decoded here. */
export const Oui = { IEEE_8021: 0x0080c2, TIA_MED: 0x0012bb } as const;
/** IEEE 802.1 Annex D.2.1: Port VLAN ID. */
export const DOT1_PORT_VLAN = 1;
/** TIA-1057 §10.2.2: capabilities(2) + device type(1); §10.2.6: inventory strings. */
export const Med = {
  CAPABILITIES: 1,
  HARDWARE_REVISION: 5,
  FIRMWARE_REVISION: 6,
  SOFTWARE_REVISION: 7,
  SERIAL_NUMBER: 8,
  MANUFACTURER: 9,
  MODEL: 10,
  ASSET_ID: 11,
} as const;
/** TIA-1057 §10.2.2.2 device type: 3 = endpoint class III (voice: IP phones). */
export const MED_CLASS_III = 3;

/** 802.1AB §8.5.2–§8.5.3: ID strings are 1..255 octets after the subtype. */
export const MAX_ID = 255;
/** Longest text kept in a fact. */
export const MAX_TEXT = 256;
export const MAX_MGMT_ADDRESSES = 4;
/** TLVs walked per LLDPDU; a 1500-byte frame holds at most ~750 anyway. */
export const MAX_TLVS = 128;

/** Anomaly codes (prefixed `lldp.`). */
export const LldpError = {
  TOO_SHORT: 'too_short',
  TRUNCATED: 'truncated',
  BAD_TLV: 'bad_tlv',
} as const;
export type LldpErrorCode = (typeof LldpError)[keyof typeof LldpError];
