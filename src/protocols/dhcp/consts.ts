/**
 * DHCPv4 / BOOTP and DHCPv6 tables.
 *
 * DHCPv4: RFC 2131 §2 (message layout), §3 (message types), RFC 951 (BOOTP), RFC 1497 / RFC 2132
 * §2 (magic cookie), RFC 2132 §3–§9 (options), RFC 3396 (long options split across instances),
 * RFC 4702 (client FQDN, option 81), RFC 3004 (user class, option 77), RFC 4361 (client id).
 * DHCPv6: RFC 8415 §7.3 (message types), §8, §9 (client/server and relay layouts), §11 (DUID),
 * §21 (options); RFC 4704 (client FQDN, option 39); RFC 6939 (client link-layer address, 79).
 */

export const Port4 = { SERVER: 67, CLIENT: 68 } as const;
export const Port6 = { CLIENT: 546, SERVER: 547 } as const;

/** RFC 2131 §2: op(1) htype(1) hlen(1) hops(1) xid(4) secs(2) flags(2) 4 addresses chaddr(16) sname(64) file(128). */
export const FIXED_LEN = 236;
export const OFF_CIADDR = 12;
export const OFF_YIADDR = 16;
export const OFF_SIADDR = 20;
export const OFF_GIADDR = 24;
export const OFF_CHADDR = 28;
export const OFF_SNAME = 44;
export const OFF_FILE = 108;
/** RFC 2132 §2: 99.130.83.99. */
export const MAGIC_COOKIE = 0x63825363;

export const BootOp = { REQUEST: 1, REPLY: 2 } as const;

/** RFC 2132 option codes used here. */
export const Opt = {
  PAD: 0,
  ROUTER: 3,
  DNS: 6,
  HOSTNAME: 12,
  DOMAIN: 15,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAM_LIST: 55,
  MESSAGE: 56,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  USER_CLASS: 77,
  FQDN: 81,
  END: 255,
} as const;

/** RFC 2132 §9.6, RFC 2131 §3 (and RFC 4388 / RFC 6926 for 10–18). 0 = plain BOOTP. */
export const MessageType = {
  BOOTP: 0,
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export const MAX_MESSAGE_TYPE = 18;

/** Hardware type with 6-byte MACs in chaddr (RFC 1700 / IANA ARP hardware types). */
export const HTYPE_ETHERNET = 1;

/** Parse limits: at most this many addresses kept per list option, bytes per text option. */
export const MAX_LIST = 8;
export const MAX_TEXT = 256;

/** Anomaly codes (prefixed `dhcp.` / `dhcpv6.`). */
export const DhcpError = {
  TOO_SHORT: 'too_short',
  BAD_MAGIC: 'bad_magic',
  BAD_OP: 'bad_op',
  BAD_OPTION: 'bad_option',
  BAD_MESSAGE_TYPE: 'bad_message_type',
  TOO_DEEP: 'too_deep',
} as const;
export type DhcpErrorCode = (typeof DhcpError)[keyof typeof DhcpError];

/**
 * Vendor class identifiers (option 60 / DHCPv6 option 16 data) that name the device maker.
 * OS-only identifiers ("MSFT 5.0", "android-dhcp-13", "dhcpcd-...", "udhcp ...") name no
 * vendor and are left as `dhcp.vendor_class` only.
 */
export const VENDOR_CLASS_HINTS: readonly { re: RegExp; vendor: string; roleHint?: string }[] = [
  { re: /^Cisco Systems,? Inc\.? IP Phone/i, vendor: 'Cisco', roleHint: 'phone' },
  { re: /^Cisco AP/i, vendor: 'Cisco', roleHint: 'access-point' },
  { re: /^Cisco/i, vendor: 'Cisco' },
  { re: /^ArubaAP/i, vendor: 'Aruba', roleHint: 'access-point' },
  { re: /^ArubaInstantAP/i, vendor: 'Aruba', roleHint: 'access-point' },
  { re: /^Polycom/i, vendor: 'Polycom', roleHint: 'phone' },
  { re: /^yealink/i, vendor: 'Yealink', roleHint: 'phone' },
  { re: /^(Avaya|ccp\.avaya\.com)/i, vendor: 'Avaya', roleHint: 'phone' },
  { re: /^Mitel/i, vendor: 'Mitel', roleHint: 'phone' },
  { re: /^(Hewlett-Packard|HP )/i, vendor: 'HP' },
  { re: /^Hirschmann/i, vendor: 'Hirschmann' },
  { re: /^Siemens/i, vendor: 'Siemens' },
  { re: /^Rockwell/i, vendor: 'Rockwell Automation' },
  { re: /^Phoenix ?Contact/i, vendor: 'Phoenix Contact' },
  { re: /^Moxa/i, vendor: 'Moxa' },
  { re: /^(Axis|AXIS)/, vendor: 'Axis', roleHint: 'camera' },
];

/** RFC 8415 §7.3 message types. */
export const Msg6 = {
  SOLICIT: 1,
  ADVERTISE: 2,
  REQUEST: 3,
  CONFIRM: 4,
  RENEW: 5,
  REBIND: 6,
  REPLY: 7,
  RELEASE: 8,
  DECLINE: 9,
  RECONFIGURE: 10,
  INFORMATION_REQUEST: 11,
  RELAY_FORW: 12,
  RELAY_REPL: 13,
} as const;

/** Messages a client sends (RFC 8415 §7.3). */
export const CLIENT_MSG6: ReadonlySet<number> = new Set([1, 3, 4, 5, 6, 8, 9, 11]);

/** RFC 8415 §21, RFC 4704, RFC 6939 option codes used here. */
export const Opt6 = {
  CLIENTID: 1,
  SERVERID: 2,
  IA_NA: 3,
  IA_TA: 4,
  IAADDR: 5,
  ORO: 6,
  RELAY_MSG: 9,
  USER_CLASS: 15,
  VENDOR_CLASS: 16,
  CLIENT_FQDN: 39,
  CLIENT_LINKLAYER_ADDR: 79,
} as const;

/** RFC 8415 §11: DUID types with a link-layer address in them. */
export const DUID_LLT = 1;
export const DUID_LL = 3;
/** RFC 8415 §9: relay header hop(1) link(16) peer(16); §7.6 HOP_COUNT_LIMIT bounds nesting. */
export const RELAY_HEADER = 34;
export const MAX_RELAY_DEPTH = 8;
