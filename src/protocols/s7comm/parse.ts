/**
 * S7comm parser (protocol id 0x32, carried in COTP DT TSDUs on port 102).
 *
 * Siemens publishes no specification; the layout follows the public Wireshark S7comm
 * dissector: header (protocol id, ROSCTR, redundancy id, PDU reference, parameter and data
 * lengths, error class/code in Ack and Ack_Data), Job parameters (Setup communication, Read /
 * Write Var items in S7ANY syntax, block up/download file names, PI services, PLC stop) and
 * the Userdata parameter (method, type, function group, subfunction, sequence number, data
 * unit reference, last-data-unit flag, error code) and data header (return code, transport
 * size, length).
 *
 * Pure: bytes in, values or an error value out; never throws. Not parsed: item values,
 * non-S7ANY item addresses (named by syntax only), block contents, alarm and cyclic data
 * sets, the mode-transition userdata variant.
 */
import { HEADER, HEADER_ACK, PROTOCOL_ID, Rosctr, Syntax, UD_HEAD } from './consts.js';

export type S7ErrorCode = 'truncated' | 'bad_header' | 'bad_length';

export interface S7Userdata {
  /** 0x11 request, 0x12 response (also on continuation requests). */
  method: number;
  /** High nibble: 0 push, 4 request, 8 response. */
  type: number;
  group: number;
  subfunc: number;
  seq: number;
  /** Extended parameter (8 bytes after the head): carries the fields below. */
  extended: boolean;
  dataUnitRef: number;
  lastUnit: boolean;
  errorCode: number;
  /** Data header: return code (0xff success), transport size; -1 without data. */
  returnCode: number;
  transportSize: number;
  /** Data payload after the 4-byte data header. */
  payloadOff: number;
  payloadLen: number;
}

export interface S7Pdu {
  rosctr: number;
  pduRef: number;
  errorClass: number;
  errorCode: number;
  paramOff: number;
  paramLen: number;
  dataOff: number;
  dataLen: number;
  /** First parameter byte of a Job / Ack_Data (the function), -1 when there is none. */
  func: number;
  ud?: S7Userdata;
}

export type S7Parse = { ok: true; msg: S7Pdu } | { ok: false; code: S7ErrorCode; detail: string };

/** An empty PDU to parse into (`readS7`). */
export function emptyPdu(): S7Pdu {
  return {
    rosctr: 0,
    pduRef: 0,
    errorClass: 0,
    errorCode: 0,
    paramOff: 0,
    paramLen: 0,
    dataOff: 0,
    dataLen: 0,
    func: -1,
  };
}

/** Parse the S7comm PDU in `buf[off, off + len)`. */
export function parseS7(buf: Buffer, off: number, len: number): S7Parse {
  const msg = emptyPdu();
  const err = readS7(buf, off, len, msg);
  return err === undefined ? { ok: true, msg } : err;
}

/**
 * `parseS7` into a caller's PDU (the analyzer reuses one per flow: no allocation per PDU but
 * the userdata part); returns the error, or undefined when `msg` holds the PDU.
 */
export function readS7(
  buf: Buffer,
  off: number,
  len: number,
  msg: S7Pdu,
): { ok: false; code: S7ErrorCode; detail: string } | undefined {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER) return { ok: false, code: 'truncated', detail: `${end - off} bytes` };
  if (buf[off] !== PROTOCOL_ID)
    return { ok: false, code: 'bad_header', detail: `protocol id 0x${buf[off]!.toString(16)}` };
  const rosctr = buf[off + 1]!;
  const ack = rosctr === Rosctr.ACK || rosctr === Rosctr.ACK_DATA;
  if (!ack && rosctr !== Rosctr.JOB && rosctr !== Rosctr.USERDATA)
    return { ok: false, code: 'bad_header', detail: `ROSCTR ${rosctr}` };
  const hlen = ack ? HEADER_ACK : HEADER;
  if (end - off < hlen)
    return { ok: false, code: 'truncated', detail: `${end - off} bytes for a ${hlen}-byte header` };
  const paramLen = buf.readUInt16BE(off + 6);
  const dataLen = buf.readUInt16BE(off + 8);
  const paramOff = off + hlen;
  const dataOff = paramOff + paramLen;
  if (dataOff + dataLen > end)
    return {
      ok: false,
      code: 'bad_length',
      detail: `parameter ${paramLen} + data ${dataLen} bytes past a ${end - off}-byte PDU`,
    };
  msg.rosctr = rosctr;
  msg.pduRef = buf.readUInt16BE(off + 4);
  msg.errorClass = ack ? buf[off + 10]! : 0;
  msg.errorCode = ack ? buf[off + 11]! : 0;
  msg.paramOff = paramOff;
  msg.paramLen = paramLen;
  msg.dataOff = dataOff;
  msg.dataLen = dataLen;
  msg.func = rosctr !== Rosctr.USERDATA && paramLen > 0 ? buf[paramOff]! : -1;
  msg.ud = rosctr === Rosctr.USERDATA ? parseUserdata(buf, paramOff, paramLen, dataOff, dataLen) : undefined;
  return undefined;
}

function parseUserdata(
  buf: Buffer,
  p: number,
  plen: number,
  d: number,
  dlen: number,
): S7Userdata | undefined {
  // Head 00 01 12, parameter length (4 or 8), method, type|group, subfunction, sequence.
  if (plen < 8 || buf.readUIntBE(p, 3) !== UD_HEAD) return undefined;
  const extended = buf[p + 3]! >= 8 && plen >= 12;
  const ud: S7Userdata = {
    method: buf[p + 4]!,
    type: buf[p + 5]! >> 4,
    group: buf[p + 5]! & 0x0f,
    subfunc: buf[p + 6]!,
    seq: buf[p + 7]!,
    extended,
    dataUnitRef: extended ? buf[p + 8]! : 0,
    lastUnit: extended ? buf[p + 9] === 0 : true,
    errorCode: extended ? buf.readUInt16BE(p + 10) : 0,
    returnCode: -1,
    transportSize: -1,
    payloadOff: d,
    payloadLen: 0,
  };
  if (dlen >= 4) {
    ud.returnCode = buf[d]!;
    ud.transportSize = buf[d + 1]!;
    ud.payloadOff = d + 4;
    ud.payloadLen = Math.min(buf.readUInt16BE(d + 2), dlen - 4);
  }
  return ud;
}

/** One Read / Write Var item: S7ANY addresses decoded, other syntaxes named only. */
export interface S7Item {
  syntax: number;
  /** S7ANY: transport size, count, DB number, area, bit address (byte × 8 + bit). */
  size: number;
  count: number;
  db: number;
  area: number;
  address: number;
}

/** Read / Write Var parameter items (function, item count, items), or a reason they are malformed. */
export function parseItems(buf: Buffer, p: S7Pdu): { items: S7Item[]; total: number } | string {
  const end = p.paramOff + p.paramLen;
  if (p.paramLen < 2) return 'no item count';
  const total = buf[p.paramOff + 1]!;
  const items: S7Item[] = [];
  let q = p.paramOff + 2;
  for (let i = 0; i < total; i++) {
    // Variable specification 0x12, length of the address specification, syntax id.
    if (q + 3 > end) return `item ${i + 1} of ${total} cut short`;
    const alen = buf[q + 1]!;
    if (q + 2 + alen > end) return `item ${i + 1} address of ${alen} bytes runs past the parameter`;
    const syntax = buf[q + 2]!;
    if (syntax === Syntax.S7ANY && alen >= 10) {
      items.push({
        syntax,
        size: buf[q + 3]!,
        count: buf.readUInt16BE(q + 4),
        db: buf.readUInt16BE(q + 6),
        area: buf[q + 8]!,
        address: buf.readUIntBE(q + 9, 3),
      });
    } else {
      items.push({ syntax, size: 0, count: 0, db: 0, area: 0, address: 0 });
    }
    q += 2 + alen;
  }
  return { items, total };
}

/**
 * Whether every item of a Read / Write Var response succeeded: Ack_Data data holds, per
 * item, a return code (0xff success) — for Read Var followed by transport size, length and
 * the value padded to an even length (except the last).
 */
export function itemsOk(buf: Buffer, p: S7Pdu, read: boolean): boolean {
  const count = p.paramLen >= 2 ? buf[p.paramOff + 1]! : 0;
  const end = p.dataOff + p.dataLen;
  let q = p.dataOff;
  for (let i = 0; i < count; i++) {
    if (q >= end) return false;
    if (buf[q] !== 0xff) return false;
    if (!read) {
      q++;
      continue;
    }
    if (q + 4 > end) return false;
    const ts = buf[q + 1]!;
    const raw = buf.readUInt16BE(q + 2);
    // Transport sizes BIT, BYTE/WORD/DWORD and INTEGER give their length in bits.
    const n = ts === 3 || ts === 4 || ts === 5 ? (raw + 7) >> 3 : raw;
    q += 4 + n + (i < count - 1 ? n & 1 : 0);
  }
  return true;
}

/**
 * The file name of an up/download job: function, status, 2 unknown bytes, 4-byte id, name
 * length, name (`_0A00001P`: complete module, block type "0A", number, destination).
 */
export function blockFileName(buf: Buffer, p: S7Pdu): string | undefined {
  const at = p.paramOff + 8;
  const end = p.paramOff + p.paramLen;
  if (at >= end) return undefined;
  const n = buf[at]!;
  if (n === 0 || at + 1 + n > end) return undefined;
  return buf.toString('latin1', at + 1, at + 1 + n);
}

/** Upload id of Start upload's Ack_Data and of Upload / End upload jobs (bytes 4–7 of the parameter). */
export function uploadId(buf: Buffer, p: S7Pdu): number {
  return p.paramLen >= 8 ? buf.readUInt32BE(p.paramOff + 4) : -1;
}

/**
 * PI service (0x28): function, 7 unknown bytes, parameter block length (2), parameter block,
 * service name length, service name. The parameter block of _INSE/_DELE lists blocks
 * (count, reserved, then 8-character names `0A00001P`); others carry short text arguments.
 */
export function piService(buf: Buffer, p: S7Pdu): { service: string; args: string } | undefined {
  const end = p.paramOff + p.paramLen;
  const at = p.paramOff + 8;
  if (at + 2 > end) return undefined;
  const blen = buf.readUInt16BE(at);
  const nameAt = at + 2 + blen;
  if (nameAt >= end) return undefined;
  const n = buf[nameAt]!;
  if (n === 0 || nameAt + 1 + n > end) return undefined;
  return {
    service: buf.toString('latin1', nameAt + 1, nameAt + 1 + n),
    args: buf.toString('latin1', at + 2, nameAt),
  };
}

/** PLC Stop (0x29): function, 5 unknown bytes, name length, name (`P_PROGRAM`). */
export function stopService(buf: Buffer, p: S7Pdu): string | undefined {
  const end = p.paramOff + p.paramLen;
  const at = p.paramOff + 6;
  if (at >= end) return undefined;
  const n = buf[at]!;
  if (n === 0 || at + 1 + n > end) return undefined;
  return buf.toString('latin1', at + 1, at + 1 + n);
}

/** Setup communication (0xf0): function, reserved, max AmQ calling, max AmQ called, PDU length. */
export function setupCommunication(
  buf: Buffer,
  p: S7Pdu,
): { amqCalling: number; amqCalled: number; pduLength: number } | undefined {
  if (p.paramLen < 8) return undefined;
  const q = p.paramOff;
  return {
    amqCalling: buf.readUInt16BE(q + 2),
    amqCalled: buf.readUInt16BE(q + 4),
    pduLength: buf.readUInt16BE(q + 6),
  };
}

/** Read SZL request data: SZL id and index (after the 4-byte data header). */
export function szlRequest(buf: Buffer, ud: S7Userdata): { id: number; index: number } | undefined {
  if (ud.payloadLen < 4) return undefined;
  return { id: buf.readUInt16BE(ud.payloadOff), index: buf.readUInt16BE(ud.payloadOff + 2) };
}
