/**
 * DNS, mDNS and LLMNR wire-format tables.
 *
 * Specs: RFC 1035 §3.2 (types, classes), §4.1.1 (header fields), §4.1.4 (compression);
 * RFC 3596 (AAAA), RFC 2782 (SRV), RFC 6762 §10.2 / §5.4 (mDNS cache-flush and unicast-response
 * bits), RFC 6763 (DNS-SD service names and TXT keys), RFC 4795 (LLMNR, ports),
 * RFC 6895 §2 (opcodes, rcodes).
 */

/** RFC 1035 §3.2.2, RFC 3596 §2.1, RFC 2782, RFC 6672. */
export const DnsType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  ANY: 255,
} as const;

/** RFC 1035 §4.1.1 OPCODE. */
export const DnsOpcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** mDNS (RFC 6762 §10.2, §5.4): top bit of the class is cache-flush (records) / QU (questions). */
export const MDNS_CLASS_TOP_BIT = 0x8000;

/** RFC 1035 §4.1.1: the fixed header is 12 bytes. */
export const HEADER_LEN = 12;
/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire, a label at most 63. */
export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;
/** Compression pointers followed per name; a legitimate name needs few (RFC 1035 §4.1.4). */
export const MAX_POINTER_JUMPS = 32;

/** Per-message parse limits: bounded memory whatever the counts in the header claim. */
export const MAX_QUESTIONS = 32;
export const MAX_RECORDS = 128;
export const MAX_TXT_STRINGS = 32;
/** Longest text kept from a TXT/HINFO string (facts stay small). */
export const MAX_TEXT = 256;

export const Port = { DNS: 53, MDNS: 5353, LLMNR: 5355 } as const;

/** Anomaly codes raised by the DNS family (the flavour's name replaces `dns`). */
export const DnsError = {
  TOO_SHORT: 'too_short',
  TRUNCATED: 'truncated',
  BAD_NAME: 'bad_name',
  BAD_RDATA: 'bad_rdata',
  TOO_LARGE: 'too_large',
} as const;
export type DnsErrorCode = (typeof DnsError)[keyof typeof DnsError];

/**
 * DNS-SD service types (RFC 6763 §7, IANA service names) that say what a device is.
 * Cheap, coarse role hints only; the inventory refines them.
 */
export const SERVICE_ROLE: Readonly<Record<string, string>> = {
  _ipp: 'printer',
  _ipps: 'printer',
  _printer: 'printer',
  '_pdl-datastream': 'printer',
  _scanner: 'printer',
  _uscan: 'printer',
  _workstation: 'workstation',
  _googlecast: 'media-player',
  _airplay: 'media-player',
  _raop: 'media-player',
  _hap: 'iot',
  _homekit: 'iot',
  _axis: 'camera',
  '_axis-video': 'camera',
};

/**
 * DNS-SD TXT keys that carry identity (RFC 6763 §6; the printer keys from the Bonjour Printing
 * Specification §9; `md` from Google Cast; `model`/`am` from Apple device-info / AirPlay).
 */
export const TXT_FACT: Readonly<Record<string, 'vendor' | 'model' | 'mdns.friendly_name'>> = {
  usb_mfg: 'vendor',
  manufacturer: 'vendor',
  usb_mdl: 'model',
  ty: 'model',
  product: 'model',
  md: 'model',
  model: 'model',
  am: 'model',
  fn: 'mdns.friendly_name',
};
