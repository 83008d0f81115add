/**
 * SNMP parser: the v1/v2c message (RFC 1157 §4, RFC 3416 §3), the v3 message (RFC 3412 §6,
 * USM parameters RFC 3414 §2.4) and the PDU with its variable bindings, in bounded BER
 * (X.690 §8.1: definite lengths of at most 3 length octets, no indefinite form; a fixed walk,
 * so the nesting depth is that of the message; at most MAX_VARBINDS bindings and MAX_OID_ARCS
 * arcs per OID). The community string is never kept: only whether it is one of the defaults.
 * Pure; never throws. Not parsed: v1 trap fields beyond the enterprise, encrypted v3 PDUs,
 * value types other than OCTET STRING and OBJECT IDENTIFIER (kept as raw offsets).
 */
import {
  DEFAULT_COMMUNITIES,
  MAX_OID_ARCS,
  MAX_TEXT,
  MAX_VARBINDS,
  Pdu,
  SnmpError,
  type SnmpErrorCode,
  Tag,
} from './consts.js';

export interface Varbind {
  oid: string;
  /** Value TLV tag and content offsets into the buffer. */
  tag: number;
  valueOff: number;
  valueLen: number;
}

export interface SnmpMessage {
  /** 0 = v1, 1 = v2c, 3 = v3. */
  version: number;
  /** v1/v2c: a community was given; `defaultCommunity` when it is a well-known default. */
  community: boolean;
  defaultCommunity: boolean;
  /** v3: msgFlags auth/priv bits, authoritative engine id (hex), whether the PDU was encrypted. */
  v3?: { auth: boolean; priv: boolean; engineId: string; encrypted: boolean };
  /** PDU tag (0xa0-0xa8), -1 when encrypted. */
  pdu: number;
  requestId: number;
  errorStatus: number;
  varbinds: Varbind[];
}

export type SnmpParse = { ok: true; msg: SnmpMessage } | { ok: false; code: SnmpErrorCode; detail: string };

interface Tlv {
  tag: number;
  off: number;
  len: number;
  end: number;
}

/** A TLV at `p` within `end`, or a reason. */
export function readTlv(buf: Buffer, p: number, end: number): Tlv | string {
  if (p + 2 > end) return `TLV at ${p} cut short`;
  const tag = buf[p]!;
  if ((tag & 0x1f) === 0x1f) return `multi-byte tag at ${p}`;
  let l = buf[p + 1]!;
  let q = p + 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n === 0 || n > 3) return `length form 0x${l.toString(16)} at ${p}`;
    if (q + n > end) return `length at ${p} cut short`;
    l = buf.readUIntBE(q, n);
    q += n;
  }
  if (q + l > end) return `TLV at ${p} of ${l} bytes past its container`;
  return { tag, off: q, len: l, end: q + l };
}

function int(buf: Buffer, t: Tlv): number {
  if (t.len === 0 || t.len > 6) return 0;
  return buf.readIntBE(t.off, t.len);
}

/** Dotted OID text, or undefined when malformed or longer than MAX_OID_ARCS. */
export function oidText(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 1 || len > MAX_OID_ARCS * 5) return undefined;
  const arcs: number[] = [];
  let v = 0;
  let bytes = 0;
  for (let i = off; i < off + len; i++) {
    const b = buf[i]!;
    if (++bytes > 5) return undefined;
    v = v * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
    else arcs.push(v);
    if (arcs.length > MAX_OID_ARCS) return undefined;
    v = 0;
    bytes = 0;
  }
  return bytes === 0 ? arcs.join('.') : undefined;
}

/** Printable text of an OCTET STRING value (control bytes to spaces), capped. */
export function valueText(buf: Buffer, off: number, len: number): string {
  const n = Math.min(len, MAX_TEXT);
  let s = '';
  for (let i = off; i < off + n; i++) {
    const c = buf[i]!;
    s += c < 0x20 || c === 0x7f ? ' ' : String.fromCharCode(c);
  }
  return s.trim();
}

const fail = (code: SnmpErrorCode, detail: string): SnmpParse => ({ ok: false, code, detail });

export function parseSnmp(buf: Buffer, off: number, len: number): SnmpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 8) return fail(SnmpError.TOO_SHORT, `${end - off} bytes`);
  const top = readTlv(buf, off, end);
  if (typeof top === 'string') return fail(SnmpError.BAD_BER, top);
  if (top.tag !== Tag.SEQUENCE) return fail(SnmpError.BAD_MESSAGE, `message tag 0x${top.tag.toString(16)}`);
  const ver = readTlv(buf, top.off, top.end);
  if (typeof ver === 'string') return fail(SnmpError.BAD_BER, ver);
  if (ver.tag !== Tag.INTEGER) return fail(SnmpError.BAD_MESSAGE, 'no version');
  const version = int(buf, ver);
  const msg: SnmpMessage = {
    version,
    community: false,
    defaultCommunity: false,
    pdu: -1,
    requestId: 0,
    errorStatus: 0,
    varbinds: [],
  };
  let p = ver.end;
  if (version === 0 || version === 1) {
    const c = readTlv(buf, p, top.end);
    if (typeof c === 'string') return fail(SnmpError.BAD_BER, c);
    if (c.tag !== Tag.OCTET_STRING) return fail(SnmpError.BAD_MESSAGE, 'no community');
    msg.community = true;
    msg.defaultCommunity = DEFAULT_COMMUNITIES.some(
      (d) => d.length === c.len && buf.compare(d, 0, d.length, c.off, c.end) === 0,
    );
    p = c.end;
  } else if (version === 3) {
    const r = v3Header(buf, p, top.end, msg);
    if (typeof r === 'string') return fail(SnmpError.BAD_MESSAGE, r);
    if (msg.v3!.encrypted) return { ok: true, msg };
    p = r;
  } else return fail(SnmpError.BAD_MESSAGE, `version ${version}`);
  const pdu = readTlv(buf, p, top.end);
  if (typeof pdu === 'string') return fail(SnmpError.BAD_BER, pdu);
  if (pdu.tag < Pdu.GET || pdu.tag > Pdu.REPORT)
    return fail(SnmpError.BAD_MESSAGE, `PDU tag 0x${pdu.tag.toString(16)}`);
  msg.pdu = pdu.tag;
  const r = pdu.tag === Pdu.TRAP ? trapV1(buf, pdu, msg) : pduBody(buf, pdu, msg);
  return r === undefined ? { ok: true, msg } : fail(SnmpError.BAD_BER, r);
}

/** RFC 3412 §6: msgGlobalData, msgSecurityParameters (USM), then a ScopedPDU or encrypted OCTET STRING. */
function v3Header(buf: Buffer, p: number, end: number, msg: SnmpMessage): number | string {
  const g = readTlv(buf, p, end);
  if (typeof g === 'string' || g.tag !== Tag.SEQUENCE) return 'no msgGlobalData';
  let q = g.off;
  let flags = 0;
  for (let i = 0; i < 4; i++) {
    const t = readTlv(buf, q, g.end);
    if (typeof t === 'string') return t;
    if (i === 2 && t.tag === Tag.OCTET_STRING && t.len >= 1) flags = buf[t.off]!;
    q = t.end;
  }
  const sp = readTlv(buf, g.end, end);
  if (typeof sp === 'string' || sp.tag !== Tag.OCTET_STRING) return 'no msgSecurityParameters';
  let engineId = '';
  const usm = readTlv(buf, sp.off, sp.end);
  if (typeof usm !== 'string' && usm.tag === Tag.SEQUENCE) {
    const e = readTlv(buf, usm.off, usm.end);
    if (typeof e !== 'string' && e.tag === Tag.OCTET_STRING && e.len <= 32)
      engineId = buf.toString('hex', e.off, e.end);
  }
  const data = readTlv(buf, sp.end, end);
  if (typeof data === 'string') return data;
  const encrypted = data.tag === Tag.OCTET_STRING;
  msg.v3 = { auth: (flags & 1) !== 0, priv: (flags & 2) !== 0, engineId, encrypted };
  if (encrypted) return data.end;
  if (data.tag !== Tag.SEQUENCE) return 'no ScopedPDU';
  // contextEngineID, contextName, then the PDU.
  let c = data.off;
  for (let i = 0; i < 2; i++) {
    const t = readTlv(buf, c, data.end);
    if (typeof t === 'string') return t;
    c = t.end;
  }
  return c;
}

/** request-id, error-status, error-index (or non-repeaters, max-repetitions), variable-bindings. */
function pduBody(buf: Buffer, pdu: Tlv, msg: SnmpMessage): string | undefined {
  let p = pdu.off;
  for (let i = 0; i < 3; i++) {
    const t = readTlv(buf, p, pdu.end);
    if (typeof t === 'string') return t;
    if (t.tag !== Tag.INTEGER) return `PDU field ${i} tag 0x${t.tag.toString(16)}`;
    if (i === 0) msg.requestId = int(buf, t);
    if (i === 1) msg.errorStatus = int(buf, t);
    p = t.end;
  }
  return varbinds(buf, p, pdu.end, msg);
}

/** RFC 1157 Trap-PDU: enterprise, agent-addr, generic, specific, time-stamp, variable-bindings. */
function trapV1(buf: Buffer, pdu: Tlv, msg: SnmpMessage): string | undefined {
  let p = pdu.off;
  for (let i = 0; i < 5; i++) {
    const t = readTlv(buf, p, pdu.end);
    if (typeof t === 'string') return t;
    p = t.end;
  }
  return varbinds(buf, p, pdu.end, msg);
}

function varbinds(buf: Buffer, p: number, end: number, msg: SnmpMessage): string | undefined {
  const list = readTlv(buf, p, end);
  if (typeof list === 'string') return list;
  if (list.tag !== Tag.SEQUENCE) return 'no variable-bindings';
  let q = list.off;
  while (q < list.end && msg.varbinds.length < MAX_VARBINDS) {
    const vb = readTlv(buf, q, list.end);
    if (typeof vb === 'string') return vb;
    const name = readTlv(buf, vb.off, vb.end);
    if (typeof name === 'string') return name;
    if (name.tag !== Tag.OID) return 'binding without a name';
    const oid = oidText(buf, name.off, name.len);
    if (oid === undefined) return 'malformed OID';
    const value = readTlv(buf, name.end, vb.end);
    if (typeof value === 'string') return value;
    msg.varbinds.push({ oid, tag: value.tag, valueOff: value.off, valueLen: value.len });
    q = vb.end;
  }
  return undefined;
}
