/**
 * BACnet/IP parser: BVLC (ANSI/ASHRAE 135-2020 Annex J.2: type 0x81, function, length;
 * Forwarded-NPDU's originating B/IP address J.2.9; BVLC-Result J.2.1), NPDU (§6.2: version 1,
 * control, DNET/DLEN/DADR, SNET/SLEN/SADR, hop count, network layer message type and vendor
 * id) and the APDU header (§20.1.2–§20.1.9: type, segmentation flags, invoke id, sequence
 * number, service choice, reject/abort reason). Services are decoded in services.ts.
 *
 * Pure: bytes in, a message or an error value out; never throws. A caller may pass a reusable
 * `BacnetMessage` so the hot path allocates nothing. Not parsed: BACnet/IPv6 (type 0x82),
 * Secure-BVLL, BDT/FDT contents, segment reassembly (only the first segment's service data is
 * looked at).
 */
import { BacnetError, type BacnetErrorCode, BVLL_TYPE_IP, Bvlc, Npci, Pdu } from './consts.js';

export type BacnetFail = { ok: false; code: BacnetErrorCode; detail: string };

function fail(code: BacnetErrorCode, detail: string): BacnetFail {
  return { ok: false, code, detail };
}

export class BacnetMessage {
  readonly ok = true;
  bvlc = 0;
  /** The BVLC length field (the message ends at the datagram's end when it claims more). */
  bvlcLength = 0;
  /** Forwarded-NPDU: the originating IPv4 address (unsigned) and port, else -1. */
  origin = -1;
  originPort = -1;
  /** BVLC-Result code, else -1. */
  result = -1;
  /** An NPDU follows the BVLC header. */
  npdu = false;
  control = 0;
  dnet = -1;
  snet = -1;
  /** SADR / DADR as offsets and lengths into the buffer (length 0: absent or broadcast). */
  sadrOff = 0;
  sadrLen = 0;
  dadrLen = 0;
  /** Network layer message type, -1 for an APDU. */
  netMsg = -1;
  /** Start of the APDU (or of the network message's contents) and end of the message. */
  apduOff = 0;
  end = 0;
  pdu = -1;
  /** Low nibble of the first APDU octet (SEG, MOR, SA / NAK, SRV flags). */
  flags = 0;
  invoke = -1;
  /** Segment sequence number of a segmented request or Complex-ACK, else -1. */
  seq = -1;
  /** Service choice, or the reject/abort reason for those PDUs; -1 when absent. */
  service = -1;
  /** Start of the service's parameters. */
  dataOff = 0;
  get segmented(): boolean {
    return (this.pdu === Pdu.CONFIRMED || this.pdu === Pdu.COMPLEX_ACK) && (this.flags & 0x08) !== 0;
  }
}

export type BacnetParse = BacnetMessage | BacnetFail;

/** Parse one BACnet/IP datagram in `buf[off, off + len)`. */
export function parseBacnet(buf: Buffer, off: number, len: number, out?: BacnetMessage): BacnetParse {
  const end0 = Math.min(off + len, buf.length);
  if (end0 - off < 4) return fail(BacnetError.TRUNCATED, `${Math.max(0, end0 - off)} bytes, BVLC needs 4`);
  if (buf[off] !== BVLL_TYPE_IP) return fail(BacnetError.BAD_BVLC, `BVLL type 0x${buf[off]!.toString(16)}`);
  const fn = buf[off + 1]!;
  const blen = buf.readUInt16BE(off + 2);
  if (blen < 4) return fail(BacnetError.BAD_BVLC, `BVLC length ${blen}`);
  if (fn > Bvlc.SECURE_BVLL) return fail(BacnetError.BAD_BVLC, `BVLC function 0x${fn.toString(16)}`);
  // A length past the datagram is malformed, but what is there is still read (tshark does too).
  const end = Math.min(off + blen, end0);
  const m = out ?? new BacnetMessage();
  m.bvlcLength = blen;
  m.bvlc = fn;
  m.origin = m.originPort = m.result = -1;
  m.npdu = false;
  m.dnet = m.snet = m.netMsg = m.pdu = m.invoke = m.seq = m.service = -1;
  m.sadrLen = m.dadrLen = 0;
  m.end = end;
  let p = off + 4;
  if (fn === Bvlc.RESULT) {
    if (p + 2 > end) return fail(BacnetError.TRUNCATED, 'BVLC-Result without a code');
    m.result = buf.readUInt16BE(p);
    return m;
  }
  if (fn === Bvlc.FORWARDED_NPDU) {
    if (p + 6 > end) return fail(BacnetError.TRUNCATED, 'Forwarded-NPDU without its origin');
    m.origin = buf.readUInt32BE(p);
    m.originPort = buf.readUInt16BE(p + 4);
    p += 6;
  } else if (
    fn !== Bvlc.DISTRIBUTE_BROADCAST &&
    fn !== Bvlc.ORIGINAL_UNICAST &&
    fn !== Bvlc.ORIGINAL_BROADCAST
  ) {
    return m; // BBMD management: no NPDU
  }
  m.npdu = true;
  return parseNpdu(buf, p, end, m);
}

function parseNpdu(buf: Buffer, p: number, end: number, m: BacnetMessage): BacnetParse {
  if (p + 2 > end) return fail(BacnetError.BAD_NPDU, 'NPDU cut short');
  if (buf[p] !== 1) return fail(BacnetError.BAD_NPDU, `NPDU version ${buf[p]}`);
  const c = buf[p + 1]!;
  m.control = c;
  p += 2;
  if (c & Npci.DNET) {
    if (p + 3 > end) return fail(BacnetError.BAD_NPDU, 'DNET cut short');
    m.dnet = buf.readUInt16BE(p);
    m.dadrLen = buf[p + 2]!;
    p += 3 + m.dadrLen;
  }
  if (c & Npci.SNET) {
    if (p + 3 > end) return fail(BacnetError.BAD_NPDU, 'SNET cut short');
    m.snet = buf.readUInt16BE(p);
    m.sadrLen = buf[p + 2]!;
    m.sadrOff = p + 3;
    if (m.sadrLen === 0) return fail(BacnetError.BAD_NPDU, 'SLEN 0');
    p += 3 + m.sadrLen;
  }
  if (c & Npci.DNET) p += 1; // hop count
  if (p > end) return fail(BacnetError.BAD_NPDU, 'NPCI runs past the end');
  if (c & Npci.NETWORK_MESSAGE) {
    if (p + 1 > end) return fail(BacnetError.BAD_NPDU, 'network message without a type');
    m.netMsg = buf[p]!;
    p += m.netMsg >= 0x80 ? 3 : 1;
    if (p > end) return fail(BacnetError.BAD_NPDU, 'proprietary network message cut short');
    m.apduOff = m.dataOff = p;
    return m;
  }
  m.apduOff = p;
  return parseApduHeader(buf, p, end, m);
}

function parseApduHeader(buf: Buffer, p: number, end: number, m: BacnetMessage): BacnetParse {
  if (p >= end) return fail(BacnetError.BAD_APDU, 'empty APDU');
  const b = buf[p]!;
  m.pdu = b >>> 4;
  m.flags = b & 0x0f;
  let need: number;
  switch (m.pdu) {
    case Pdu.CONFIRMED:
      need = m.flags & 0x08 ? 6 : 4;
      break;
    case Pdu.UNCONFIRMED:
      need = 2;
      break;
    case Pdu.COMPLEX_ACK:
      need = m.flags & 0x08 ? 5 : 3;
      break;
    case Pdu.SIMPLE_ACK:
    case Pdu.ERROR:
    case Pdu.REJECT:
    case Pdu.ABORT:
      need = 3;
      break;
    case Pdu.SEGMENT_ACK:
      need = 4;
      break;
    default:
      return fail(BacnetError.BAD_APDU, `APDU type ${m.pdu}`);
  }
  if (p + need > end) return fail(BacnetError.BAD_APDU, `APDU type ${m.pdu} cut at ${end - p} bytes`);
  if (m.pdu === Pdu.UNCONFIRMED) {
    m.service = buf[p + 1]!;
  } else if (m.pdu === Pdu.CONFIRMED) {
    m.invoke = buf[p + 2]!;
    if (m.flags & 0x08) m.seq = buf[p + 3]!;
    m.service = buf[p + need - 1]!;
  } else if (m.pdu === Pdu.COMPLEX_ACK) {
    m.invoke = buf[p + 1]!;
    if (m.flags & 0x08) m.seq = buf[p + 2]!;
    m.service = buf[p + need - 1]!;
  } else if (m.pdu === Pdu.SEGMENT_ACK) {
    m.invoke = buf[p + 1]!;
    m.seq = buf[p + 2]!;
  } else {
    m.invoke = buf[p + 1]!;
    m.service = buf[p + 2]!;
  }
  m.dataOff = p + need;
  return m;
}

/** The Forwarded-NPDU origin as dotted text. */
export function originText(m: BacnetMessage): string {
  const a = m.origin;
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}
