/**
 * Link, network and transport decoding into the reused `Packet` view: Ethernet II, 802.3
 * LLC/SNAP, 802.1Q/802.1ad (QinQ), Linux cooked v1/v2, raw IPv4/IPv6, BSD null/loopback;
 * IPv4 (options, fragments flagged), IPv6 (extension header chain, fragment header), TCP, UDP,
 * ICMP and ICMPv6 headers. Pure: reads bytes, writes the view, never allocates or throws.
 *
 * What it does not do: checksum validation (captures taken on the sending host carry
 * offloaded, i.e. wrong, checksums), tunnels (GRE, VXLAN, IP-in-IP: counted as their protocol),
 * MPLS, IPsec payloads.
 */
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, L3, type Packet } from './packet.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_OPENBSD = 14;
export const LINKTYPE_RAW_BSD = 12;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETH_IPV4 = 0x0800;
export const ETH_ARP = 0x0806;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const ETH_QINQ_OLD = 0x9100;
export const ETH_IPV6 = 0x86dd;

/** Why a frame decoded only partly; counted per kind by the engine. */
export enum DecodeStatus {
  Ok = 0,
  /** Link type we do not decode: counted and skipped. */
  UnknownLinktype = 1,
  /** Captured bytes end inside a header (snap length, or a broken frame). */
  Truncated = 2,
  /** A header field contradicts itself (IHL < 5, bad version, TCP offset < 5...). */
  Malformed = 3,
  /** An L3 fragment: the engine's reassembler takes it from here. */
  Fragment = 4,
}

/** Fragment fields of the last decoded packet (only meaningful with DecodeStatus.Fragment). */
export const frag = { id: 0, offset: 0, more: false, headerLen: 0, payloadOff: 0, payloadLen: 0, proto: 0 };

export function decode(p: Packet): DecodeStatus {
  const b = p.data;
  const start = p.off;
  const end = start + p.caplen;
  switch (p.linktype) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(p, b, start, end);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_BSD:
    case LINKTYPE_RAW_OPENBSD: {
      if (start >= end) return DecodeStatus.Truncated;
      const v = b[start]! >>> 4;
      return decodeL3(p, b, v === 4 ? ETH_IPV4 : v === 6 ? ETH_IPV6 : 0, start, end);
    }
    case LINKTYPE_IPV4:
      return decodeL3(p, b, ETH_IPV4, start, end);
    case LINKTYPE_IPV6:
      return decodeL3(p, b, ETH_IPV6, start, end);
    case LINKTYPE_LINUX_SLL: {
      if (end - start < 16) return DecodeStatus.Truncated;
      // ARPHRD_ETHER (1) with a 6-byte address: the sender's MAC.
      if (b.readUInt16BE(start + 2) === 1 && b.readUInt16BE(start + 4) === 6) p.srcMac = mac48(b, start + 6);
      return decodeEtherType(p, b, b.readUInt16BE(start + 14), start + 16, end);
    }
    case LINKTYPE_LINUX_SLL2: {
      if (end - start < 20) return DecodeStatus.Truncated;
      if (b.readUInt16BE(start + 8) === 1 && b[start + 11] === 6) p.srcMac = mac48(b, start + 12);
      return decodeEtherType(p, b, b.readUInt16BE(start), start + 20, end);
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (end - start < 4) return DecodeStatus.Truncated;
      // NULL carries the address family in the writer's byte order, LOOP in network order.
      let family = b.readUInt32BE(start);
      if (p.linktype === LINKTYPE_NULL && (family & 0xffff) === 0) family = b.readUInt32LE(start);
      // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      const type =
        family === 2
          ? ETH_IPV4
          : family === 10 || family === 24 || family === 28 || family === 30
            ? ETH_IPV6
            : 0;
      return decodeL3(p, b, type, start + 4, end);
    }
    default:
      return DecodeStatus.UnknownLinktype;
  }
}

function mac48(b: Buffer, o: number): number {
  return (
    (b[o]! * 0x10000 + ((b[o + 1]! << 8) | b[o + 2]!)) * 0x1000000 +
    ((b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!)
  );
}

function decodeEthernet(p: Packet, b: Buffer, start: number, end: number): DecodeStatus {
  if (end - start < 14) return DecodeStatus.Truncated;
  p.dstMac = mac48(b, start);
  p.srcMac = mac48(b, start + 6);
  let pos = start + 12;
  let type = (b[pos]! << 8) | b[pos + 1]!;
  pos += 2;
  // 802.1Q / 802.1ad tags; keep the outer two ids, skip any deeper stacking (bounded).
  for (
    let depth = 0;
    (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) && depth < 8;
    depth++
  ) {
    if (end - pos < 4) return DecodeStatus.Truncated;
    const vid = ((b[pos]! << 8) | b[pos + 1]!) & 0x0fff;
    if (depth === 0) p.vlan = vid;
    else if (depth === 1) p.vlanInner = vid;
    type = (b[pos + 2]! << 8) | b[pos + 3]!;
    pos += 4;
  }
  if (type < 0x0600) {
    // 802.3 length field: LLC follows; SNAP (AA-AA-03) carries an OUI and a protocol id.
    const llcEnd = Math.min(end, pos + type);
    // DSAP, SSAP, control: 3 bytes. A SNAP header cut by the capture used to pass for plain
    // LLC (snapOui -2); it is truncated, and one the length field cannot hold is malformed.
    if (end - pos < 3) return DecodeStatus.Truncated;
    if (b[pos] === 0xaa && b[pos + 1] === 0xaa && b[pos + 2] === 0x03) {
      if (end - pos < 8) return DecodeStatus.Truncated;
      if (llcEnd - pos < 8) return DecodeStatus.Malformed;
      const oui = (b[pos + 3]! << 16) | (b[pos + 4]! << 8) | b[pos + 5]!;
      const pid = (b[pos + 6]! << 8) | b[pos + 7]!;
      // RFC 1042: OUI 0 means the protocol id is an EtherType.
      if (oui === 0) return decodeEtherType(p, b, pid, pos + 8, end);
      p.snapOui = oui;
      p.ethertype = pid;
      p.l2PayloadOff = pos + 8;
      p.l2PayloadLen = llcEnd - pos - 8;
      return DecodeStatus.Ok;
    }
    p.snapOui = -2; // plain LLC (STP and friends)
    p.ethertype = 0;
    p.l2PayloadOff = pos;
    p.l2PayloadLen = Math.max(0, llcEnd - pos);
    return DecodeStatus.Ok;
  }
  return decodeEtherType(p, b, type, pos, end);
}

function decodeEtherType(p: Packet, b: Buffer, type: number, pos: number, end: number): DecodeStatus {
  p.ethertype = type;
  p.l2PayloadOff = pos;
  p.l2PayloadLen = Math.max(0, end - pos);
  if (type === ETH_IPV4 || type === ETH_IPV6) return decodeL3(p, b, type, pos, end);
  return DecodeStatus.Ok;
}

function decodeL3(p: Packet, b: Buffer, type: number, pos: number, end: number): DecodeStatus {
  if (type === ETH_IPV4) return decodeIPv4(p, b, pos, end);
  if (type === ETH_IPV6) return decodeIPv6(p, b, pos, end);
  return DecodeStatus.Ok;
}

function decodeIPv4(p: Packet, b: Buffer, pos: number, end: number): DecodeStatus {
  if (end - pos < 20) return DecodeStatus.Truncated;
  const vihl = b[pos]!;
  const ihl = (vihl & 0x0f) << 2;
  if (vihl >>> 4 !== 4 || ihl < 20) return DecodeStatus.Malformed;
  const total = (b[pos + 2]! << 8) | b[pos + 3]!;
  // Total length 0 is the segmentation-offload case handled below, not a malformed header
  // (this check used to reject it before the fallback could apply).
  if (total !== 0 && total < ihl) return DecodeStatus.Malformed;
  if (end - pos < ihl) return DecodeStatus.Truncated;
  p.l3 = L3.IPv4;
  p.ttl = b[pos + 8]!;
  p.ipProto = b[pos + 9]!;
  p.src4 = ((b[pos + 12]! << 24) | (b[pos + 13]! << 16) | (b[pos + 14]! << 8) | b[pos + 15]!) >>> 0;
  p.dst4 = ((b[pos + 16]! << 24) | (b[pos + 17]! << 16) | (b[pos + 18]! << 8) | b[pos + 19]!) >>> 0;
  // Ethernet pads short frames: the IP total length, not the frame, bounds the datagram.
  // (TSO captures show total length 0 on large segments: fall back to the frame.)
  const l4End = total === 0 ? end : Math.min(end, pos + total);
  const flagsOff = (b[pos + 6]! << 8) | b[pos + 7]!;
  const more = (flagsOff & 0x2000) !== 0;
  const offset = (flagsOff & 0x1fff) << 3;
  if (more || offset !== 0) {
    frag.id = (b[pos + 4]! << 8) | b[pos + 5]!;
    frag.offset = offset;
    frag.more = more;
    frag.headerLen = ihl;
    frag.payloadOff = pos + ihl;
    frag.payloadLen = Math.max(0, l4End - pos - ihl);
    frag.proto = p.ipProto;
    return DecodeStatus.Fragment;
  }
  return decodeL4(p, b, p.ipProto, pos + ihl, l4End);
}

function readWords(b: Buffer, o: number, into: Uint32Array): void {
  into[0] = b.readUInt32BE(o);
  into[1] = b.readUInt32BE(o + 4);
  into[2] = b.readUInt32BE(o + 8);
  into[3] = b.readUInt32BE(o + 12);
}

function decodeIPv6(p: Packet, b: Buffer, pos: number, end: number): DecodeStatus {
  if (end - pos < 40) return DecodeStatus.Truncated;
  if (b[pos]! >>> 4 !== 6) return DecodeStatus.Malformed;
  const payloadLen = b.readUInt16BE(pos + 4);
  p.l3 = L3.IPv6;
  p.ttl = b[pos + 7]!;
  readWords(b, pos + 8, p.src6);
  readWords(b, pos + 24, p.dst6);
  // Payload length 0 is a jumbogram (hop-by-hop option): bound by the frame instead.
  const l3End = payloadLen === 0 ? end : Math.min(end, pos + 40 + payloadLen);
  let next = b[pos + 6]!;
  let o = pos + 40;
  // Walk the extension header chain (RFC 8200 §4); bounded by the packet length.
  for (let hops = 0; hops < 16; hops++) {
    switch (next) {
      case 0: // hop-by-hop
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: {
        // shim6
        if (l3End - o < 8) return DecodeStatus.Truncated;
        next = b[o]!;
        o += (b[o + 1]! + 1) << 3;
        continue;
      }
      case 51: {
        // AH: length in 4-octet units, minus 2
        if (l3End - o < 8) return DecodeStatus.Truncated;
        next = b[o]!;
        o += (b[o + 1]! + 2) << 2;
        continue;
      }
      case 44: {
        if (l3End - o < 8) return DecodeStatus.Truncated;
        const offFlags = b.readUInt16BE(o + 2);
        const offset = offFlags & 0xfff8;
        const more = (offFlags & 1) !== 0;
        if (offset !== 0 || more) {
          p.ipProto = b[o]!;
          frag.id = b.readUInt32BE(o + 4);
          frag.offset = offset;
          frag.more = more;
          frag.headerLen = o + 8 - pos;
          frag.payloadOff = o + 8;
          frag.payloadLen = Math.max(0, l3End - o - 8);
          frag.proto = b[o]!;
          return DecodeStatus.Fragment;
        }
        // An atomic fragment (offset 0, no more): just a header to skip.
        next = b[o]!;
        o += 8;
        continue;
      }
      default:
        break;
    }
    break;
  }
  if (o > l3End) return DecodeStatus.Truncated;
  p.ipProto = next;
  return decodeL4(p, b, next, o, l3End);
}

export function decodeL4(p: Packet, b: Buffer, proto: number, pos: number, end: number): DecodeStatus {
  p.ipProto = proto;
  if (proto === IPPROTO_TCP) {
    if (end - pos < 20) return DecodeStatus.Truncated;
    p.srcPort = (b[pos]! << 8) | b[pos + 1]!;
    p.dstPort = (b[pos + 2]! << 8) | b[pos + 3]!;
    p.seq = ((b[pos + 4]! << 24) | (b[pos + 5]! << 16) | (b[pos + 6]! << 8) | b[pos + 7]!) >>> 0;
    p.ack = ((b[pos + 8]! << 24) | (b[pos + 9]! << 16) | (b[pos + 10]! << 8) | b[pos + 11]!) >>> 0;
    const hlen = (b[pos + 12]! >>> 4) << 2;
    p.tcpFlags = b[pos + 13]!;
    if (hlen < 20) return DecodeStatus.Malformed;
    if (end - pos < hlen) return DecodeStatus.Truncated;
    p.payloadOff = pos + hlen;
    p.payloadLen = end - pos - hlen;
    return DecodeStatus.Ok;
  }
  if (proto === IPPROTO_UDP) {
    if (end - pos < 8) return DecodeStatus.Truncated;
    p.srcPort = (b[pos]! << 8) | b[pos + 1]!;
    p.dstPort = (b[pos + 2]! << 8) | b[pos + 3]!;
    const ulen = (b[pos + 4]! << 8) | b[pos + 5]!;
    if (ulen !== 0 && ulen < 8) return DecodeStatus.Malformed;
    p.payloadOff = pos + 8;
    // A UDP length of 0 appears with TSO/jumbograms: use what was captured.
    p.payloadLen = ulen === 0 ? end - pos - 8 : Math.min(end - pos, ulen) - 8;
    return DecodeStatus.Ok;
  }
  if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
    if (end - pos < 4) return DecodeStatus.Truncated;
    p.payloadOff = pos + 4;
    p.payloadLen = end - pos - 4;
    return DecodeStatus.Ok;
  }
  p.payloadOff = pos;
  p.payloadLen = Math.max(0, end - pos);
  return DecodeStatus.Ok;
}
