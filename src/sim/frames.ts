/**
 * Frame builders for the project's own traces (golden tests, the sample plant, benchmarks).
 * They write well-formed headers with correct checksums, so tshark decodes them cleanly.
 */

export function mac(text: string): Buffer {
  const parts = text.split(':');
  if (parts.length !== 6) throw new Error(`bad MAC ${text}`);
  return Buffer.from(parts.map((p) => Number.parseInt(p, 16)));
}

export function ipv4(text: string): Buffer {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${text}`);
  return Buffer.from(parts);
}

export function ipv6(text: string): Buffer {
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${text}`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

export type EthOptions = { vlan?: number; vlanInner?: number };

export function ethernet(
  src: string,
  dst: string,
  ethertype: number,
  payload: Buffer,
  o: EthOptions = {},
): Buffer {
  const tags: Buffer[] = [];
  if (o.vlan !== undefined) {
    const outer = Buffer.alloc(4);
    outer.writeUInt16BE(o.vlanInner !== undefined ? 0x88a8 : 0x8100, 0);
    outer.writeUInt16BE(o.vlan & 0xfff, 2);
    tags.push(outer);
    if (o.vlanInner !== undefined) {
      const inner = Buffer.alloc(4);
      inner.writeUInt16BE(0x8100, 0);
      inner.writeUInt16BE(o.vlanInner & 0xfff, 2);
      tags.push(inner);
    }
  }
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype, 0);
  const frame = Buffer.concat([mac(dst), mac(src), ...tags, type, payload]);
  // Pad to the 60-byte minimum as a NIC would.
  return frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
}

/** 802.3 frame with an LLC/SNAP header (CDP, some STP): length field instead of EtherType. */
export function llcSnap(src: string, dst: string, oui: number, pid: number, payload: Buffer): Buffer {
  const llc = Buffer.from([
    0xaa,
    0xaa,
    0x03,
    (oui >>> 16) & 0xff,
    (oui >>> 8) & 0xff,
    oui & 0xff,
    pid >>> 8,
    pid & 0xff,
  ]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(llc.length + payload.length, 0);
  const frame = Buffer.concat([mac(dst), mac(src), len, llc, payload]);
  return frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
}

export function checksum(buf: Buffer, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export type Ipv4Options = {
  id?: number;
  ttl?: number;
  fragmentOffset?: number;
  moreFragments?: boolean;
  dontFragment?: boolean;
};

export function ipv4Packet(
  src: string,
  dst: string,
  proto: number,
  payload: Buffer,
  o: Ipv4Options = {},
): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(o.id ?? 0x1234, 4);
  const fragOff = (o.fragmentOffset ?? 0) >>> 3;
  h.writeUInt16BE((o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | fragOff, 6);
  h[8] = o.ttl ?? 64;
  h[9] = proto;
  ipv4(src).copy(h, 12);
  ipv4(dst).copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

export function ipv6Packet(
  src: string,
  dst: string,
  nextHeader: number,
  payload: Buffer,
  hopLimit = 64,
): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(payload.length, 4);
  h[6] = nextHeader;
  h[7] = hopLimit;
  ipv6(src).copy(h, 8);
  ipv6(dst).copy(h, 24);
  return Buffer.concat([h, payload]);
}

function pseudoHeaderSum(src: Buffer, dst: Buffer, proto: number, len: number): number {
  const ph = Buffer.alloc(src.length * 2 + (src.length === 4 ? 4 : 8));
  src.copy(ph, 0);
  dst.copy(ph, src.length);
  if (src.length === 4) {
    ph[9] = proto;
    ph.writeUInt16BE(len, 10);
  } else {
    ph.writeUInt32BE(len, 32);
    ph[39] = proto;
  }
  return ~checksum(ph) & 0xffff;
}

function addr(text: string): Buffer {
  return text.includes(':') ? ipv6(text) : ipv4(text);
}

export function udpDatagram(src: string, dst: string, sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  const seg = Buffer.concat([h, payload]);
  const sum = checksum(seg, pseudoHeaderSum(addr(src), addr(dst), 17, seg.length));
  seg.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  return seg;
}

export type TcpOptions = { window?: number; mss?: number };

export function tcpSegment(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  payload: Buffer,
  o: TcpOptions = {},
): Buffer {
  const opts = o.mss !== undefined ? Buffer.from([2, 4, o.mss >>> 8, o.mss & 0xff]) : Buffer.alloc(0);
  const h = Buffer.alloc(20 + opts.length);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = ((20 + opts.length) / 4) << 4;
  h[13] = flags;
  h.writeUInt16BE(o.window ?? 64240, 14);
  opts.copy(h, 20);
  const seg = Buffer.concat([h, payload]);
  seg.writeUInt16BE(checksum(seg, pseudoHeaderSum(addr(src), addr(dst), 6, seg.length)), 16);
  return seg;
}

/**
 * A host as the sensor sees it: the MAC on its frames (its own, or a router's when it is
 * routed in) and the TTL its packets arrive with (64 by default; one less per router).
 */
export type Host = { mac: string; ip: string; ttl?: number };

/** One UDP datagram as a full Ethernet frame. */
export function udpFrame(
  from: Host,
  to: Host,
  sport: number,
  dport: number,
  payload: Buffer,
  eth: EthOptions = {},
): Buffer {
  const v6 = from.ip.includes(':');
  const seg = udpDatagram(from.ip, to.ip, sport, dport, payload);
  const ip = v6
    ? ipv6Packet(from.ip, to.ip, 17, seg, from.ttl)
    : ipv4Packet(from.ip, to.ip, 17, seg, { ttl: from.ttl });
  return ethernet(from.mac, to.mac, v6 ? 0x86dd : 0x0800, ip, eth);
}
