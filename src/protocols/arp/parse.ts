/**
 * ARP parser. Spec: RFC 826 (packet format); address lengths from the header, so any hardware
 * and protocol type is walked, but addresses are decoded only for Ethernet/IEEE 802 hardware
 * with IPv4 protocol addresses (the only combination on OT Ethernet).
 *
 * Pure: bytes in, a message or an error value out; never throws.
 * Not parsed: RARP / InARP semantics (RFC 903, RFC 2390: read as plain operation codes),
 * ATM ARP and other hardware types' addresses.
 */
import { ipv4FromBytes, macFromBytes } from '../../events/format.js';
import {
  ArpError,
  type ArpErrorCode,
  FIXED_LEN,
  HTYPE_ETHERNET,
  HTYPE_IEEE802,
  PTYPE_IPV4,
} from './consts.js';

export interface ArpAddresses {
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export interface ArpMessage {
  htype: number;
  ptype: number;
  hlen: number;
  plen: number;
  op: number;
  /** Present for Ethernet (or IEEE 802) hardware with IPv4 protocol addresses. */
  eth?: ArpAddresses;
}

export type ArpParse = { ok: true; msg: ArpMessage } | { ok: false; code: ArpErrorCode; detail: string };

/** Parse the ARP packet in `buf[off, off + len)` (trailing Ethernet padding is ignored). */
export function parseArp(buf: Buffer, off: number, len: number): ArpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < FIXED_LEN) return { ok: false, code: ArpError.BAD_LENGTH, detail: `${end - off} bytes` };
  const msg: ArpMessage = {
    htype: buf.readUInt16BE(off),
    ptype: buf.readUInt16BE(off + 2),
    hlen: buf[off + 4]!,
    plen: buf[off + 5]!,
    op: buf.readUInt16BE(off + 6),
  };
  const need = FIXED_LEN + 2 * (msg.hlen + msg.plen);
  if (end - off < need) {
    return { ok: false, code: ArpError.BAD_LENGTH, detail: `${end - off} bytes, addresses need ${need}` };
  }
  const ethLike = msg.htype === HTYPE_ETHERNET || msg.htype === HTYPE_IEEE802;
  if (ethLike && msg.ptype === PTYPE_IPV4) {
    if (msg.hlen !== 6 || msg.plen !== 4) {
      return {
        ok: false,
        code: ArpError.BAD_HEADER,
        detail: `Ethernet/IPv4 with hlen ${msg.hlen}, plen ${msg.plen}`,
      };
    }
    const p = off + FIXED_LEN;
    msg.eth = {
      senderMac: macFromBytes(buf, p),
      senderIp: ipv4FromBytes(buf, p + 6),
      targetMac: macFromBytes(buf, p + 10),
      targetIp: ipv4FromBytes(buf, p + 16),
    };
  }
  return { ok: true, msg };
}
