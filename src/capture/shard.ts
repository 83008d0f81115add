/**
 * Which lane of a parallel analysis a frame goes to, from its raw bytes. Every frame between
 * the same two IP addresses goes to the same lane, whatever its ports or direction, so a flow,
 * its IP fragments (which carry no ports past the first) and the other flows of that host
 * pair stay together on one engine. Frames with no IP address (ARP, LLDP, PROFINET DCP,
 * GOOSE, unknown link types, truncated headers) go to lane 0.
 *
 * Reads only what it needs (link header, VLAN tags, addresses) and never allocates: it runs
 * on the reading thread for every frame, before any decoding.
 */
import {
  ETH_IPV4,
  ETH_IPV6,
  ETH_QINQ,
  ETH_QINQ_OLD,
  ETH_VLAN,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_RAW,
  LINKTYPE_RAW_BSD,
  LINKTYPE_RAW_OPENBSD,
} from './decode.js';

/** Lane (0 … lanes-1) of the frame `buf[off, off + caplen)` with link type `linktype`. */
export function laneOf(
  linktype: number,
  buf: Uint8Array,
  off: number,
  caplen: number,
  lanes: number,
): number {
  const end = off + caplen;
  let ip = off;
  let type: number;
  if (linktype === LINKTYPE_ETHERNET) {
    ip = off + 14;
    if (ip > end) return 0;
    type = (buf[ip - 2]! << 8) | buf[ip - 1]!;
    // Stacked tags, as many as decode.ts reads.
    for (
      let tags = 0;
      tags < 8 && (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD);
      tags++
    ) {
      ip += 4;
      if (ip > end) return 0;
      type = (buf[ip - 2]! << 8) | buf[ip - 1]!;
    }
  } else if (
    linktype === LINKTYPE_RAW ||
    linktype === LINKTYPE_RAW_BSD ||
    linktype === LINKTYPE_RAW_OPENBSD ||
    linktype === LINKTYPE_IPV4 ||
    linktype === LINKTYPE_IPV6
  ) {
    if (ip >= end) return 0;
    const v = buf[ip]! >>> 4;
    type = v === 4 ? ETH_IPV4 : v === 6 ? ETH_IPV6 : 0;
  } else {
    return 0;
  }
  // The addresses' sum: the same whichever end sent the frame, and unlike a XOR it does not
  // cancel what both share (every pair of one subnet would land in one lane).
  let x: number;
  if (type === ETH_IPV4) {
    if (ip + 20 > end) return 0;
    x = (word(buf, ip + 12) + word(buf, ip + 16)) | 0;
  } else if (type === ETH_IPV6) {
    if (ip + 40 > end) return 0;
    x = 0;
    for (let i = ip + 8; i < ip + 40; i += 4) x = (x + word(buf, i)) | 0;
  } else {
    return 0;
  }
  // Mixed, so that hosts differing only in their low bits spread over the lanes.
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  // Top 16 bits scaled to the lane count: integer operations, where `% lanes` of an unsigned
  // 32-bit value is a floating-point one (a third of this function's time).
  return (((x ^ (x >>> 16)) >>> 16) * lanes) >>> 16;
}

function word(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}
