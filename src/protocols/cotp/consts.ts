/**
 * ISO transport on TCP tables. Specs: RFC 1006 §6 (TPKT: version 3, reserved, 16-bit length
 * including the 4-byte header; at most 65 531 bytes of TPDU), ITU-T X.224 / ISO 8073 §13.1
 * Table 8 (TPDU codes), §13.2.3 (parameters of CR/CC: TPDU size, calling/called TSAP),
 * §13.5.3 (DR reasons), §13.7 (DT: EOT bit and TPDU number; classes 0/1 carry no
 * destination reference, classes 2–4 do).
 */

export const TPKT_VERSION = 3;
export const TPKT_HEADER = 4;
/** Smallest TPKT that can carry a TPDU: header + LI + code + one more octet. */
export const TPKT_MIN = 7;
export const TPKT_MAX = 0xffff;

/** X.224 Table 8: TPDU codes (high nibble of the second octet; CDT in the low nibble for CR/CC). */
export const Tpdu = {
  CR: 0xe0,
  CC: 0xd0,
  DR: 0x80,
  DC: 0xc0,
  DT: 0xf0,
  ED: 0x10,
  AK: 0x60,
  EA: 0x20,
  RJ: 0x50,
  ER: 0x70,
} as const;

export const TPDU_NAMES: Readonly<Record<number, string>> = {
  [Tpdu.CR]: 'CR',
  [Tpdu.CC]: 'CC',
  [Tpdu.DR]: 'DR',
  [Tpdu.DC]: 'DC',
  [Tpdu.DT]: 'DT',
  [Tpdu.ED]: 'ED',
  [Tpdu.AK]: 'AK',
  [Tpdu.EA]: 'EA',
  [Tpdu.RJ]: 'RJ',
  [Tpdu.ER]: 'ER',
};

/** §13.2.3 / §13.3.4 variable-part parameter codes used in CR/CC. */
export const Param = {
  TPDU_SIZE: 0xc0,
  CALLING_TSAP: 0xc1,
  CALLED_TSAP: 0xc2,
} as const;

/** DT / ED: end-of-TSDU bit in the TPDU-NR octet (§13.7.3 d). */
export const EOT = 0x80;

/** A TSDU reassembled from DT fragments is capped (S7 PDUs are ≤ 960 bytes, MMS ones rarely > 32 KiB). */
export const MAX_TSDU = 65_536;

/** Well-known port: RFC 1006 §4 (ISO transport services on top of TCP). */
export const PORT_ISO_TSAP = 102;

/** What a reassembled COTP payload starts with, for dispatch. */
export const Payload = {
  S7COMM: 0x32,
  S7COMM_PLUS: 0x72,
} as const;

/**
 * ISO 8327-1 §8.3 SPDU identifiers that can start a session-layer TSDU: CONNECT 13, ACCEPT 14,
 * REFUSE 12, FINISH 9, DISCONNECT 10, NOT FINISHED 8, ABORT 25, ABORT ACCEPT 26, and GIVE
 * TOKENS 1 (which precedes DATA TRANSFER 1 in the basic concatenated form).
 */
export const SESSION_FIRST = new Set([1, 8, 9, 10, 12, 13, 14, 25, 26]);
