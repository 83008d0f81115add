import { describe, expect, it } from 'vitest';
import { type Host, ipv4Packet, ipv6Packet, udpDatagram, udpFrame } from '../sim/frames.js';
import { type TimedFrame, writePcap } from '../sim/pcap-writer.js';
import { BT_EPB, PcapngWriter, TSRESOL_NS, tsresolPow2 } from '../sim/pcapng-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_LINUX_SLL, LINKTYPE_RAW } from './decode.js';
import { collectBytes, type Rec } from './testing/support.js';

const A: Host = { mac: '02:00:00:00:00:01', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:02', ip: '10.0.0.2' };
const T0 = 1_700_000_000_000_000;

/** Frames of many sizes: 60-byte minimums, odd lengths, a full 1514-byte frame. */
function frames(n = 40): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const size = i % 7 === 3 ? 1472 : (i * 37) % 301;
    const payload = Buffer.alloc(size, i & 0xff);
    out.push(udpFrame(A, B, 40000 + i, 502, payload));
  }
  const s = new TcpSession(A, B, 50000, 102)
    .open()
    .send(Buffer.from('x'.repeat(3000)))
    .close();
  return [...out, ...s.frames];
}

/** Timestamps with sub-millisecond parts, some non-monotonic. */
function timed(fs: Buffer[]): TimedFrame[] {
  return fs.map((frame, i) => ({
    tsUs: T0 + i * 1_234_567 + ((i * 7919) % 1_000_000) - (i % 5 === 4 ? 3000 : 0),
    frame,
  }));
}

function slim(recs: Rec[]) {
  return recs.map((r) => ({
    lt: r.linktype,
    ts: r.tsUs,
    hex: r.data.toString('hex'),
    orig: r.origLen,
    i: r.iface,
  }));
}

describe('classic pcap', () => {
  const tf = timed(frames());

  it.each([
    { bigEndian: false, nanos: false },
    { bigEndian: true, nanos: false },
    { bigEndian: false, nanos: true },
    { bigEndian: true, nanos: true },
  ])('byte order and resolution give identical packets and exact times: %o', async (o) => {
    const { recs, result } = await collectBytes(writePcap(tf, o));
    expect(result.error).toBeNull();
    expect(result.format).toBe('pcap');
    expect(result.records).toBe(tf.length);
    expect(recs.map((r) => r.tsUs)).toEqual(tf.map((t) => t.tsUs));
    expect(recs.map((r) => r.data)).toEqual(tf.map((t) => t.frame));
    expect(recs.every((r) => r.linktype === 1 && r.iface === 0)).toBe(true);
    expect(recs.map((r) => r.origLen)).toEqual(tf.map((t) => t.frame.length));
  });

  it('keeps the microsecond of a nanosecond timestamp, rounding down', async () => {
    for (const be of [false, true]) {
      const buf = writePcap([{ tsUs: T0, frame: udpFrame(A, B, 1, 2, Buffer.alloc(0)) }], {
        nanos: true,
        bigEndian: be,
      });
      for (const ns of [0, 999, 1000, 123_456_789, 999_999_999]) {
        if (be) buf.writeUInt32BE(ns, 28);
        else buf.writeUInt32LE(ns, 28);
        const { recs } = await collectBytes(buf);
        expect(recs[0]!.tsUs).toBe(T0 + Math.floor(ns / 1000));
      }
    }
  });

  it('reads the link type and a record shorter than its original length', async () => {
    const raw = ipv4Packet(
      '10.0.0.1',
      '10.0.0.2',
      17,
      udpDatagram('10.0.0.1', '10.0.0.2', 1, 2, Buffer.alloc(50)),
    );
    const buf = writePcap([raw], { linktype: LINKTYPE_RAW });
    buf.writeUInt32LE(500, 24 + 12); // original length on the wire
    const { recs } = await collectBytes(buf);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.linktype).toBe(101);
    expect(recs[0]!.data).toEqual(raw);
    expect(recs[0]!.origLen).toBe(500);
  });

  it('strips the FCS flag bits from the link-type field', async () => {
    const buf = writePcap([udpFrame(A, B, 1, 2, Buffer.alloc(3))]);
    buf.writeUInt32LE(0x14000001, 20); // FCS present, 4 bytes (draft-ietf-opsawg-pcap §4)
    const { recs } = await collectBytes(buf);
    expect(recs[0]!.linktype).toBe(1);
  });
});

/**
 * A two-section pcapng: the first little-endian with Ethernet (ns), raw IPv4 (2^-10 s plus an
 * offset) and Linux SLL (µs); the second big-endian with raw IP (ns, offset) and Ethernet.
 */
function twoSections(): { file: Buffer; expected: Omit<Rec, 'data'>[]; data: Buffer[] } {
  const eth = udpFrame(A, B, 1111, 2222, Buffer.from('ethernet frame'));
  const ip4 = ipv4Packet(
    '10.0.0.1',
    '10.0.0.2',
    17,
    udpDatagram('10.0.0.1', '10.0.0.2', 3, 4, Buffer.from('raw v4!')),
  );
  const sll = Buffer.concat([
    Buffer.from('0000000100060200000000010000', 'hex'),
    Buffer.from([0x08, 0x00]),
    ip4,
  ]);
  const ip6 = ipv6Packet(
    'fe80::1',
    'fe80::2',
    17,
    udpDatagram('fe80::1', 'fe80::2', 5, 6, Buffer.from('v6')),
  );

  const w = new PcapngWriter({ application: 'lineguard tests' });
  w.addInterface({ linktype: LINKTYPE_ETHERNET, tsresol: TSRESOL_NS, name: 'eth0' });
  w.addInterface({ linktype: LINKTYPE_IPV4, tsresol: tsresolPow2(10), tsoffsetSec: 1_600_000_000 });
  w.addInterface({ linktype: LINKTYPE_LINUX_SLL });
  w.block(4, Buffer.from('0000000000000000', 'hex')); // Name Resolution Block: end of records only
  // 1700000005899655745 ns: a value where a floating-point conversion lands one µs high.
  w.packet(0, 0, eth, { units: 1_700_000_005_899_655_745n, comment: 'first' });
  w.packet(1, 0, ip4, { units: 1024n * 1234n + 7n, origLen: 1000 });
  w.block(0x00000099, Buffer.from('a block type nobody defined, skipped'));
  w.block(0x00000bad, Buffer.from('0000a1b2a custom block, copiable', 'latin1'));
  w.packet(2, T0 + 17, sll);
  w.simplePacket(eth);
  w.obsoletePacket(2, T0 + 99, sll, { drops: 3 });
  w.block(0x40000bad, Buffer.from('0000a1b2custom!!', 'latin1')); // custom block
  w.packet(0, 0, eth, { units: 999n }); // 999 ns after the epoch
  w.section({ bigEndian: true });
  w.addInterface({ linktype: LINKTYPE_RAW, tsresol: TSRESOL_NS, tsoffsetSec: 1_000 });
  w.addInterface({ linktype: LINKTYPE_ETHERNET });
  w.packet(0, 0, ip6, { units: 5_000_001_999n });
  w.packet(1, T0 + 1, eth);
  w.simplePacket(ip6);
  w.block(5, Buffer.alloc(8)); // Interface Statistics Block
  w.obsoletePacket(1, T0 + 2, eth);

  const expected = [
    { linktype: 1, tsUs: 1_700_000_005_899_655, origLen: eth.length, iface: 0 },
    // 7/1024 s = 6835.9375 µs, on top of 1234 s and the 1_600_000_000 s offset.
    { linktype: 228, tsUs: 1_600_001_234_006_835, origLen: 1000, iface: 1 },
    { linktype: 113, tsUs: T0 + 17, origLen: sll.length, iface: 2 },
    { linktype: 1, tsUs: T0 + 17, origLen: eth.length, iface: 0 }, // SPB: the previous time
    { linktype: 113, tsUs: T0 + 99, origLen: sll.length, iface: 2 },
    { linktype: 1, tsUs: 0, origLen: eth.length, iface: 0 },
    { linktype: 101, tsUs: 1_005_000_001, origLen: ip6.length, iface: 0 },
    { linktype: 1, tsUs: T0 + 1, origLen: eth.length, iface: 1 },
    { linktype: 101, tsUs: T0 + 1, origLen: ip6.length, iface: 0 },
    { linktype: 1, tsUs: T0 + 2, origLen: eth.length, iface: 1 },
  ];
  return { file: w.toBuffer(), expected, data: [eth, ip4, sll, eth, sll, eth, ip6, eth, ip6, eth] };
}

describe('pcapng', () => {
  it('walks two sections of different byte order, several interfaces, SPB, OPB, unknown blocks', async () => {
    const { file, expected, data } = twoSections();
    const { recs, result } = await collectBytes(file);
    expect(result.error).toBeNull();
    expect(result.format).toBe('pcapng');
    expect(result.records).toBe(expected.length);
    expect(result.bytes).toBe(file.length);
    expect(recs.map(({ data: _, ...r }) => r)).toEqual(expected);
    expect(recs.map((r) => r.data)).toEqual(data);
  });

  it('converts nanosecond timestamps exactly (no floating-point rounding up)', async () => {
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1, tsresol: TSRESOL_NS });
    const frame = udpFrame(A, B, 1, 2, Buffer.alloc(0));
    const ns: bigint[] = [];
    for (let i = 0n; i < 2000n; i++) ns.push(1_700_000_000_000_000_000n + i * 7_919_123_457n + (i % 1000n));
    for (const t of ns) w.packet(0, 0, frame, { units: t });
    const { recs } = await collectBytes(w.toBuffer());
    expect(recs.map((r) => r.tsUs)).toEqual(ns.map((t) => Number(t / 1000n)));
  });

  it('converts 2^-n and coarse resolutions with offsets exactly', async () => {
    const cases: { tsresol: number; off: number; units: bigint[] }[] = [
      { tsresol: tsresolPow2(10), off: 1_600_000_000, units: [0n, 7n, 1023n, 1024n * 1_000_000n + 15n] },
      { tsresol: tsresolPow2(20), off: 1_700_000_000, units: [1n, 1n << 40n, (1n << 40n) + 1048575n] },
      { tsresol: tsresolPow2(0), off: 0, units: [1_700_000_000n] },
      { tsresol: 3, off: 0, units: [1_700_000_000_123n] }, // milliseconds
      { tsresol: 7, off: 0, units: [17_000_000_001_234_567n] }, // 100 ns
      { tsresol: 6, off: -10, units: [1_000_000_000_000_000n] }, // negative offset (int64)
    ];
    for (const c of cases) {
      const w = new PcapngWriter({ bigEndian: c.tsresol === 7 });
      w.addInterface({ linktype: 1, tsresol: c.tsresol, tsoffsetSec: c.off });
      for (const u of c.units) w.packet(0, 0, udpFrame(A, B, 1, 2, Buffer.alloc(0)), { units: u });
      const { recs, result } = await collectBytes(w.toBuffer());
      expect(result.error).toBeNull();
      const per = c.tsresol & 0x80 ? 2n ** BigInt(c.tsresol & 0x7f) : 10n ** BigInt(c.tsresol);
      expect(recs.map((r) => r.tsUs)).toEqual(
        c.units.map((u) => Number((u * 1_000_000n) / per) + c.off * 1e6),
      );
    }
  });

  it('cuts a simple packet to interface 0 snaplen, never returning padding', async () => {
    const frame = udpFrame(A, B, 1, 2, Buffer.alloc(80, 7));
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1, snaplen: 61 });
    w.simplePacket(frame); // 61 bytes kept, padded to 64 in the block
    w.simplePacket(frame.subarray(0, 57), 57); // shorter than snaplen: as is
    const { recs } = await collectBytes(w.toBuffer());
    expect(recs.map((r) => [r.data.length, r.origLen])).toEqual([
      [61, frame.length],
      [57, 57],
    ]);
    expect(recs[0]!.data).toEqual(frame.subarray(0, 61));
  });

  it('reads a packet with caplen 0 and a block of only options', async () => {
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1 });
    w.packet(0, T0, Buffer.alloc(0), { origLen: 60, comment: 'empty' });
    w.packet(0, T0 + 1, Buffer.from([1, 2, 3]));
    const { recs, result } = await collectBytes(w.toBuffer());
    expect(result.error).toBeNull();
    expect(recs.map((r) => [r.data.toString('hex'), r.origLen, r.tsUs])).toEqual([
      ['', 60, T0],
      ['010203', 3, T0 + 1],
    ]);
  });
});

describe('chunk boundaries', () => {
  const tf = timed(frames(60));
  const files: [string, Buffer][] = [
    ['pcap le', writePcap(tf)],
    ['pcap be ns', writePcap(tf, { bigEndian: true, nanos: true })],
    ['pcapng', twoSections().file],
    [
      'pcapng mixed',
      (() => {
        const w = new PcapngWriter({ bigEndian: true });
        w.addInterface({ linktype: 1 });
        for (const [i, t] of tf.entries()) {
          if (i % 3 === 0) w.simplePacket(t.frame);
          else w.packet(0, t.tsUs, t.frame);
          if (i % 10 === 0) w.block(0x99, Buffer.alloc(i)); // unknown type
        }
        return w.toBuffer();
      })(),
    ],
  ];

  it.each(files)(
    '%s: small and odd chunk sizes give the same packets as one big chunk',
    async (_name, file) => {
      const whole = await collectBytes(file);
      expect(whole.result.error).toBeNull();
      for (const chunkSize of [64, 67, 97, 128, 1000, 1517, 4093]) {
        for (const maxRead of [undefined, 1, 13]) {
          if (maxRead === 1 && chunkSize > 100) continue; // byte by byte: enough at small chunks
          const got = await collectBytes(file, { chunkSize }, maxRead);
          expect(got.result.error, `chunk ${chunkSize} read ${maxRead}`).toBeNull();
          expect(got.result.records).toBe(whole.result.records);
          expect(got.result.bytes).toBe(file.length);
          expect(slim(got.recs)).toEqual(slim(whole.recs));
        }
      }
    },
  );

  it('a record far bigger than the chunk grows the buffer and is read whole', async () => {
    const big = Buffer.alloc(60_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const fs = [udpFrame(A, B, 1, 2, Buffer.alloc(3)), big, udpFrame(A, B, 1, 2, Buffer.alloc(9))];
    for (const file of [writePcap(fs), writePcap(fs, { bigEndian: true })]) {
      const { recs, result } = await collectBytes(file, { chunkSize: 64 });
      expect(result.error).toBeNull();
      expect(recs.map((r) => r.data)).toEqual(fs);
    }
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1 });
    for (const f of fs) w.packet(0, T0, f);
    const { recs } = await collectBytes(w.toBuffer(), { chunkSize: 64 });
    expect(recs.map((r) => r.data)).toEqual(fs);
  });

  it('reports progress with monotonic byte counts ending at the file size', async () => {
    const file = writePcap(tf);
    const seen: [number, number][] = [];
    await collectBytes(file, { chunkSize: 256, onChunk: (walked, records) => seen.push([walked, records]) });
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
      expect(seen[i]![1]).toBeGreaterThanOrEqual(seen[i - 1]![1]);
    }
    expect(seen.at(-1)).toEqual([file.length, tf.length]);
  });
});

/** Start offset of every record in a pcap (after the 24-byte header). */
function pcapOffsets(file: Buffer, le = true): number[] {
  const out: number[] = [];
  for (let o = 24; o < file.length; ) {
    out.push(o);
    o += 16 + (le ? file.readUInt32LE(o + 8) : file.readUInt32BE(o + 8));
  }
  return out;
}

/** Start offset and type of every pcapng block. */
function ngBlocks(file: Buffer): { off: number; len: number; packet: boolean }[] {
  const out: { off: number; len: number; packet: boolean }[] = [];
  let le = true;
  for (let o = 0; o < file.length; ) {
    if (file.readUInt32LE(o) === 0x0a0d0d0a) le = file.readUInt32LE(o + 8) === 0x1a2b3c4d;
    const type = le ? file.readUInt32LE(o) : file.readUInt32BE(o);
    const len = le ? file.readUInt32LE(o + 4) : file.readUInt32BE(o + 4);
    out.push({ off: o, len, packet: type === 2 || type === 3 || type === 6 });
    o += len;
  }
  return out;
}

describe('errors', () => {
  it('empty input, garbage and too-short input are not a capture, at offset 0', async () => {
    for (const input of [
      Buffer.alloc(0),
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0xd4, 0xc3]),
    ]) {
      const { recs, result } = await collectBytes(input);
      expect(recs).toEqual([]);
      expect(result.format).toBeNull();
      expect(result.error?.code).toBe('not-a-capture');
      expect(result.error?.offset).toBe(0);
      expect(result.error?.input).toBe('mem');
    }
    const { result } = await collectBytes(Buffer.alloc(0));
    expect(result.error?.message).toBe('mem: empty input at byte 0');
  });

  it('a truncated pcap file header or pcapng section header is truncated at 0', async () => {
    const pcap = writePcap([udpFrame(A, B, 1, 2, Buffer.alloc(0))]);
    for (const n of [4, 10, 23]) {
      const { result } = await collectBytes(pcap.subarray(0, n));
      expect(result.error?.code).toBe('truncated');
      expect(result.error?.offset).toBe(0);
      expect(result.format).toBe('pcap');
    }
    const ng = twoSections().file;
    for (const n of [4, 11, 12, 27]) {
      const { result } = await collectBytes(ng.subarray(0, n));
      expect(result.error?.code).toBe('truncated');
      expect(result.error?.offset).toBe(0);
    }
  });

  it('an unsupported pcap version is reported at its field', async () => {
    const pcap = writePcap([udpFrame(A, B, 1, 2, Buffer.alloc(0))]);
    pcap.writeUInt16LE(3, 4);
    const { result } = await collectBytes(pcap);
    expect(result.error?.code).toBe('unsupported');
    expect(result.error?.offset).toBe(4);
  });

  const small = timed(frames(8));
  it.each([
    ['le', false],
    ['be', true],
  ] as const)(
    'pcap %s cut at every byte: clean at record ends, else truncated at the record start',
    async (_n, be) => {
      const file = writePcap(small, { bigEndian: be, nanos: be });
      const full = await collectBytes(file);
      const starts = pcapOffsets(file, !be);
      for (let cut = 24; cut <= file.length; cut++) {
        const { recs, result } = await collectBytes(file.subarray(0, cut), {
          chunkSize: cut % 2 ? 64 : 1 << 16,
        });
        const done = starts.filter((_s, i) => (starts[i + 1] ?? file.length) <= cut).length;
        expect(slim(recs)).toEqual(slim(full.recs.slice(0, done)));
        if (cut === file.length || starts.includes(cut)) {
          expect(result.error).toBeNull();
        } else {
          expect(result.error?.code).toBe('truncated');
          expect(result.error?.offset).toBe(starts[done]);
          expect(result.records).toBe(done);
          expect(result.bytes).toBe(starts[done]);
        }
      }
    },
  );

  it('pcapng cut at every byte: truncated at the block start, every packet before delivered', async () => {
    const file = twoSections().file;
    const full = await collectBytes(file);
    const blocks = ngBlocks(file);
    for (let cut = 1; cut <= file.length; cut++) {
      const { recs, result } = await collectBytes(file.subarray(0, cut), {
        chunkSize: cut % 2 ? 64 : 1 << 16,
      });
      const complete = blocks.filter((b) => b.off + b.len <= cut);
      const packets = complete.filter((b) => b.packet).length;
      expect(slim(recs)).toEqual(slim(full.recs.slice(0, packets)));
      const boundary = cut === file.length || blocks.some((b) => b.off === cut);
      if (boundary) expect(result.error).toBeNull();
      else {
        expect(result.error?.code).toBe(cut < 4 ? 'not-a-capture' : 'truncated');
        expect(result.error?.offset).toBe(blocks[complete.length]!.off);
      }
    }
  });

  it('an impossible pcap record length is bad-length at the record, packets before kept', async () => {
    for (const be of [false, true]) {
      const file = writePcap(small, { bigEndian: be, snaplen: 65535 });
      const starts = pcapOffsets(file, !be);
      for (const caplen of [0x7fffffff, 0x80000000, 0xffffffff, 65536]) {
        const bad = Buffer.from(file);
        if (be) bad.writeUInt32BE(caplen, starts[3]! + 8);
        else bad.writeUInt32LE(caplen, starts[3]! + 8);
        const { recs, result } = await collectBytes(bad, { maxRecord: 1000 });
        expect(result.error?.code).toBe('bad-length');
        expect(result.error?.offset).toBe(starts[3]);
        expect(recs).toHaveLength(3);
        expect(result.records).toBe(3);
      }
      // Exactly the limit is possible: it is only cut short.
      const edge = Buffer.from(file);
      if (be) edge.writeUInt32BE(65535, starts[3]! + 8);
      else edge.writeUInt32LE(65535, starts[3]! + 8);
      const { result } = await collectBytes(edge, { maxRecord: 1000 });
      expect(result.error?.code).toBe('truncated');
      expect(result.error?.offset).toBe(starts[3]);
    }
  });

  it('pcapng: bad trailer, bad lengths, bad byte-order magic, packet past its block', async () => {
    const file = twoSections().file;
    const blocks = ngBlocks(file);
    const full = await collectBytes(file);
    const epbIdx = blocks.findIndex((b, i) => i > 7 && b.packet && file.readUInt32LE(b.off) === BT_EPB);
    const at = blocks[epbIdx]!;
    const before = blocks.slice(0, epbIdx).filter((b) => b.packet).length;
    const check = async (buf: Buffer, code: string, offset: number, packets: number) => {
      const { recs, result } = await collectBytes(buf);
      expect(result.error?.code).toBe(code);
      expect(result.error?.offset).toBe(offset);
      expect(slim(recs)).toEqual(slim(full.recs.slice(0, packets)));
      expect(result.records).toBe(packets);
    };
    const trailer = Buffer.from(file);
    trailer.writeUInt32LE(at.len + 4, at.off + at.len - 4);
    await check(trailer, 'bad-block', at.off, before);
    for (const len of [8, 13, 0xfffffff0]) {
      const b = Buffer.from(file);
      b.writeUInt32LE(len, at.off + 4);
      await check(b, 'bad-length', at.off, before);
    }
    const caplen = Buffer.from(file);
    caplen.writeUInt32LE(at.len, at.off + 20);
    await check(caplen, 'bad-length', at.off, before);
    // The second section header with a byte-order magic that is neither order.
    const shb2 = blocks.filter((b) => file.readUInt32LE(b.off) === 0x0a0d0d0a)[1]!;
    const bom = Buffer.from(file);
    bom.writeUInt32LE(0x12345678, shb2.off + 8);
    await check(bom, 'bad-block', shb2.off, blocks.filter((b) => b.packet && b.off < shb2.off).length);
  });

  it('pcapng: a packet naming an undeclared interface, or a packet before any interface', async () => {
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1 });
    w.packet(0, T0, Buffer.from('ok'));
    const badAt = w.toBuffer().length;
    w.packet(1, 0, Buffer.from('nope'), { units: 1n });
    w.packet(0, T0, Buffer.from('never'));
    const { recs, result } = await collectBytes(w.toBuffer());
    expect(result.error?.code).toBe('bad-block');
    expect(result.error?.offset).toBe(badAt);
    expect(result.error?.message).toContain('undeclared interface 1');
    expect(recs.map((r) => r.data.toString())).toEqual(['ok']);

    // Interfaces do not carry over into a new section.
    const w2 = new PcapngWriter();
    w2.addInterface({ linktype: 1 });
    w2.section({ bigEndian: true });
    const at2 = w2.toBuffer().length;
    w2.block(BT_EPB, Buffer.alloc(20));
    const r2 = await collectBytes(w2.toBuffer());
    expect(r2.result.error?.code).toBe('bad-block');
    expect(r2.result.error?.offset).toBe(at2);

    const w3 = new PcapngWriter();
    const at3 = w3.toBuffer().length;
    w3.block(3, Buffer.alloc(8));
    const r3 = await collectBytes(w3.toBuffer());
    expect(r3.result.error?.code).toBe('bad-block');
    expect(r3.result.error?.offset).toBe(at3);
  });

  it('pcapng: an interface with an impossible resolution or an option overrunning its block', async () => {
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1, tsresol: 16 });
    const r = await collectBytes(w.toBuffer());
    expect(r.result.error?.code).toBe('bad-block');
    expect(r.result.error?.offset).toBe(28); // right after the 28-byte SHB

    const w2 = new PcapngWriter();
    w2.addInterface({ linktype: 1, name: 'eth0' });
    const b = w2.toBuffer();
    b.writeUInt16LE(200, 28 + 16 + 2); // if_name length beyond the block
    const r2 = await collectBytes(b);
    expect(r2.result.error?.code).toBe('bad-block');
    expect(r2.result.error?.offset).toBe(28);
  });
});
