/**
 * ARP tables. Spec: RFC 826 (packet format), IANA "Address Resolution Protocol (ARP)
 * Parameters" registry (hardware types, operation codes; RFC 5494 §2), RFC 5227 §2.1.1 and §3
 * (probe: sender IP 0.0.0.0; announcement: sender IP = target IP).
 */

/** RFC 826: htype(2) ptype(2) hlen(1) plen(1) oper(2), then the four addresses. */
export const FIXED_LEN = 8;

/** IANA hardware types that carry 48-bit MACs. */
export const HTYPE_ETHERNET = 1;
export const HTYPE_IEEE802 = 6;

/** EtherType of the protocol addresses: IPv4. */
export const PTYPE_IPV4 = 0x0800;

export const ETHERTYPE_ARP = 0x0806;

/** IANA ARP operation codes. */
export const ArpOp = {
  REQUEST: 1,
  REPLY: 2,
  RARP_REQUEST: 3,
  RARP_REPLY: 4,
  INARP_REQUEST: 8,
  INARP_REPLY: 9,
} as const;

/** Anomaly codes (prefixed `arp.`). */
export const ArpError = {
  BAD_LENGTH: 'bad_length',
  BAD_HEADER: 'bad_header',
} as const;
export type ArpErrorCode = (typeof ArpError)[keyof typeof ArpError];
