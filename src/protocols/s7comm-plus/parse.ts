/**
 * S7comm-plus parser (protocol id 0x72, in COTP DT TSDUs on port 102; S7-1200/1500, TIA Portal).
 *
 * Layout (after the public S7comm-plus Wireshark plugin): header 0x72, protocol version, data
 * length (2); V3 data start with the integrity part (digest length 32 + HMAC digest); a
 * message split over several TSDUs repeats the header on each fragment and only the last has
 * the 4-byte trailer (0x72, version, 0x0000). Data of the first fragment: opcode (request 0x31,
 * response 0x32, notification 0x33), reserved (2), function code (2), reserved (2), sequence
 * number (2); requests then carry the session id (4) and a transport-flags byte, responses the
 * flags byte and a VLQ64 return value whose low 16 bits are a signed error code (< 0: error).
 * Numbers in the body are VLQ (7 bits per byte, high bit = more).
 *
 * Pure; never throws. Not parsed: value trees beyond the few fields operations need (object
 * ids, attribute ids, DInt/UDInt values, item addresses), notifications' contents, V3
 * digests (integrity protected, not encrypted: the data stay readable), TLS-protected
 * sessions (TIA Portal V17+).
 */
import { DIGEST_LEN, HEADER, Opcode, PROTOCOL_ID, TRAILER, Version } from './consts.js';

export type S7pErrorCode = 'truncated' | 'bad_version' | 'bad_length' | 'bad_integrity';

export interface S7pFrame {
  version: number;
  keepAlive: boolean;
  /** Data of this fragment (after header and, in V3, the integrity part). */
  dataOff: number;
  dataEnd: number;
  /** The trailer follows: this fragment ends its message. */
  last: boolean;
}

export type S7pFrameParse = { ok: true; frame: S7pFrame } | { ok: false; code: S7pErrorCode; detail: string };

/** One S7comm-plus frame (header, data, optional trailer) in `buf[off, off + len)`. */
export function parseFrame(buf: Buffer, off: number, len: number): S7pFrameParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER) return { ok: false, code: 'truncated', detail: `${end - off} bytes` };
  if (buf[off] !== PROTOCOL_ID) return { ok: false, code: 'bad_version', detail: 'no 0x72 protocol id' };
  const version = buf[off + 1]!;
  if (version === Version.KEEPALIVE || version === Version.KEEPALIVE_EXT) {
    return {
      ok: true,
      frame: { version, keepAlive: true, dataOff: off + HEADER, dataEnd: off + HEADER, last: true },
    };
  }
  if (version !== Version.V1 && version !== Version.V2 && version !== Version.V3)
    return { ok: false, code: 'bad_version', detail: `version 0x${version.toString(16)}` };
  const dlen = buf.readUInt16BE(off + 2);
  const dataEnd = off + HEADER + dlen;
  if (dataEnd > end)
    return { ok: false, code: 'bad_length', detail: `${dlen} data bytes in a ${end - off}-byte TSDU` };
  let dataOff = off + HEADER;
  if (version === Version.V3) {
    if (dlen < 1 + DIGEST_LEN || buf[dataOff] !== DIGEST_LEN)
      return { ok: false, code: 'bad_integrity', detail: `integrity digest length ${buf[dataOff]}` };
    dataOff += 1 + DIGEST_LEN;
  }
  const last = dataEnd + TRAILER <= end && buf[dataEnd] === PROTOCOL_ID;
  return { ok: true, frame: { version, keepAlive: false, dataOff, dataEnd, last } };
}

export interface S7pMessage {
  opcode: number;
  /** Function code; -1 for notifications. */
  func: number;
  seq: number;
  /** Requests: the session id (the connect-time CreateObject names the session container 288). */
  sessionId: number;
  /** First byte after the transport flags (requests, responses). */
  bodyOff: number;
  /** Responses: the return value's error code (low 16 bits, signed); 0 otherwise. */
  errorCode: number;
}

export type S7pMessageParse =
  | { ok: true; msg: S7pMessage }
  | { ok: false; code: S7pErrorCode; detail: string };

/** The message header at the start of a first fragment's data `buf[off, off + len)`. */
export function parseMessage(buf: Buffer, off: number, len: number): S7pMessageParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 1) return { ok: false, code: 'truncated', detail: 'no opcode' };
  const opcode = buf[off]!;
  if (opcode === Opcode.NOTIFICATION) {
    return { ok: true, msg: { opcode, func: -1, seq: -1, sessionId: -1, bodyOff: off + 1, errorCode: 0 } };
  }
  const request = opcode === Opcode.REQUEST;
  const need = request ? 14 : 10;
  if (end - off < need)
    return { ok: false, code: 'truncated', detail: `${end - off} bytes of message header` };
  const msg: S7pMessage = {
    opcode,
    func: buf.readUInt16BE(off + 3),
    seq: buf.readUInt16BE(off + 7),
    sessionId: request ? buf.readUInt32BE(off + 9) : -1,
    bodyOff: off + need,
    errorCode: 0,
  };
  if (!request) msg.errorCode = returnCode(buf, msg.bodyOff, end);
  return { ok: true, msg };
}

/** Low 16 bits (signed) of a VLQ64 return value: the error code. */
function returnCode(buf: Buffer, off: number, end: number): number {
  let v = 0;
  for (let i = 0; i < 9 && off + i < end; i++) {
    const b = buf[off + i]!;
    if (i === 8) {
      v = (v * 256 + b) % 65536;
      break;
    }
    v = (v * 128 + (b & 0x7f)) % 65536;
    if ((b & 0x80) === 0) break;
  }
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** A VLQ32 (up to 5 bytes): the value and the offset after it, or undefined when cut short. */
export function vlq(buf: Buffer, off: number, end: number): { value: number; next: number } | undefined {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (off + i >= end) return undefined;
    const b = buf[off + i]!;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return { value: v >>> 0, next: off + i + 1 };
  }
  return undefined;
}

/** A signed VLQ32 (DInt): bit 6 of the first byte is the sign (two's complement from −64). */
export function svlq(buf: Buffer, off: number, end: number): { value: number; next: number } | undefined {
  if (off >= end) return undefined;
  const first = buf[off]!;
  let v = (first & 0x40 ? -64 : 0) + (first & 0x3f);
  if ((first & 0x80) === 0) return { value: v, next: off + 1 };
  for (let i = 1; i < 5; i++) {
    if (off + i >= end) return undefined;
    const b = buf[off + i]!;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return { value: v | 0, next: off + i + 1 };
  }
  return undefined;
}

/** A 4-byte big-endian object id at `off`, or -1 when cut short. */
export function objectId(buf: Buffer, off: number, end: number): number {
  return off + 4 <= end ? buf.readUInt32BE(off) : -1;
}

/**
 * SetVariable request body: object id (4), item count (VLQ), then attribute id (VLQ), value
 * flags and data type, value. Only integer values are read.
 */
export function setVariable(
  buf: Buffer,
  off: number,
  end: number,
): { object: number; attribute: number; value?: number } | undefined {
  const object = objectId(buf, off, end);
  if (object < 0) return undefined;
  const count = vlq(buf, off + 4, end);
  if (count === undefined) return undefined;
  const attr = vlq(buf, count.next, end);
  if (attr === undefined) return { object, attribute: -1 };
  const t = attr.next + 1;
  if (t >= end) return { object, attribute: attr.value };
  const type = buf[t]!;
  const v = type === 0x08 ? svlq(buf, t + 1, end) : type === 0x04 ? vlq(buf, t + 1, end) : undefined;
  return v === undefined
    ? { object, attribute: attr.value }
    : { object, attribute: attr.value, value: v.value };
}

/**
 * Variable addresses of GetMultiVariables / SetMultiVariables by symbol CRC: object id 0 (4),
 * item count, number of fields, then per item symbol CRC, access area, LID count, base area,
 * LIDs — all VLQ. Returns the count and the first item's area (DB number or I/Q/M/C/T), or
 * the object id the variables are read in.
 */
export function variableAddresses(
  buf: Buffer,
  off: number,
  end: number,
): { object: number; count: number; area: number } | undefined {
  const object = objectId(buf, off, end);
  if (object < 0) return undefined;
  const count = vlq(buf, off + 4, end);
  if (count === undefined) return undefined;
  if (object !== 0) return { object, count: count.value, area: -1 };
  const fields = vlq(buf, count.next, end);
  const crc = fields && vlq(buf, fields.next, end);
  const area = crc && vlq(buf, crc.next, end);
  return { object, count: count.value, area: area?.value ?? -1 };
}

/**
 * The server's version string in a connect-time CreateObject response: attribute 319 of the
 * ServerSessionVersion struct, a WString `<n>;<order number>;<version>` — found by its id
 * (VLQ 0x82 0x3f), flags 0 and type 0x15 within the first `max` bytes.
 */
export function serverVersionString(buf: Buffer, off: number, end: number, max: number): string | undefined {
  const stop = Math.min(end, off + max) - 5;
  for (let p = off; p < stop; p++) {
    if (buf[p] !== 0x82 || buf[p + 1] !== 0x3f || buf[p + 2] !== 0x00 || buf[p + 3] !== 0x15) continue;
    const n = vlq(buf, p + 4, end);
    if (n === undefined || n.value === 0 || n.next + n.value > end || n.value > 256) continue;
    return buf.toString('utf8', n.next, n.next + n.value);
  }
  return undefined;
}
