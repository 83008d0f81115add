/**
 * NetBIOS Name Service tables. Spec: RFC 1002 §4.2.1.1 (header: OPCODE, NM_FLAGS, RCODE),
 * §4.2.1.2–3 (question / resource record types NB, NBSTAT), §4.2.18 (node status response),
 * RFC 1001 §14.1 (first-level name encoding), §17.2 and the [MS-NBTE] / MS-BRWS suffix
 * registry for the 16th byte of names.
 */

export const PORT_NBNS = 137;

/** RFC 1002 §4.2.1.1 OPCODE. */
export const NbOpcode = {
  QUERY: 0,
  REGISTRATION: 5,
  RELEASE: 6,
  WACK: 7,
  REFRESH: 8,
  /** RFC 1002 lists 8; Windows sends 9 for refresh as well. */
  REFRESH_ALT: 9,
  MULTIHOMED_REGISTRATION: 15,
} as const;

/** Opcodes whose request carries the sender's own name and address in an NB record. */
export const REGISTERING_OPCODES: ReadonlySet<number> = new Set([5, 8, 9, 15]);

/** RFC 1002 §4.2.1.2–3 RR types. */
export const NbType = { A: 0x01, NS: 0x02, NULL: 0x0a, NB: 0x20, NBSTAT: 0x21 } as const;

/** NM_FLAGS broadcast bit within the 16-bit flags word. */
export const FLAG_BROADCAST = 0x0010;

/** NB_FLAGS / NAME_FLAGS group bit (RFC 1002 §4.2.1.3, §4.2.18). */
export const NB_GROUP = 0x8000;
/** NAME_FLAGS ACT: the name is active (§4.2.18). */
export const NAME_ACTIVE = 0x0400;

/** RFC 1001 §14.1: a NetBIOS name is 16 bytes, 32 characters once encoded. */
export const ENCODED_LEN = 32;

/** Per-message limits. */
export const MAX_QUESTIONS = 8;
export const MAX_RECORDS = 32;
export const MAX_NB_ENTRIES = 16;
export const MAX_NODE_NAMES = 64;

/** Suffixes (16th byte) that say what a name is (MS-BRWS, [MS-NBTE] §2.2.1 conventions). */
export const Suffix = {
  WORKSTATION: 0x00,
  MESSENGER: 0x03,
  DOMAIN_MASTER_BROWSER: 0x1b,
  DOMAIN_CONTROLLERS: 0x1c,
  MASTER_BROWSER: 0x1d,
  BROWSER_ELECTION: 0x1e,
  SERVER: 0x20,
} as const;

/** Anomaly codes (prefixed `nbns.`). */
export const NbnsError = {
  TOO_SHORT: 'too_short',
  TRUNCATED: 'truncated',
  BAD_NAME: 'bad_name',
  BAD_RDATA: 'bad_rdata',
} as const;
export type NbnsErrorCode = (typeof NbnsError)[keyof typeof NbnsError];
