/**
 * CDP (Cisco Discovery Protocol v1/v2) parser, carried in 802.3 LLC/SNAP (OUI 00-00-0C,
 * PID 0x2000). No public specification exists; the layout is the one in consts.ts (Cisco's
 * configuration guide, CISCO-CDP-MIB, and the Wireshark/tcpdump decoders).
 *
 * Pure: bytes in, a message or an error value out; never throws; at most MAX_TLVS TLVs and
 * MAX_ADDRESSES addresses per list.
 * The checksum is checked the way Cisco computes it (`cdpChecksum`) and reported, not enforced.
 * Not parsed: IP prefixes, protocol hello, power, trust and VoIP VLAN TLVs (counted in
 * `unknownTlvs`), non-IP addresses (CLNS, DECnet, ...).
 */
import { ipv4FromBytes, ipv6FromBytes } from '../../events/format.js';
import {
  CdpError,
  type CdpErrorCode,
  CdpTlv,
  HEADER_LEN,
  MAX_ADDRESSES,
  MAX_TEXT,
  MAX_TLVS,
  NLPID_IPV4,
  ProtoType,
  SNAP_IPV6,
  TLV_HEADER,
} from './consts.js';

export interface CdpMessage {
  version: number;
  ttl: number;
  /** The checksum field matches `cdpChecksum` of the PDU. */
  checksumOk: boolean;
  deviceId?: string;
  addresses: string[];
  portId?: string;
  capabilities?: number;
  softwareVersion?: string;
  platform?: string;
  vtpDomain?: string;
  nativeVlan?: number;
  duplex?: 'half' | 'full';
  systemName?: string;
  managementAddresses: string[];
  location?: string;
  unknownTlvs: number;
}

export type CdpParse = { ok: true; msg: CdpMessage } | { ok: false; code: CdpErrorCode; detail: string };

function fail(code: CdpErrorCode, detail: string): CdpParse {
  return { ok: false, code, detail };
}

/** Parse the CDP PDU in `buf[off, off + len)` (starting after the LLC/SNAP header). */
export function parseCdp(buf: Buffer, off: number, len: number): CdpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER_LEN) return fail(CdpError.TOO_SHORT, `${end - off} bytes`);
  const version = buf[off]!;
  if (version !== 1 && version !== 2) return fail(CdpError.BAD_VERSION, `version ${version}`);
  const msg: CdpMessage = {
    version,
    ttl: buf[off + 1]!,
    checksumOk: true,
    addresses: [],
    managementAddresses: [],
    unknownTlvs: 0,
  };
  let p = off + HEADER_LEN;
  for (let n = 0; n < MAX_TLVS && p < end; n++) {
    // Ethernet pads short frames with zeros: a zero type and length is padding, not a TLV.
    if (p + TLV_HEADER > end || buf.readUInt32BE(p) === 0) break;
    const type = buf.readUInt16BE(p);
    const l = buf.readUInt16BE(p + 2);
    if (l < TLV_HEADER) return fail(CdpError.BAD_TLV, `TLV 0x${type.toString(16)} with length ${l}`);
    if (p + l > end)
      return fail(CdpError.BAD_TLV, `TLV 0x${type.toString(16)} of ${l} bytes runs past the end`);
    const v = p + TLV_HEADER;
    const e = p + l;
    p = e;
    switch (type) {
      case CdpTlv.DEVICE_ID:
        msg.deviceId ??= text(buf, v, e);
        break;
      case CdpTlv.PORT_ID:
        msg.portId ??= text(buf, v, e);
        break;
      case CdpTlv.SOFTWARE_VERSION:
        msg.softwareVersion ??= text(buf, v, e);
        break;
      case CdpTlv.PLATFORM:
        msg.platform ??= text(buf, v, e);
        break;
      case CdpTlv.VTP_DOMAIN:
        msg.vtpDomain ??= text(buf, v, e);
        break;
      case CdpTlv.SYSTEM_NAME:
        msg.systemName ??= text(buf, v, e);
        break;
      case CdpTlv.LOCATION:
        // First byte is a location type; the rest is text.
        if (e - v > 1) msg.location ??= text(buf, v + 1, e);
        break;
      case CdpTlv.CAPABILITIES:
        if (e - v !== 4) return fail(CdpError.BAD_TLV, `capabilities of ${e - v} bytes`);
        msg.capabilities = buf.readUInt32BE(v);
        break;
      case CdpTlv.NATIVE_VLAN:
        if (e - v !== 2) return fail(CdpError.BAD_TLV, `native VLAN of ${e - v} bytes`);
        msg.nativeVlan = buf.readUInt16BE(v);
        break;
      case CdpTlv.DUPLEX:
        if (e - v !== 1) return fail(CdpError.BAD_TLV, `duplex of ${e - v} bytes`);
        msg.duplex = buf[v] ? 'full' : 'half';
        break;
      case CdpTlv.ADDRESSES:
      case CdpTlv.MANAGEMENT_ADDRESSES: {
        const list = type === CdpTlv.ADDRESSES ? msg.addresses : msg.managementAddresses;
        const err = addresses(buf, v, e, list);
        if (err) return fail(CdpError.BAD_TLV, err);
        break;
      }
      default:
        msg.unknownTlvs++;
    }
  }
  // The PDU ends where the 802.3 length said; the engine hands over exactly that.
  msg.checksumOk = cdpChecksum(buf, off, end) === 0;
  return { ok: true, msg };
}

/**
 * The Internet checksum (RFC 1071) of `buf[start, end)` as Cisco computes it for CDP: an odd
 * last byte is summed as the low byte of a word instead of the high one, and when that byte
 * has its top bit set the word is sign-extended (the correction below mirrors the public
 * decoders). Over a PDU whose checksum field is filled in, the result is 0.
 */
export function cdpChecksum(buf: Buffer, start: number, end: number): number {
  let sum = 0;
  let p = start;
  for (; p + 1 < end; p += 2) sum += buf.readUInt16BE(p);
  if (p < end) {
    const last = buf[p]!;
    sum += last & 0x80 ? 0xff00 + ((last - 1) & 0xff) : last;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * count(4), then entries: protocol type(1), protocol length(1), protocol, address length(2),
 * address. IPv4 and IPv6 are kept; other protocols are walked past.
 */
function addresses(buf: Buffer, s: number, e: number, out: string[]): string | undefined {
  if (e - s < 4) return 'address list without a count';
  const count = buf.readUInt32BE(s);
  let p = s + 4;
  for (let i = 0; i < count; i++) {
    // Each entry takes at least 4 bytes, so a huge count ends at the TLV's end.
    if (p + 2 > e) return `address ${i + 1} of ${count} cut short`;
    const ptype = buf[p]!;
    const plen = buf[p + 1]!;
    const a = p + 2 + plen;
    if (a + 2 > e) return `address ${i + 1} cut short`;
    const alen = buf.readUInt16BE(a);
    if (a + 2 + alen > e) return `address ${i + 1} of ${alen} bytes runs past the TLV`;
    if (out.length < MAX_ADDRESSES) {
      if (ptype === ProtoType.NLPID && plen === 1 && buf[p + 2] === NLPID_IPV4 && alen === 4)
        out.push(ipv4FromBytes(buf, a + 2));
      else if (
        ptype === ProtoType.IEEE_8022 &&
        plen === 8 &&
        alen === 16 &&
        buf.subarray(p + 2, a).equals(SNAP_IPV6)
      ) {
        out.push(ipv6FromBytes(buf, a + 2));
      }
    }
    p = a + 2 + alen;
  }
  return undefined;
}

/** TLV text: UTF-8, NULs dropped, line breaks kept (software versions are multi-line), capped. */
function text(buf: Buffer, s: number, e: number): string {
  const t = buf
    .toString('utf8', s, e)
    .replace(/\r\n?/g, '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]+/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
  return t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
}
