import { describe, expect, it } from 'vitest';
import {
  ethernet,
  ipv4Packet,
  ipv6Packet,
  llcSnap,
  tcpSegment,
  udpDatagram,
  udpFrame,
} from '../sim/frames.js';
import { rng } from '../testing/random.js';
import {
  DecodeStatus,
  decode,
  frag,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_RAW_BSD,
} from './decode.js';
import { L3, Packet } from './packet.js';

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
const MAC_A_NUM = 0x02000000000a;
const MAC_B_NUM = 0x02000000000b;
const IP_A = 0x0a000001; // 10.0.0.1
const IP_B = 0x0a000002;

function dec(
  frame: Buffer,
  linktype = 1,
  o: { caplen?: number; off?: number } = {},
): { st: DecodeStatus; p: Packet } {
  const p = new Packet();
  p.reset();
  p.linktype = linktype;
  p.data = frame;
  p.off = o.off ?? 0;
  p.caplen = o.caplen ?? frame.length - p.off;
  p.origLen = p.caplen;
  return { st: decode(p), p };
}

const tcp = (payload = Buffer.from('hello')) =>
  ipv4Packet(
    '10.0.0.1',
    '10.0.0.2',
    6,
    tcpSegment('10.0.0.1', '10.0.0.2', 40000, 502, 0x11223344, 0xaabbccdd, 0x18, payload),
  );
const udp4 = (payload = Buffer.from('data')) =>
  ipv4Packet('10.0.0.1', '10.0.0.2', 17, udpDatagram('10.0.0.1', '10.0.0.2', 5000, 161, payload));
const udp6 = (payload = Buffer.from('data6')) =>
  ipv6Packet('fe80::1', 'ff02::1:2', 17, udpDatagram('fe80::1', 'ff02::1:2', 546, 547, payload));

/** An IPv4 header with `opts` (a multiple of 4 bytes) inserted before the payload. */
function withIpOptions(pkt: Buffer, opts: Buffer): Buffer {
  const out = Buffer.concat([pkt.subarray(0, 20), opts, pkt.subarray(20)]);
  out[0] = 0x40 | ((20 + opts.length) >> 2);
  out.writeUInt16BE(out.length, 2);
  return out;
}

/** IPv6 with an extension-header chain: each entry is [header type, body length in bytes]. */
function ipv6Chain(chain: [number, number][], proto: number, l4: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < chain.length; i++) {
    const [type, len] = chain[i]!;
    const next = i + 1 < chain.length ? chain[i + 1]![0] : proto;
    const h = Buffer.alloc(len, 0);
    h[0] = next;
    h[1] = type === 51 ? len / 4 - 2 : len / 8 - 1;
    parts.push(h);
  }
  return ipv6Packet('2001:db8::1', '2001:db8::2', chain[0]?.[0] ?? proto, Buffer.concat([...parts, l4]));
}

describe('link layers', () => {
  it('Ethernet II with IPv4 and TCP', () => {
    const f = ethernet(MAC_A, MAC_B, 0x0800, tcp());
    const { st, p } = dec(f);
    expect(st).toBe(DecodeStatus.Ok);
    expect(p.srcMac).toBe(MAC_A_NUM);
    expect(p.dstMac).toBe(MAC_B_NUM);
    expect([p.vlan, p.vlanInner, p.snapOui, p.ethertype, p.l2PayloadOff, p.l2PayloadLen]).toEqual([
      -1,
      -1,
      -1,
      0x0800,
      14,
      f.length - 14,
    ]);
    expect([p.l3, p.src4, p.dst4, p.ipProto, p.ttl]).toEqual([L3.IPv4, IP_A, IP_B, 6, 64]);
    expect([p.srcPort, p.dstPort, p.seq, p.ack, p.tcpFlags]).toEqual([
      40000, 502, 0x11223344, 0xaabbccdd, 0x18,
    ]);
    expect([p.payloadOff, p.payloadLen]).toEqual([54, 5]);
    expect(f.toString('latin1', p.payloadOff, p.payloadOff + p.payloadLen)).toBe('hello');
  });

  it('802.1Q: VLAN id without the priority bits', () => {
    const f = ethernet(MAC_A, MAC_B, 0x0800, udp4(), { vlan: 100 });
    f.writeUInt16BE(0xe000 | 100, 14); // PCP 7, DEI 0
    const { st, p } = dec(f);
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.vlan, p.vlanInner, p.ethertype, p.l2PayloadOff]).toEqual([100, -1, 0x0800, 18]);
    expect([p.srcPort, p.dstPort, p.payloadOff, p.payloadLen]).toEqual([5000, 161, 18 + 28, 4]);
  });

  it('QinQ: 0x88a8 outer and 0x8100 inner; 0x9100; a third tag is skipped', () => {
    const f = ethernet(MAC_A, MAC_B, 0x86dd, udp6(), { vlan: 100, vlanInner: 200 });
    expect(f.readUInt16BE(12)).toBe(0x88a8);
    const { st, p } = dec(f);
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.vlan, p.vlanInner, p.ethertype, p.l2PayloadOff, p.l3, p.dstPort]).toEqual([
      100,
      200,
      0x86dd,
      22,
      L3.IPv6,
      547,
    ]);
    const old = Buffer.from(f);
    old.writeUInt16BE(0x9100, 12);
    expect(dec(old).p.vlan).toBe(100);
    expect(dec(old).p.vlanInner).toBe(200);
    const triple = Buffer.concat([f.subarray(0, 16), Buffer.from([0x81, 0x00, 0x01, 0x2c]), f.subarray(16)]);
    const t = dec(triple);
    expect(t.st).toBe(DecodeStatus.Ok);
    expect([t.p.vlan, t.p.vlanInner, t.p.l2PayloadOff, t.p.dstPort]).toEqual([100, 300, 26, 547]);
  });

  it('802.3 LLC/SNAP: CDP keeps OUI and protocol id; RFC 1042 (OUI 0) is an EtherType', () => {
    const cdp = llcSnap(MAC_A, '01:00:0c:cc:cc:cc', 0x00000c, 0x2000, Buffer.from('cdp payload'));
    const c = dec(cdp);
    expect(c.st).toBe(DecodeStatus.Ok);
    expect([c.p.snapOui, c.p.ethertype, c.p.l2PayloadOff, c.p.l2PayloadLen, c.p.l3]).toEqual([
      0x0c,
      0x2000,
      22,
      11,
      L3.None,
    ]);
    expect(c.p.dstMac).toBe(0x01000ccccccc);

    const rfc1042 = llcSnap(MAC_A, MAC_B, 0, 0x0800, udp4());
    const r = dec(rfc1042);
    expect(r.st).toBe(DecodeStatus.Ok);
    expect([r.p.snapOui, r.p.ethertype, r.p.l3, r.p.src4, r.p.dstPort, r.p.payloadLen]).toEqual([
      -1,
      0x0800,
      L3.IPv4,
      IP_A,
      161,
      4,
    ]);

    // A SNAP header the 802.3 length field cannot hold; one cut by the capture.
    const short = Buffer.from(cdp);
    short.writeUInt16BE(5, 12);
    expect(dec(short).st).toBe(DecodeStatus.Malformed);
    expect(dec(cdp, 1, { caplen: 20 }).st).toBe(DecodeStatus.Truncated);

    // Plain LLC (spanning tree: DSAP/SSAP 0x42): no SNAP header.
    const stp = Buffer.concat([
      Buffer.from('0180c2000000', 'hex'),
      Buffer.from('02000000000a', 'hex'),
      Buffer.from([0, 7]),
    ]);
    const s = dec(Buffer.concat([stp, Buffer.from([0x42, 0x42, 0x03, 0, 0, 0, 0]), Buffer.alloc(39)]));
    expect(s.st).toBe(DecodeStatus.Ok);
    expect([s.p.snapOui, s.p.ethertype, s.p.l2PayloadOff, s.p.l2PayloadLen]).toEqual([-2, 0, 14, 7]);
  });

  it('Linux cooked v1 and v2: source MAC from the header', () => {
    const ip = udp4();
    const sll = Buffer.concat([
      Buffer.from('0000' + '0001' + '0006' + '02000000000a' + '0000' + '0800', 'hex'),
      ip,
    ]);
    const a = dec(sll, LINKTYPE_LINUX_SLL);
    expect(a.st).toBe(DecodeStatus.Ok);
    expect([a.p.srcMac, a.p.dstMac, a.p.ethertype, a.p.l2PayloadOff, a.p.src4, a.p.payloadLen]).toEqual([
      MAC_A_NUM,
      -1,
      0x0800,
      16,
      IP_A,
      4,
    ]);
    // ARPHRD_LOOPBACK (772): no MAC.
    const lo = Buffer.from(sll);
    lo.writeUInt16BE(772, 2);
    expect(dec(lo, LINKTYPE_LINUX_SLL).p.srcMac).toBe(-1);

    const sll2 = Buffer.concat([
      Buffer.from('86dd' + '0000' + '00000002' + '0001' + '00' + '06' + '02000000000b' + '0000', 'hex'),
      udp6(),
    ]);
    const b = dec(sll2, LINKTYPE_LINUX_SLL2);
    expect(b.st).toBe(DecodeStatus.Ok);
    expect([b.p.srcMac, b.p.ethertype, b.p.l2PayloadOff, b.p.l3, b.p.srcPort]).toEqual([
      MAC_B_NUM,
      0x86dd,
      20,
      L3.IPv6,
      546,
    ]);
    const noMac = Buffer.from(sll2);
    noMac[11] = 0; // address length 0
    expect(dec(noMac, LINKTYPE_LINUX_SLL2).p.srcMac).toBe(-1);
  });

  it.each([
    [LINKTYPE_RAW, 'v4'],
    [LINKTYPE_RAW, 'v6'],
    [LINKTYPE_RAW_BSD, 'v4'],
    [LINKTYPE_RAW_BSD, 'v6'],
    [14, 'v4'],
    [LINKTYPE_IPV4, 'v4'],
    [LINKTYPE_IPV6, 'v6'],
  ] as const)('raw IP link type %i (%s)', (lt, v) => {
    const pkt = v === 'v4' ? udp4() : udp6();
    const { st, p } = dec(pkt, lt);
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.l3, p.srcMac, p.dstMac, p.ipProto, p.payloadLen]).toEqual([
      v === 'v4' ? L3.IPv4 : L3.IPv6,
      -1,
      -1,
      17,
      v === 'v4' ? 4 : 5,
    ]);
    if (v === 'v6') {
      expect([...p.src6]).toEqual([0xfe800000, 0, 0, 1]);
      expect([...p.dst6]).toEqual([0xff020000, 0, 0, 0x00010002]);
    }
  });

  it('raw link with neither version: no layer 3; LINKTYPE_IPV4 carrying IPv6: malformed', () => {
    const junk = Buffer.from(udp4());
    junk[0] = 0x55;
    expect(dec(junk, LINKTYPE_RAW).st).toBe(DecodeStatus.Ok);
    expect(dec(junk, LINKTYPE_RAW).p.l3).toBe(L3.None);
    expect(dec(udp6(), LINKTYPE_IPV4).st).toBe(DecodeStatus.Malformed);
    expect(dec(udp4(Buffer.alloc(40)), LINKTYPE_IPV6).st).toBe(DecodeStatus.Malformed);
    expect(dec(Buffer.alloc(0), LINKTYPE_RAW).st).toBe(DecodeStatus.Truncated);
  });

  const fam = (v: number, le: boolean) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  it.each([
    [2, true, L3.IPv4],
    [2, false, L3.IPv4],
    [10, true, L3.IPv6],
    [24, true, L3.IPv6],
    [24, false, L3.IPv6],
    [28, true, L3.IPv6],
    [28, false, L3.IPv6],
    [30, true, L3.IPv6],
    [30, false, L3.IPv6],
    [7, true, L3.None],
  ] as const)('BSD null, family %i (little-endian %s)', (family, le, l3) => {
    const pkt = l3 === L3.IPv6 ? udp6() : udp4();
    const { st, p } = dec(Buffer.concat([fam(family, le), pkt]), LINKTYPE_NULL);
    expect(st).toBe(DecodeStatus.Ok);
    expect(p.l3).toBe(l3);
    if (l3 !== L3.None) expect(p.payloadOff).toBe(4 + (l3 === L3.IPv6 ? 48 : 28));
  });

  it('OpenBSD loop (108): family always in network order', () => {
    expect(dec(Buffer.concat([fam(2, false), udp4()]), LINKTYPE_LOOP).p.l3).toBe(L3.IPv4);
    expect(dec(Buffer.concat([fam(24, false), udp6()]), LINKTYPE_LOOP).p.l3).toBe(L3.IPv6);
    // A little-endian family is not swapped on LOOP: not recognised.
    expect(dec(Buffer.concat([fam(2, true), udp4()]), LINKTYPE_LOOP).p.l3).toBe(L3.None);
    expect(dec(Buffer.from([0, 0, 0]), LINKTYPE_LOOP).st).toBe(DecodeStatus.Truncated);
  });

  it('an unknown link type is reported as such', () => {
    expect(dec(udp4(), 147).st).toBe(DecodeStatus.UnknownLinktype);
  });

  it('non-IP EtherTypes stop at layer 2 with their payload', () => {
    const arp = ethernet(MAC_A, 'ff:ff:ff:ff:ff:ff', 0x0806, Buffer.alloc(28, 1));
    const { st, p } = dec(arp);
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.ethertype, p.l3, p.l2PayloadOff, p.l2PayloadLen, p.dstMac]).toEqual([
      0x0806,
      L3.None,
      14,
      46,
      0xffffffffffff,
    ]);
  });
});

describe('network and transport', () => {
  it('IPv4 options: transport found after the longer header', () => {
    const pkt = withIpOptions(
      udp4(Buffer.from('opt')),
      Buffer.from([0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]),
    );
    const { st, p } = dec(ethernet(MAC_A, MAC_B, 0x0800, pkt));
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.src4, p.dst4, p.srcPort, p.dstPort, p.payloadOff, p.payloadLen]).toEqual([
      IP_A,
      IP_B,
      5000,
      161,
      14 + 28 + 8,
      3,
    ]);
  });

  it('Ethernet padding is not payload: lengths come from the IP header', () => {
    const ack = ethernet(MAC_A, MAC_B, 0x0800, tcp(Buffer.alloc(0)));
    expect(ack.length).toBe(60); // 54 + 6 bytes of padding
    const a = dec(ack);
    expect(a.st).toBe(DecodeStatus.Ok);
    expect(a.p.payloadLen).toBe(0);
    expect(a.p.l2PayloadLen).toBe(46); // layer 2 does not know better

    const small = ethernet(MAC_A, MAC_B, 0x0800, tcp(Buffer.from('ab')));
    small.fill(0xee, 56); // padding that must not look like data
    expect(dec(small).p.payloadLen).toBe(2);

    // A UDP length larger than the IP datagram is bounded by the datagram.
    const u = udp4(Buffer.from('xy'));
    u.writeUInt16BE(500, 24);
    expect(dec(ethernet(MAC_A, MAC_B, 0x0800, u)).p.payloadLen).toBe(2);
  });

  it('IPv4 total length 0 (segmentation offload) falls back to the captured frame', () => {
    const pkt = tcp(Buffer.alloc(3000, 0x61));
    pkt.writeUInt16BE(0, 2);
    const { st, p } = dec(ethernet(MAC_A, MAC_B, 0x0800, pkt));
    expect(st).toBe(DecodeStatus.Ok);
    expect(p.payloadLen).toBe(3000);
  });

  it('IPv6 extension chain (hop-by-hop, routing, destination options, AH) then TCP', () => {
    const seg = tcpSegment('2001:db8::1', '2001:db8::2', 1234, 80, 7, 9, 0x10, Buffer.from('v6 payload'));
    const chain: [number, number][] = [
      [0, 8],
      [43, 24],
      [60, 16],
      [51, 24],
    ];
    const { st, p } = dec(ethernet(MAC_A, MAC_B, 0x86dd, ipv6Chain(chain, 6, seg)));
    expect(st).toBe(DecodeStatus.Ok);
    expect([p.l3, p.ipProto, p.srcPort, p.dstPort, p.seq, p.ack]).toEqual([L3.IPv6, 6, 1234, 80, 7, 9]);
    expect([p.payloadOff, p.payloadLen]).toEqual([14 + 40 + 72 + 20, 10]);
    // No next header (59): the chain ends, nothing to decode.
    const none = dec(ipv6Chain([[0, 8]], 59, Buffer.alloc(0)), LINKTYPE_IPV6);
    expect([none.st, none.p.ipProto, none.p.payloadLen]).toEqual([DecodeStatus.Ok, 59, 0]);
  });

  it('IPv6 payload length bounds the packet; 0 (jumbogram) uses the frame', () => {
    const pkt = udp6(Buffer.from('abcdef'));
    const padded = Buffer.concat([pkt, Buffer.alloc(10, 0xee)]);
    expect(dec(padded, LINKTYPE_IPV6).p.payloadLen).toBe(6);
    const jumbo = Buffer.from(pkt);
    jumbo.writeUInt16BE(0, 4);
    jumbo.writeUInt16BE(0, 44); // UDP length 0 too
    expect(dec(Buffer.concat([jumbo, Buffer.from('gh')]), LINKTYPE_IPV6).p.payloadLen).toBe(8);
  });

  it('ICMP, ICMPv6 and other protocols', () => {
    const echo = ipv4Packet('10.0.0.1', '10.0.0.2', 1, Buffer.from('0800f7ff00010001' + 'abcd', 'hex'));
    const e = dec(echo, LINKTYPE_RAW);
    expect([e.st, e.p.ipProto, e.p.payloadOff, e.p.payloadLen]).toEqual([DecodeStatus.Ok, 1, 24, 6]);
    const ns = ipv6Packet('fe80::1', 'ff02::1', 58, Buffer.from('8700000000000000', 'hex'));
    const n = dec(ns, LINKTYPE_RAW);
    expect([n.st, n.p.ipProto, n.p.payloadOff, n.p.payloadLen]).toEqual([DecodeStatus.Ok, 58, 44, 4]);
    const gre = ipv4Packet('10.0.0.1', '10.0.0.2', 47, Buffer.alloc(12));
    const g = dec(gre, LINKTYPE_RAW);
    expect([g.st, g.p.ipProto, g.p.srcPort, g.p.payloadOff, g.p.payloadLen]).toEqual([
      DecodeStatus.Ok,
      47,
      0,
      20,
      12,
    ]);
    expect(dec(ipv4Packet('10.0.0.1', '10.0.0.2', 1, Buffer.alloc(3)), LINKTYPE_RAW).st).toBe(
      DecodeStatus.Truncated,
    );
  });

  it('self-contradicting headers are malformed', () => {
    const cases: [string, Buffer, number?][] = [];
    for (const ihl of [0, 1, 4]) {
      const b = Buffer.from(udp4());
      b[0] = 0x40 | ihl;
      cases.push([`IHL ${ihl}`, b]);
    }
    const v5 = Buffer.from(udp4());
    v5[0] = 0x55;
    cases.push(['IPv4 header with version 5', v5]);
    const tot = Buffer.from(tcp());
    tot.writeUInt16BE(19, 2);
    cases.push(['total length below the header', tot]);
    for (const off of [0, 1, 4]) {
      const b = Buffer.from(tcp());
      b[32] = off << 4;
      cases.push([`TCP offset ${off}`, b]);
    }
    for (const len of [1, 7]) {
      const b = Buffer.from(udp4());
      b.writeUInt16BE(len, 24);
      cases.push([`UDP length ${len}`, b]);
    }
    const v6 = Buffer.from(udp6());
    v6[0] = 0x40;
    cases.push(['IPv6 header with version 4', v6, LINKTYPE_IPV6]);
    for (const [name, pkt, lt] of cases) {
      expect(dec(pkt, lt ?? LINKTYPE_IPV4).st, name).toBe(DecodeStatus.Malformed);
    }
  });
});

describe('truncation at every length', () => {
  const seg6 = tcpSegment('2001:db8::1', '2001:db8::2', 1, 2, 3, 4, 0x18, Buffer.from('x'));
  const frames: [string, Buffer, number][] = [
    ['ethernet/ipv4/tcp', ethernet(MAC_A, MAC_B, 0x0800, tcp(Buffer.alloc(80, 1))), 1],
    [
      'ethernet/ipv4 options/tcp options',
      ethernet(
        MAC_A,
        MAC_B,
        0x0800,
        withIpOptions(
          ipv4Packet(
            '10.0.0.1',
            '10.0.0.2',
            6,
            tcpSegment('10.0.0.1', '10.0.0.2', 1, 2, 3, 4, 0x02, Buffer.from('d'), { mss: 1460 }),
          ),
          Buffer.alloc(12, 1),
        ),
      ),
      1,
    ],
    [
      '802.1Q/ipv4/udp',
      udpFrame({ mac: MAC_A, ip: '10.0.0.1' }, { mac: MAC_B, ip: '10.0.0.2' }, 1, 2, Buffer.from('zz'), {
        vlan: 5,
      }),
      1,
    ],
    ['qinq/ipv6/udp', ethernet(MAC_A, MAC_B, 0x86dd, udp6(), { vlan: 5, vlanInner: 6 }), 1],
    [
      'ipv6 chain/tcp',
      ethernet(
        MAC_A,
        MAC_B,
        0x86dd,
        ipv6Chain(
          [
            [0, 8],
            [43, 24],
            [60, 16],
            [51, 16],
          ],
          6,
          seg6,
        ),
      ),
      1,
    ],
    [
      'sll/ipv4/udp',
      Buffer.concat([Buffer.from('00000001000602000000000a00000800', 'hex'), udp4()]),
      LINKTYPE_LINUX_SLL,
    ],
    [
      'sll2/ipv6/udp',
      Buffer.concat([Buffer.from('86dd00000000000200010006' + '02000000000b0000', 'hex'), udp6()]),
      LINKTYPE_LINUX_SLL2,
    ],
    ['null/ipv6/udp', Buffer.concat([Buffer.from([30, 0, 0, 0]), udp6()]), LINKTYPE_NULL],
    ['raw/ipv4/tcp', tcp(), LINKTYPE_RAW],
    ['snap/ipv4/udp', llcSnap(MAC_A, MAC_B, 0, 0x0800, udp4(Buffer.alloc(30))), 1],
  ];

  it.each(frames)('%s: Truncated before the transport header ends, never a throw', (_name, frame, lt) => {
    const full = dec(frame, lt);
    expect(full.st).toBe(DecodeStatus.Ok);
    const headerEnd = full.p.payloadOff;
    expect(headerEnd).toBeGreaterThan(20);
    for (let n = 0; n <= frame.length; n++) {
      // The frame cut short in its own buffer; in a bigger buffer whose bytes run on past the
      // captured length; and at an offset inside a buffer of junk.
      const cut = Buffer.from(frame.subarray(0, n));
      const views = [
        dec(cut, lt),
        dec(frame, lt, { caplen: n }),
        dec(Buffer.concat([Buffer.alloc(7, 0xff), frame, Buffer.alloc(9, 0xff)]), lt, { off: 7, caplen: n }),
      ];
      for (const [i, v] of views.entries()) {
        if (n < headerEnd) expect(v.st, `length ${n} view ${i}`).toBe(DecodeStatus.Truncated);
        else {
          expect(v.st, `length ${n} view ${i}`).toBe(DecodeStatus.Ok);
          expect(v.p.payloadOff - (i === 2 ? 7 : 0)).toBe(headerEnd);
          expect(v.p.payloadLen).toBeLessThanOrEqual(Math.max(0, n - headerEnd));
          expect(v.p.payloadLen).toBe(Math.min(full.p.payloadLen, n - headerEnd));
        }
      }
    }
  });
});

describe('fragments', () => {
  it('IPv4: first, middle and last fragments are flagged with their fields', () => {
    const body = udpDatagram('10.0.0.1', '10.0.0.2', 1, 2, Buffer.alloc(40));
    const first = ipv4Packet('10.0.0.1', '10.0.0.2', 17, body.subarray(0, 16), {
      id: 0xbeef,
      moreFragments: true,
    });
    const mid = ipv4Packet('10.0.0.1', '10.0.0.2', 17, body.subarray(16, 32), {
      id: 0xbeef,
      moreFragments: true,
      fragmentOffset: 16,
    });
    const last = ipv4Packet('10.0.0.1', '10.0.0.2', 17, body.subarray(32), {
      id: 0xbeef,
      fragmentOffset: 32,
    });
    const expected = [
      [0, true, 16],
      [16, true, 16],
      [32, false, 16],
    ];
    for (const [i, pkt] of [first, mid, last].entries()) {
      const { st, p } = dec(ethernet(MAC_A, MAC_B, 0x0800, pkt));
      expect(st).toBe(DecodeStatus.Fragment);
      expect([p.l3, p.src4, p.dst4, p.ipProto]).toEqual([L3.IPv4, IP_A, IP_B, 17]);
      expect([
        frag.id,
        frag.offset,
        frag.more,
        frag.payloadLen,
        frag.proto,
        frag.payloadOff,
        frag.headerLen,
      ]).toEqual([0xbeef, ...expected[i]!, 17, 34, 20]);
    }
    // Don't-fragment alone is a whole datagram.
    const df = ipv4Packet('10.0.0.1', '10.0.0.2', 17, body, { dontFragment: true });
    expect(dec(df, LINKTYPE_RAW).st).toBe(DecodeStatus.Ok);
  });

  it('IPv6: a fragment header after hop-by-hop is flagged; an atomic fragment decodes through', () => {
    const fragHdr = (offset: number, more: boolean, id: number, next = 17) => {
      const h = Buffer.alloc(8);
      h[0] = next;
      h.writeUInt16BE(offset | (more ? 1 : 0), 2);
      h.writeUInt32BE(id, 4);
      return h;
    };
    const hbh = Buffer.from([44, 0, 1, 4, 0, 0, 0, 0]);
    const data = Buffer.alloc(24, 3);
    const pkt = ipv6Packet(
      '2001:db8::1',
      '2001:db8::2',
      0,
      Buffer.concat([hbh, fragHdr(1448, true, 0xdeadbeef), data]),
    );
    const { st, p } = dec(pkt, LINKTYPE_IPV6);
    expect(st).toBe(DecodeStatus.Fragment);
    expect([p.l3, p.ipProto]).toEqual([L3.IPv6, 17]);
    expect([
      frag.id,
      frag.offset,
      frag.more,
      frag.payloadOff,
      frag.payloadLen,
      frag.proto,
      frag.headerLen,
    ]).toEqual([0xdeadbeef, 1448, true, 56, 24, 17, 56]);
    const last = ipv6Packet('2001:db8::1', '2001:db8::2', 44, Buffer.concat([fragHdr(8, false, 7), data]));
    expect(dec(last, LINKTYPE_IPV6).st).toBe(DecodeStatus.Fragment);
    expect([frag.offset, frag.more, frag.payloadLen]).toEqual([8, false, 24]);

    const udp = udpDatagram('2001:db8::1', '2001:db8::2', 9, 10, Buffer.from('atomic'));
    const atomic = ipv6Packet('2001:db8::1', '2001:db8::2', 44, Buffer.concat([fragHdr(0, false, 9), udp]));
    const a = dec(atomic, LINKTYPE_IPV6);
    expect([a.st, a.p.ipProto, a.p.srcPort, a.p.payloadLen]).toEqual([DecodeStatus.Ok, 17, 9, 6]);
  });
});

describe('Packet view reuse', () => {
  it('reset() clears every decoded field, so a frame never inherits the previous one', () => {
    const p = new Packet();
    const fresh = new Packet();
    p.data = ethernet(MAC_A, MAC_B, 0x0800, tcp(), { vlan: 3, vlanInner: 4 });
    p.linktype = 1;
    p.caplen = p.data.length;
    expect(decode(p)).toBe(DecodeStatus.Ok);
    p.reassembled = true;
    p.reset();
    const keys = [
      'srcMac',
      'dstMac',
      'vlan',
      'vlanInner',
      'ethertype',
      'snapOui',
      'l2PayloadOff',
      'l2PayloadLen',
      'l3',
      'src4',
      'dst4',
      'ipProto',
      'ttl',
      'reassembled',
      'srcPort',
      'dstPort',
      'tcpFlags',
      'seq',
      'ack',
      'payloadOff',
      'payloadLen',
    ] as const;
    for (const k of keys) expect(p[k], k).toBe(fresh[k]);
  });
});

describe('random damage', () => {
  it('50,000 mutated frames: never a throw, every view inside the captured bytes', () => {
    const next = rng(777);
    const seg6 = tcpSegment('2001:db8::1', '2001:db8::2', 1, 2, 3, 4, 0x18, Buffer.from('payload'));
    const bases: [Buffer, number][] = [
      [ethernet(MAC_A, MAC_B, 0x0800, tcp(Buffer.alloc(40, 1)), { vlan: 3 }), 1],
      [
        ethernet(
          MAC_A,
          MAC_B,
          0x86dd,
          ipv6Chain(
            [
              [0, 8],
              [43, 24],
              [44, 8],
            ],
            6,
            seg6,
          ),
        ),
        1,
      ],
      [llcSnap(MAC_A, MAC_B, 0, 0x0800, udp4(Buffer.alloc(20))), 1],
      [Buffer.concat([Buffer.from('00000001000602000000000a00000800', 'hex'), udp4()]), LINKTYPE_LINUX_SLL],
      [Buffer.concat([Buffer.from([30, 0, 0, 0]), udp6()]), LINKTYPE_NULL],
      [tcp(), LINKTYPE_RAW],
    ];
    const statuses = new Set<DecodeStatus>();
    for (let i = 0; i < 50_000; i++) {
      const [base, lt] = bases[i % bases.length]!;
      const f = Buffer.concat([Buffer.alloc(3, 0xaa), base, Buffer.alloc(5, 0xbb)]);
      const flips = 1 + Math.floor(next() * 4);
      for (let k = 0; k < flips; k++)
        f[3 + Math.floor(next() * Math.min(base.length, 80))] = Math.floor(next() * 256);
      const caplen = next() < 0.3 ? Math.floor(next() * base.length) : base.length;
      const { st, p } = dec(f, lt, { off: 3, caplen });
      statuses.add(st);
      const end = 3 + caplen;
      if (st === DecodeStatus.Ok) {
        if (p.l2PayloadLen < 0 || p.l2PayloadOff + p.l2PayloadLen > end)
          expect.fail(`frame ${i}: layer-2 view out of bounds`);
        if (p.l3 !== L3.None && (p.payloadOff < 3 || p.payloadLen < 0 || p.payloadOff + p.payloadLen > end)) {
          expect.fail(`frame ${i}: payload [${p.payloadOff}, +${p.payloadLen}) outside [3, ${end})`);
        }
      } else if (st === DecodeStatus.Fragment) {
        if (frag.payloadLen < 0 || frag.payloadOff + frag.payloadLen > end)
          expect.fail(`frame ${i}: fragment out of bounds`);
      }
    }
    expect([...statuses].sort()).toEqual([
      DecodeStatus.Ok,
      DecodeStatus.Truncated,
      DecodeStatus.Malformed,
      DecodeStatus.Fragment,
    ]);
  });
});
