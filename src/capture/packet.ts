/**
 * The decoded view of one frame. One instance is reused for every packet (no per-packet
 * allocation on the hot path): fields are plain numbers and offsets into `data`, valid only
 * during the callback that received it.
 */

export enum L3 {
  None = 0,
  IPv4 = 4,
  IPv6 = 6,
}

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export class Packet {
  /** 1-based frame number within the source. */
  frame = 0;
  /** Capture time, microseconds since the epoch. */
  tsUs = 0;
  /** The pcap LINKTYPE_* of the interface that captured it. */
  linktype = 0;
  /** Buffer holding the frame; the frame is data[off, off + caplen). */
  data: Buffer = Buffer.alloc(0);
  off = 0;
  caplen = 0;
  origLen = 0;

  // ── Layer 2 ── MACs are 48-bit numbers; -1 when the link has none.
  srcMac = -1;
  dstMac = -1;
  /** Outer and inner 802.1Q VLAN ids; -1 when untagged. */
  vlan = -1;
  vlanInner = -1;
  /** EtherType (or the SNAP protocol id with `snapOui`); 0 when unknown. */
  ethertype = 0;
  /** 802.3 LLC/SNAP organisation code, -1 for Ethernet II. */
  snapOui = -1;
  /** Offset of the layer-2 payload (the L3 header, ARP, LLDP ... ). */
  l2PayloadOff = 0;
  l2PayloadLen = 0;

  // ── Layer 3 ──
  l3: L3 = L3.None;
  /** IPv4 addresses as unsigned 32-bit numbers. */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses as four big-endian words each. */
  readonly src6 = new Uint32Array(4);
  readonly dst6 = new Uint32Array(4);
  ipProto = -1;
  ttl = 0;
  /** True when this packet is a reassembled IPv4/IPv6 datagram (data then points at a copy). */
  reassembled = false;

  // ── Layer 4 ──
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  /** Application payload (TCP/UDP data, ICMP body). */
  payloadOff = 0;
  payloadLen = 0;

  reset(): void {
    this.srcMac = -1;
    this.dstMac = -1;
    this.vlan = -1;
    this.vlanInner = -1;
    this.ethertype = 0;
    this.snapOui = -1;
    this.l2PayloadOff = 0;
    this.l2PayloadLen = 0;
    this.l3 = L3.None;
    this.src4 = 0;
    this.dst4 = 0;
    this.ipProto = -1;
    this.ttl = 0;
    this.reassembled = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.seq = 0;
    this.ack = 0;
    this.payloadOff = 0;
    this.payloadLen = 0;
  }
}
