/**
 * IEC 61850 GOOSE parser: the Ethernet frame (EtherType 0x88b8) and Routable GOOSE datagrams
 * (UDP 102).
 *
 * Spec: IEC 61850-8-1 Ed2 §C.2 (APPID, Length, Reserved 1 simulate bit), Annex A (goosePdu,
 * BER per ISO/IEC 8825-1 §8.1: tag, definite short/long length); IEC TR 61850-90-5 §11.3
 * (CLTP unit data, session header, security information, session user information).
 *
 * Pure: bytes in, a message or an error value out; never throws. Strings are returned as
 * spans into the buffer (`text()` makes them strings) so the hot path makes none. Not parsed:
 * the allData values (only counted), GSE management PDUs, the [12] security field's content,
 * R-GOOSE signatures and encrypted payloads (IV present), R-SV and tunnelled payloads.
 */
import {
  CLTP_LI,
  CLTP_UD,
  COMMON_HEADER_ID,
  GooseError,
  type GooseErrorCode,
  HEADER_LEN,
  MAX_DATA_ENTRIES,
  MAX_PAYLOADS,
  MAX_STRING,
  PayloadTag,
  PduTag,
  RESERVED1_SIMULATE,
  TAG_GOOSE_PDU,
} from './consts.js';

export interface GoosePdu {
  /** Spans of the VisibleStrings; goID's length is -1 when absent. */
  gocbRefOff: number;
  gocbRefLen: number;
  datSetOff: number;
  datSetLen: number;
  goIdOff: number;
  goIdLen: number;
  timeAllowedToLive: number;
  /** `t` as seconds since 1970 (fraction included), -1 when absent. */
  t: number;
  stNum: number;
  sqNum: number;
  simulation: boolean;
  confRev: number;
  ndsCom: boolean;
  numDatSetEntries: number;
  /** allData members counted (nested members not). */
  allDataCount: number;
  secured: boolean;
}

export interface GooseFrame {
  appid: number;
  /** The Length field: header and APDU bytes. */
  length: number;
  /** Reserved 1 bit 15 (Ed2 simulate). */
  simulated: boolean;
  pdu: GoosePdu;
}

export type GooseResult<T> = { ok: true; msg: T } | { ok: false; code: GooseErrorCode; detail: string };

function fail<T>(code: GooseErrorCode, detail: string): GooseResult<T> {
  return { ok: false, code, detail };
}

/** The text of a span (VisibleString: 7-bit; other bytes come out as latin1). */
export function text(buf: Buffer, off: number, len: number): string {
  return len <= 0 ? '' : buf.toString('latin1', off, off + Math.min(len, MAX_STRING));
}

/** Bytes of the length octets of the last `berLen` call. */
let lenOctets = 0;

/** ISO/IEC 8825-1 §8.1.3: definite length at `p` (short form or up to 3 length bytes); -1 when bad. */
function berLen(buf: Buffer, p: number, end: number): number {
  if (p >= end) return -1;
  const b = buf[p]!;
  if (b < 0x80) {
    lenOctets = 1;
    return b;
  }
  const n = b & 0x7f;
  if (n === 0 || n > 3 || p + 1 + n > end) return -1;
  lenOctets = 1 + n;
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + buf[p + i]!;
  return v;
}

/** A BER INTEGER as an unsigned number (counters are 0..2^32-1, some encoders add a 0 byte). */
function uint(buf: Buffer, p: number, len: number): number {
  if (len < 1 || len > 5 || (len === 5 && buf[p] !== 0)) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + buf[p + i]!;
  return v;
}

/** Parse the Ethernet payload of a GOOSE frame (after the EtherType, padding allowed). */
export function parseGooseFrame(buf: Buffer, off: number, len: number): GooseResult<GooseFrame> {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER_LEN + 2) return fail(GooseError.TRUNCATED, `${end - off} bytes`);
  const appid = buf.readUInt16BE(off);
  const length = buf.readUInt16BE(off + 2);
  if (length < HEADER_LEN + 2 || length > end - off)
    return fail(GooseError.BAD_LENGTH, `Length ${length} for ${end - off} bytes`);
  const r = parseGoosePdu(buf, off + HEADER_LEN, length - HEADER_LEN);
  if (!r.ok) return r;
  const simulated = (buf.readUInt16BE(off + 4) & RESERVED1_SIMULATE) !== 0;
  return { ok: true, msg: { appid, length, simulated, pdu: r.msg } };
}

/** Parse a goosePdu ([APPLICATION 1] SEQUENCE) at `buf[off, off + len)`. */
export function parseGoosePdu(buf: Buffer, off: number, len: number): GooseResult<GoosePdu> {
  const end = Math.min(off + len, buf.length);
  if (end - off < 2) return fail(GooseError.TRUNCATED, 'APDU shorter than a tag and length');
  if (buf[off] !== TAG_GOOSE_PDU) return fail(GooseError.BAD_PDU, `APDU tag 0x${buf[off]!.toString(16)}`);
  const seqLen = berLen(buf, off + 1, end);
  if (seqLen < 0) return fail(GooseError.BAD_BER, 'goosePdu length');
  let p = off + 1 + lenOctets;
  const seqEnd = p + seqLen;
  if (seqEnd > end) return fail(GooseError.TRUNCATED, `goosePdu of ${seqLen} bytes runs past the end`);
  const pdu: GoosePdu = {
    gocbRefOff: 0,
    gocbRefLen: -1,
    datSetOff: 0,
    datSetLen: -1,
    goIdOff: 0,
    goIdLen: -1,
    timeAllowedToLive: -1,
    t: -1,
    stNum: -1,
    sqNum: -1,
    simulation: false,
    confRev: -1,
    ndsCom: false,
    numDatSetEntries: -1,
    allDataCount: 0,
    secured: false,
  };
  while (p < seqEnd) {
    const tag = buf[p]!;
    const l = berLen(buf, p + 1, seqEnd);
    if (l < 0) return fail(GooseError.BAD_BER, `length of tag 0x${tag.toString(16)}`);
    const v = p + 1 + lenOctets;
    if (v + l > seqEnd) return fail(GooseError.TRUNCATED, `tag 0x${tag.toString(16)} runs past the PDU`);
    p = v + l;
    switch (tag) {
      case PduTag.GOCB_REF:
        pdu.gocbRefOff = v;
        pdu.gocbRefLen = l;
        break;
      case PduTag.DAT_SET:
        pdu.datSetOff = v;
        pdu.datSetLen = l;
        break;
      case PduTag.GO_ID:
        pdu.goIdOff = v;
        pdu.goIdLen = l;
        break;
      case PduTag.TIME_ALLOWED_TO_LIVE:
        pdu.timeAllowedToLive = uint(buf, v, l);
        break;
      case PduTag.T:
        // UtcTime (IEC 61850-8-1 §8.1.3.7): 4 bytes seconds, 3 bytes fraction, 1 quality byte.
        if (l === 8) pdu.t = buf.readUInt32BE(v) + buf.readUIntBE(v + 4, 3) / 0x1000000;
        break;
      case PduTag.ST_NUM:
        pdu.stNum = uint(buf, v, l);
        break;
      case PduTag.SQ_NUM:
        pdu.sqNum = uint(buf, v, l);
        break;
      case PduTag.SIMULATION:
        pdu.simulation = l >= 1 && buf[v] !== 0;
        break;
      case PduTag.CONF_REV:
        pdu.confRev = uint(buf, v, l);
        break;
      case PduTag.NDS_COM:
        pdu.ndsCom = l >= 1 && buf[v] !== 0;
        break;
      case PduTag.NUM_DAT_SET_ENTRIES:
        pdu.numDatSetEntries = uint(buf, v, l);
        break;
      case PduTag.ALL_DATA: {
        const n = countMembers(buf, v, v + l);
        if (n < 0) return fail(GooseError.BAD_BER, 'allData member');
        pdu.allDataCount = n;
        break;
      }
      case PduTag.SECURITY:
        pdu.secured = true;
        break;
      default:
        // Unknown tags are skipped (later editions may add some).
        break;
    }
  }
  if (pdu.gocbRefLen < 0 || pdu.stNum < 0 || pdu.sqNum < 0)
    return fail(GooseError.BAD_PDU, 'gocbRef, stNum or sqNum missing or malformed');
  return { ok: true, msg: pdu };
}

/** Top-level TLVs in `[p, end)`; -1 when one is malformed. */
function countMembers(buf: Buffer, p: number, end: number): number {
  let n = 0;
  while (p < end && n < MAX_DATA_ENTRIES) {
    const l = berLen(buf, p + 1, end);
    if (l < 0 || p + 1 + lenOctets + l > end) return -1;
    p += 1 + lenOctets + l;
    n++;
  }
  return n;
}

export interface RGoosePayload {
  tag: number;
  simulation: boolean;
  appid: number;
  /** Decoded for GOOSE payloads; an error value when the APDU is malformed. */
  pdu?: GooseResult<GoosePdu>;
}

export interface RGooseMessage {
  sessionId: number;
  spduNumber: number;
  version: number;
  keyId: number;
  /** An initialisation vector is present: the user information is encrypted, not decoded. */
  encrypted: boolean;
  payloads: RGoosePayload[];
}

/** Parse an R-GOOSE / R-SV UDP payload (IEC TR 61850-90-5 §11.3). */
export function parseRGoose(buf: Buffer, off: number, len: number): GooseResult<RGooseMessage> {
  const end = Math.min(off + len, buf.length);
  // CLTP(2) SI(1) LI(1) common id(1) HL(1) SPDU length(4) SPDU number(4) version(2)
  // time of current key(4) time of next key(2) key id(4) IV length(1)
  if (end - off < 30) return fail(GooseError.TRUNCATED, `${end - off} bytes`);
  if (buf[off] !== CLTP_LI || buf[off + 1] !== CLTP_UD)
    return fail(GooseError.BAD_SESSION, 'not a CLTP unit-data TPDU');
  const sessionId = buf[off + 2]!;
  if (sessionId < 0xa0 || sessionId > 0xa3)
    return fail(GooseError.BAD_SESSION, `session id 0x${sessionId.toString(16)}`);
  const li = buf[off + 3]!;
  if (buf[off + 4] !== COMMON_HEADER_ID) return fail(GooseError.BAD_SESSION, 'common session header id');
  const hl = buf[off + 5]!;
  const spduLen = buf.readUInt32BE(off + 6);
  if (off + 10 + spduLen > end)
    return fail(GooseError.BAD_LENGTH, `SPDU length ${spduLen} for ${end - off - 10} bytes`);
  const ivLen = buf[off + 26]!;
  if (hl !== 21 + ivLen || li !== hl + 2)
    return fail(GooseError.BAD_SESSION, `header lengths LI ${li} HL ${hl}`);
  const msg: RGooseMessage = {
    sessionId,
    spduNumber: buf.readUInt32BE(off + 10),
    version: buf.readUInt16BE(off + 14),
    keyId: buf.readUInt32BE(off + 22),
    encrypted: ivLen > 0,
    payloads: [],
  };
  const info = off + 4 + li;
  const spduEnd = off + 10 + spduLen;
  if (msg.encrypted) return { ok: true, msg };
  if (info + 4 > spduEnd) return fail(GooseError.TRUNCATED, 'session user information');
  const payloadLen = buf.readUInt32BE(info);
  const pend = info + 4 + payloadLen;
  if (pend > spduEnd) return fail(GooseError.BAD_LENGTH, `payload length ${payloadLen}`);
  let p = info + 4;
  while (p < pend && msg.payloads.length < MAX_PAYLOADS) {
    if (p + 6 > pend) return fail(GooseError.TRUNCATED, 'payload header');
    const tag = buf[p]!;
    const apduLen = buf.readUInt16BE(p + 4);
    const a = p + 6;
    if (a + apduLen > pend) return fail(GooseError.BAD_LENGTH, `APDU length ${apduLen}`);
    const pl: RGoosePayload = { tag, simulation: buf[p + 1] !== 0, appid: buf.readUInt16BE(p + 2) };
    if (tag === PayloadTag.GOOSE) pl.pdu = parseGoosePdu(buf, a, apduLen);
    msg.payloads.push(pl);
    p = a + apduLen;
  }
  return { ok: true, msg };
}
