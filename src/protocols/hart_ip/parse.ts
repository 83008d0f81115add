/**
 * HART-IP parser: the HCF_SPEC-085 §10.2 header and, inside token-passing PDU messages, the
 * HART frame of HCF_SPEC-081 §5 (delimiter, short or long address, expansion bytes, command,
 * byte count, response code and device status in slave frames, data, check byte).
 *
 * Pure: bytes in, a message or an error value out; never throws. Decodes the identity of
 * command 0/11/21 responses (HCF_SPEC-127 §6.1: expanded device type, revisions, device id,
 * manufacturer), command 20 (long tag) and command 13 (packed-ASCII tag). Not parsed: session
 * initiate parameters, audit logs, other commands' data, extended (31) command numbers.
 */
import { FrameType, HartError, type HartErrorCode, HEADER_LEN, MAX_MESSAGE, MsgId } from './consts.js';

export interface HartIpHeader {
  version: number;
  type: number;
  id: number;
  status: number;
  sequence: number;
  /** Byte count: the whole message, header included. */
  length: number;
}

export interface HartPdu {
  frameType: number;
  longAddress: boolean;
  /** Long: 5 bytes hex with the master/burst bits masked; short: the polling address. */
  address: string;
  command: number;
  /** Slave frames (ACK, BACK) only. */
  responseCode?: number;
  deviceStatus?: number;
  /** Command data (after response code and status in slave frames), offsets into the buffer. */
  dataOff: number;
  dataLen: number;
  checksumOk: boolean;
}

export interface HartIpMessage {
  header: HartIpHeader;
  pdu?: HartPdu;
}

export type HartParse = { ok: true; msg: HartIpMessage } | { ok: false; code: HartErrorCode; detail: string };

const fail = (code: HartErrorCode, detail: string): HartParse => ({ ok: false, code, detail });

/** Header checks shared by the parser, the framer and the probe. */
export function validHeader(buf: Buffer, off: number): boolean {
  const v = buf[off]!;
  const type = buf[off + 1]!;
  const id = buf[off + 2]!;
  const n = buf.readUInt16BE(off + 6);
  return (
    (v === 1 || v === 2) &&
    (type <= 3 || type === 15) &&
    (id <= MsgId.DIRECT_PDU || id === MsgId.READ_AUDIT_LOG) &&
    n >= HEADER_LEN &&
    n <= MAX_MESSAGE
  );
}

/** Stream framer measure: the header's byte count, 0 while the header is incomplete, -1 when it is bad. */
export function measureHartIp(buf: Buffer, off: number, avail: number): number {
  if (avail < HEADER_LEN) return 0;
  return validHeader(buf, off) ? buf.readUInt16BE(off + 6) : -1;
}

/** One HART-IP message in `buf[off, off + len)` (a datagram may carry trailing bytes: ignored). */
export function parseHartIp(buf: Buffer, off: number, len: number): HartParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER_LEN) return fail(HartError.TOO_SHORT, `${end - off} bytes`);
  if (!validHeader(buf, off))
    return fail(
      HartError.BAD_HEADER,
      `version ${buf[off]} type ${buf[off + 1]} id ${buf[off + 2]} count ${buf.readUInt16BE(off + 6)}`,
    );
  const header: HartIpHeader = {
    version: buf[off]!,
    type: buf[off + 1]!,
    id: buf[off + 2]!,
    status: buf[off + 3]!,
    sequence: buf.readUInt16BE(off + 4),
    length: buf.readUInt16BE(off + 6),
  };
  if (off + header.length > end)
    return fail(HartError.BAD_LENGTH, `byte count ${header.length} past ${end - off} bytes`);
  if (header.id !== MsgId.TOKEN_PASSING_PDU || header.length === HEADER_LEN)
    return { ok: true, msg: { header } };
  const pdu = parsePdu(buf, off + HEADER_LEN, off + header.length);
  if (typeof pdu === 'string') return fail(HartError.BAD_PDU, pdu);
  return { ok: true, msg: { header, pdu } };
}

/** HCF_SPEC-081 §5: a frame without preambles (HART-IP carries none). An error text when malformed. */
function parsePdu(buf: Buffer, s: number, end: number): HartPdu | string {
  if (end - s < 4) return `PDU of ${end - s} bytes`;
  const delim = buf[s]!;
  const frameType = delim & 0x07;
  if (frameType !== FrameType.STX && frameType !== FrameType.ACK && frameType !== FrameType.BACK)
    return `delimiter 0x${delim.toString(16)}`;
  const longAddress = (delim & 0x80) !== 0;
  const expansion = (delim >>> 5) & 0x03;
  let p = s + 1;
  let address: string;
  if (longAddress) {
    if (p + 5 > end) return 'long address cut short';
    address = (buf[p]! & 0x3f).toString(16).padStart(2, '0') + buf.toString('hex', p + 1, p + 5);
    p += 5;
  } else {
    address = String(buf[p]! & 0x3f);
    p += 1;
  }
  p += expansion;
  if (p + 2 > end) return 'command and byte count cut short';
  const command = buf[p]!;
  const count = buf[p + 1]!;
  p += 2;
  if (p + count + 1 > end) return `byte count ${count} past the PDU`;
  let check = 0;
  for (let i = s; i < p + count; i++) check ^= buf[i]!;
  const pdu: HartPdu = {
    frameType,
    longAddress,
    address,
    command,
    dataOff: p,
    dataLen: count,
    checksumOk: check === buf[p + count],
  };
  if (frameType !== FrameType.STX) {
    if (count < 2) return `slave frame with ${count} data bytes`;
    pdu.responseCode = buf[p]!;
    pdu.deviceStatus = buf[p + 1]!;
    pdu.dataOff = p + 2;
    pdu.dataLen = count - 2;
  }
  return pdu;
}

export interface HartIdentity {
  /** Expanded device type (HART 7) or manufacturer << 8 | device type (HART 5/6). */
  deviceType: number;
  manufacturer: number;
  universalRevision: number;
  deviceRevision: number;
  softwareRevision: number;
  /** 3 bytes hex. */
  deviceId: string;
}

/**
 * Command 0 (and 11, 21) response data (HCF_SPEC-127 §6.1): 254, device type (2), preambles,
 * universal rev, device rev, software rev, hardware rev, flags, device id (3); HART 7 adds
 * preambles, variables, change counter, extended status, manufacturer (2) at 17.
 */
export function parseIdentity(buf: Buffer, off: number, len: number): HartIdentity | undefined {
  if (len < 12 || off + len > buf.length || buf[off] !== 254) return undefined;
  const deviceType = buf.readUInt16BE(off + 1);
  const universalRevision = buf[off + 4]!;
  const manufacturer =
    universalRevision >= 7 && len >= 19 ? buf.readUInt16BE(off + 17) : (deviceType >>> 8) & 0xff;
  return {
    deviceType,
    manufacturer,
    universalRevision,
    deviceRevision: buf[off + 5]!,
    softwareRevision: buf[off + 6]!,
    deviceId: buf.toString('hex', off + 9, off + 12),
  };
}

/** Command 20 response: a 32-byte ISO Latin-1 long tag, NUL/space padded. */
export function parseLongTag(buf: Buffer, off: number, len: number): string {
  return latin1(buf, off, Math.min(len, 32));
}

/** Command 13 response: the first 6 bytes are the tag in packed ASCII (HCF_SPEC-081 Annex). */
export function parsePackedTag(buf: Buffer, off: number, len: number): string {
  if (len < 6 || off + 6 > buf.length) return '';
  let out = '';
  for (let g = 0; g < 6; g += 3) {
    const v = (buf[off + g]! << 16) | (buf[off + g + 1]! << 8) | buf[off + g + 2]!;
    for (let k = 18; k >= 0; k -= 6) {
      const c = (v >>> k) & 0x3f;
      // 6-bit code: bit 5 clear means 0x40 is added (letters and '@'), set means taken as is.
      out += String.fromCharCode(c & 0x20 ? c : c | 0x40);
    }
  }
  // '@' is the packed code 0: the tag's padding.
  return out.replace(/[@ ]+$/, '');
}

function latin1(buf: Buffer, off: number, len: number): string {
  const end = Math.min(off + len, buf.length);
  let out = '';
  for (let i = off; i < end; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    // Control bytes are dropped from tags.
    if (c >= 0x20 && c !== 0x7f) out += String.fromCharCode(c);
  }
  return out.trim();
}
