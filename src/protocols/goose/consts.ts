/**
 * IEC 61850 GOOSE tables.
 *
 * Specs: IEC 61850-8-1 Ed2 §C.2 (Ethernet frame: APPID, Length, Reserved 1 with the simulate
 * bit, Reserved 2), Annex A (goosePdu ASN.1: IECGoosePdu, context tags [0]..[11]);
 * IEC TR 61850-90-5 §11 (Routable GOOSE over UDP: ISO 8602 CLTP unit-data header, session
 * header with its common part and security information, session user information with
 * tagged payloads, optional signature). EtherType 0x88b8 is IEEE-registered for GOOSE; UDP
 * port 102 is the one IEC 61850-90-5 names for R-GOOSE/R-SV.
 */

export const ETHERTYPE_GOOSE = 0x88b8;
export const UDP_PORT_RGOOSE = 102;

/** IEC 61850-8-1 §C.2: APPID(2) Length(2) Reserved1(2) Reserved2(2) precede the APDU. */
export const HEADER_LEN = 8;
/** Reserved 1, bit 15 (Ed2): the frame is a simulated one (test mode, LGOS/LSVS). */
export const RESERVED1_SIMULATE = 0x8000;

/** IEC 61850-8-1 Annex A: goosePdu is [APPLICATION 1] IMPLICIT SEQUENCE. */
export const TAG_GOOSE_PDU = 0x61;
/** GSE management PDUs ([APPLICATION 2]); recognised, not decoded. */
export const TAG_GSE_MNGT_PDU = 0x62;

/** IEC 61850-8-1 Annex A: IECGoosePdu context tags (primitive unless said). */
export const PduTag = {
  GOCB_REF: 0x80,
  TIME_ALLOWED_TO_LIVE: 0x81,
  DAT_SET: 0x82,
  GO_ID: 0x83,
  T: 0x84,
  ST_NUM: 0x85,
  SQ_NUM: 0x86,
  /** `test` in Ed1, `simulation` in Ed2. */
  SIMULATION: 0x87,
  CONF_REV: 0x88,
  NDS_COM: 0x89,
  NUM_DAT_SET_ENTRIES: 0x8a,
  /** [11] constructed: SEQUENCE OF Data. */
  ALL_DATA: 0xab,
  /** [12] security (Ed2, OCTET STRING, optional). */
  SECURITY: 0x8c,
} as const;

/** ISO 8602 CLTP header before the R-GOOSE session PDU: LI = 1, UD TPDU code 0x40. */
export const CLTP_LI = 0x01;
export const CLTP_UD = 0x40;

/** IEC TR 61850-90-5 §11.3.2: session identifiers. */
export const SessionId = {
  TUNNELLED: 0xa0,
  GOOSE: 0xa1,
  SV: 0xa2,
  MANAGEMENT: 0xa3,
} as const;

/** IEC TR 61850-90-5 §11.3.3: the common session header identifier. */
export const COMMON_HEADER_ID = 0x80;

/** IEC TR 61850-90-5 §11.3.4: payload type tags in the session user information. */
export const PayloadTag = {
  GOOSE: 0x81,
  SV: 0x82,
  TUNNELLED: 0x83,
  MANAGEMENT: 0x84,
} as const;

/** Per-message and per-flow limits. */
export const MAX_STRING = 255;
/** allData entries counted; a dataset is at most a few hundred members. */
export const MAX_DATA_ENTRIES = 4096;
/** R-GOOSE payloads decoded per datagram. */
export const MAX_PAYLOADS = 8;
/** GoCBs tracked per flow (one publisher sends a handful to one group address). */
export const MAX_GOCBS = 16;

/** Anomaly codes (prefixed `goose.`). */
export const GooseError = {
  TRUNCATED: 'truncated',
  BAD_LENGTH: 'bad_length',
  BAD_BER: 'bad_ber',
  BAD_PDU: 'bad_pdu',
  BAD_SESSION: 'bad_session',
} as const;
export type GooseErrorCode = (typeof GooseError)[keyof typeof GooseError];
