/**
 * SNMP tables. Specs: RFC 1157 (SNMPv1 message, Trap-PDU), RFC 3416 §3 (PDU types and the
 * tags of RFC 3416 §2 / RFC 2578 application types), RFC 3412 §6 (SNMPv3 message: msgGlobalData,
 * msgFlags), RFC 3414 §2.4 (USM security parameters), RFC 3418 (SNMPv2-MIB system group
 * OIDs), X.690 §8 (BER); IANA Private Enterprise Numbers (1.3.6.1.4.1.<n>) for the vendors.
 */
import type { OpKind } from '../../events/types.js';

export const AGENT_PORT = 161;
export const TRAP_PORT = 162;

/** Context-specific constructed PDU tags (RFC 3416 §3): [name, kind]. */
export const PDUS: Readonly<Record<number, readonly [string, OpKind | null]>> = {
  160: ['get-request', 'read'],
  161: ['get-next-request', 'read'],
  162: ['response', null],
  163: ['set-request', 'write'],
  164: ['trap', 'other'],
  165: ['get-bulk-request', 'read'],
  166: ['inform-request', 'other'],
  167: ['snmpV2-trap', 'other'],
  168: ['report', null],
};
export const Pdu = {
  GET: 0xa0,
  GETNEXT: 0xa1,
  RESPONSE: 0xa2,
  SET: 0xa3,
  TRAP: 0xa4,
  BULK: 0xa5,
  INFORM: 0xa6,
  TRAP2: 0xa7,
  REPORT: 0xa8,
} as const;

/** BER universal and SNMP application tags. */
export const Tag = { INTEGER: 0x02, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

/** SNMPv2-MIB system group (RFC 3418). */
export const Oid = {
  SYS_DESCR: '1.3.6.1.2.1.1.1.0',
  SYS_OBJECT_ID: '1.3.6.1.2.1.1.2.0',
  SYS_NAME: '1.3.6.1.2.1.1.5.0',
  SYS_LOCATION: '1.3.6.1.2.1.1.6.0',
} as const;
export const ENTERPRISES_PREFIX = '1.3.6.1.4.1.';

/** IANA Private Enterprise Numbers of vendors seen on plant networks (a small table). */
export const ENTERPRISES: Readonly<Record<number, string>> = {
  9: 'Cisco',
  11: 'HPE',
  95: 'Rockwell Automation',
  248: 'Hirschmann',
  311: 'Microsoft',
  318: 'APC',
  674: 'Dell',
  1916: 'Extreme Networks',
  2011: 'Huawei',
  2636: 'Juniper Networks',
  3833: 'Schneider Electric',
  4131: 'Tridium',
  4329: 'Siemens',
  4346: 'Phoenix Contact',
  8691: 'Moxa',
  12356: 'Fortinet',
  13576: 'WAGO',
  14988: 'MikroTik',
  15004: 'Siemens',
  16177: 'Westermo',
  16838: 'Omron',
  25506: 'H3C',
  30065: 'Arista',
  41112: 'Ubiquiti',
};

/** Community strings shipped as defaults (compared as bytes; never emitted). */
export const DEFAULT_COMMUNITIES: readonly Buffer[] = [Buffer.from('public'), Buffer.from('private')];

export const MAX_VARBINDS = 64;
export const MAX_OID_ARCS = 128;
export const MAX_TEXT = 512;
export const MAX_PENDING = 64;

export const SnmpError = { TOO_SHORT: 'too_short', BAD_BER: 'bad_ber', BAD_MESSAGE: 'bad_message' } as const;
export type SnmpErrorCode = (typeof SnmpError)[keyof typeof SnmpError];
