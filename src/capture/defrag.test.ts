import { describe, expect, it } from 'vitest';
import { ethernet, ipv4Packet, ipv6Packet, udpDatagram } from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { rng } from '../testing/random.js';
import { analyzeBytes } from './analyze.js';
import { DEFAULT_DEFRAG_LIMITS, Defragmenter, type DefragResult } from './defrag.js';
import { anomalies, flowEvents, recorder } from './testing/support.js';

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';

function bytes(n: number, seed: number): Buffer {
  const next = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
}

type Piece = { offset: number; more: boolean; data: Buffer };

/** Cut `payload` into pieces of `size` bytes (a multiple of 8 except the last). */
function split(payload: Buffer, size: number): Piece[] {
  const out: Piece[] = [];
  for (let o = 0; o < payload.length; o += size) {
    out.push({ offset: o, more: o + size < payload.length, data: payload.subarray(o, o + size) });
  }
  return out;
}

function feed(d: Defragmenter, key: string, pieces: Piece[], ts = 0): DefragResult[] {
  return pieces.map((p) => d.add(key, p.offset, p.more, p.data, 0, p.data.length, ts, p.data.length + 34));
}

function complete(rs: DefragResult[]): Extract<DefragResult, { kind: 'complete' }> {
  const done = rs.filter((r) => r.kind === 'complete');
  expect(done).toHaveLength(1);
  expect(rs.at(-1)!.kind).toBe('complete');
  return done[0] as Extract<DefragResult, { kind: 'complete' }>;
}

describe('Defragmenter', () => {
  const payload = bytes(4000, 1);

  it('in order, reverse order and shuffled pieces reassemble exactly', () => {
    const pieces = split(payload, 1480);
    const d = new Defragmenter();
    const r = complete(feed(d, 'k', pieces));
    expect(r.payload).toEqual(payload);
    expect([r.frames, r.wireBytes, r.overlapped]).toEqual([3, 4000 + 3 * 34, false]);
    expect(d.size).toBe(0);
    expect(complete(feed(d, 'k', [...pieces].reverse())).payload).toEqual(payload);
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const size = 8 * (1 + Math.floor(next() * 100));
      const data = bytes(1 + Math.floor(next() * 3000), i);
      const ps = split(data, size);
      for (let j = ps.length - 1; j > 0; j--) {
        const k = Math.floor(next() * (j + 1));
        [ps[j], ps[k]] = [ps[k]!, ps[j]!];
      }
      const rs = feed(d, `k${i}`, ps);
      expect(complete(rs).payload).toEqual(data);
    }
    expect(d.size).toBe(0);
  });

  it('pieces offset into a larger buffer are copied from the right place', () => {
    const d = new Defragmenter();
    const frame = Buffer.concat([Buffer.alloc(30, 0xee), payload.subarray(0, 800), Buffer.alloc(10, 0xee)]);
    expect(d.add('k', 0, true, frame, 30, 800, 0, 0).kind).toBe('pending');
    // The caller's buffer is reused for the next frame: the held copy must not change.
    frame.fill(0);
    const r = d.add('k', 800, false, payload, 800, 200, 0, 0);
    expect(r.kind === 'complete' && r.payload).toEqual(payload.subarray(0, 1000));
  });

  it('overlapping pieces with conflicting data: first copy wins and it is reported', () => {
    const a: Piece = { offset: 0, more: true, data: Buffer.alloc(16, 0x41) };
    const b: Piece = { offset: 8, more: false, data: Buffer.alloc(16, 0x42) };
    const ab = complete(feed(new Defragmenter(), 'k', [a, b]));
    expect(ab.payload.toString()).toBe(`${'A'.repeat(16)}${'B'.repeat(8)}`);
    expect(ab.overlapped).toBe(true);
    const ba = complete(feed(new Defragmenter(), 'k', [b, a]));
    expect(ba.payload.toString()).toBe(`${'A'.repeat(8)}${'B'.repeat(16)}`);
    expect(ba.overlapped).toBe(true);
    // A piece inside another, with different bytes, arriving before the datagram completes.
    const c: Piece = { offset: 0, more: true, data: Buffer.alloc(24, 0x43) };
    const inner: Piece = { offset: 8, more: true, data: Buffer.alloc(8, 0x44) };
    const tail: Piece = { offset: 24, more: false, data: Buffer.alloc(8, 0x45) };
    const r = complete(feed(new Defragmenter(), 'k', [c, inner, tail]));
    expect(r.payload.toString()).toBe(`${'C'.repeat(24)}${'E'.repeat(8)}`);
    expect(r.overlapped).toBe(true);
  });

  it('overlaps and duplicates with the same bytes are not reported', () => {
    const pieces = split(payload, 1000);
    const dup = [
      pieces[0]!,
      pieces[1]!,
      pieces[0]!,
      { offset: 500, more: true, data: payload.subarray(500, 1500) },
    ];
    const r = complete(feed(new Defragmenter(), 'k', [...dup, pieces[2]!, pieces[3]!]));
    expect(r.payload).toEqual(payload);
    expect(r.overlapped).toBe(false);
    expect(r.frames).toBe(6);
  });

  it('a datagram that would exceed 65535 bytes is dropped, with what was held of it', () => {
    const d = new Defragmenter();
    expect(d.add('k', 0, true, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('pending');
    expect(d.add('k', 65528, false, Buffer.alloc(8), 0, 8, 0, 0)).toEqual({
      kind: 'dropped',
      reason: 'too-large',
    });
    expect(d.size).toBe(0);
    // Exactly 65535 is allowed.
    expect(d.add('j', 65520, false, Buffer.alloc(15), 0, 15, 0, 0).kind).toBe('pending');
    expect(d.size).toBe(1);
  });

  it('maxDatagrams: a new datagram beyond the limit is dropped until one completes', () => {
    const d = new Defragmenter({ ...DEFAULT_DEFRAG_LIMITS, maxDatagrams: 2 });
    expect(d.add('a', 0, true, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('pending');
    expect(d.add('b', 0, true, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('pending');
    expect(d.add('c', 0, true, Buffer.alloc(8), 0, 8, 0, 0)).toEqual({ kind: 'dropped', reason: 'limit' });
    expect(d.add('a', 8, false, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('complete');
    expect(d.add('c', 0, true, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('pending');
    expect(d.size).toBe(2);
  });

  it('maxBytes bounds what is held, for new datagrams and growing ones', () => {
    const d = new Defragmenter({ ...DEFAULT_DEFRAG_LIMITS, maxBytes: 100 });
    expect(d.add('a', 0, true, Buffer.alloc(64), 0, 64, 0, 0).kind).toBe('pending');
    expect(d.add('b', 0, true, Buffer.alloc(64), 0, 64, 0, 0)).toEqual({ kind: 'dropped', reason: 'limit' });
    expect(d.add('b', 0, true, Buffer.alloc(32), 0, 32, 0, 0).kind).toBe('pending');
    // 'a' growing past the budget is given up too.
    expect(d.add('a', 64, true, Buffer.alloc(64), 0, 64, 0, 0)).toEqual({ kind: 'dropped', reason: 'limit' });
    expect(d.size).toBe(1);
    expect(d.add('c', 0, true, Buffer.alloc(64), 0, 64, 0, 0).kind).toBe('pending');
  });

  it('a flood of repeated fragments holds one copy, not one per repeat', () => {
    const d = new Defragmenter({ ...DEFAULT_DEFRAG_LIMITS, maxBytes: 1000 });
    const start = performance.now();
    // The last fragment over and over, the first never comes: the datagram never completes.
    for (let i = 0; i < 20_000; i++) {
      expect(d.add('a', 800, false, Buffer.alloc(8), 0, 8, 0, 0).kind).toBe('pending');
      d.add('a', 808 + (i % 50) * 8, false, Buffer.alloc(0), 0, 0, 0, 0);
    }
    expect(performance.now() - start).toBeLessThan(2000);
    // Only 8 bytes are held, so a 900-byte datagram still fits in the 1000-byte budget.
    expect(d.add('b', 0, true, Buffer.alloc(900), 0, 900, 0, 0).kind).toBe('pending');
    expect(d.add('a', 0, true, Buffer.alloc(800), 0, 800, 0, 0)).toEqual({
      kind: 'dropped',
      reason: 'limit',
    });
  });

  it('expire() forgets datagrams older than the timeout, and counts them', () => {
    const d = new Defragmenter({ maxDatagrams: 1, maxBytes: 1 << 20, timeoutUs: 1000 });
    d.add('a', 0, true, Buffer.alloc(8), 0, 8, 5000, 0);
    d.expire(6000);
    expect([d.size, d.timeouts]).toEqual([1, 0]);
    d.expire(6001);
    expect([d.size, d.timeouts]).toEqual([0, 1]);
    // At the datagram limit, a new datagram first expires the stale ones.
    d.add('b', 0, true, Buffer.alloc(8), 0, 8, 10_000, 0);
    expect(d.add('c', 0, true, Buffer.alloc(8), 0, 8, 10_500, 0)).toEqual({
      kind: 'dropped',
      reason: 'limit',
    });
    expect(d.add('c', 0, true, Buffer.alloc(8), 0, 8, 11_001, 0).kind).toBe('pending');
    expect([d.size, d.timeouts]).toEqual([1, 2]);
    // 'b' is gone: its last fragment starts a new, incomplete datagram.
    expect(d.add('b', 8, false, Buffer.alloc(8), 0, 8, 11_002, 0)).toEqual({
      kind: 'dropped',
      reason: 'limit',
    });
  });
});

describe('fragments through the engine', () => {
  const client = { mac: MAC_A, ip: '10.0.0.1' };
  const server = { mac: MAC_B, ip: '10.0.0.2' };
  const data = bytes(3000, 3);
  const udp = udpDatagram(client.ip, server.ip, 40000, 9999, data);

  function v4Frames(pieces: Piece[], id = 0x4242): Buffer[] {
    return pieces.map((p) =>
      ethernet(
        MAC_A,
        MAC_B,
        0x0800,
        ipv4Packet(client.ip, server.ip, 17, p.data, { id, moreFragments: p.more, fragmentOffset: p.offset }),
      ),
    );
  }

  function v6Frames(src: string, dst: string, payload: Buffer, size: number, id: number): Buffer[] {
    return split(payload, size).map((p) => {
      const h = Buffer.alloc(8);
      h[0] = 17;
      h.writeUInt16BE(p.offset | (p.more ? 1 : 0), 2);
      h.writeUInt32BE(id, 4);
      return ethernet(MAC_A, MAC_B, 0x86dd, ipv6Packet(src, dst, 44, Buffer.concat([h, p.data])));
    });
  }

  it('a UDP datagram in IPv4 fragments reaches the analyzer once, whole, in any order', async () => {
    for (const order of ['in', 'reverse', 'middle-first'] as const) {
      const rec = recorder('frag', { transport: 'udp', ports: [9999] });
      let frames = v4Frames(split(udp, 1480));
      if (order === 'reverse') frames = frames.reverse();
      if (order === 'middle-first') frames = [frames[1]!, frames[2]!, frames[0]!];
      const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
      expect(rec.flows).toHaveLength(1);
      const calls = rec.flows[0]!.calls;
      expect(calls.map((c) => c.t)).toEqual(['data', 'end']);
      expect(calls[0]!.t === 'data' && calls[0]!.data).toEqual(data);
      // Evidence points at the frame that completed the datagram.
      expect(calls[0]!.t === 'data' && calls[0]!.frame).toBe(3);
      expect(summary.ipFragments).toEqual({ fragments: 3, reassembled: 1 });
      expect(summary.skipped.fragmentsDropped).toBe(0);
      const flows = flowEvents(events);
      expect(flows).toHaveLength(1);
      expect(flows[0]!.packets).toEqual([3, 0]);
      expect(flows[0]!.bytes).toEqual([frames.reduce((n, f) => n + f.length, 0), 0]);
      expect(flows[0]!.app).toBe('frag');
      expect(flows[0]!.client).toEqual({ mac: MAC_A, ip: '10.0.0.1', port: 40000 });
      expect(summary.layers.udp).toBe(1);
    }
  });

  it('IPv6 fragments reassemble the same way', async () => {
    const src = '2001:db8::1';
    const dst = '2001:db8::2';
    const seg = udpDatagram(src, dst, 40000, 9999, data);
    const rec = recorder('frag', { transport: 'udp', ports: [9999] });
    const frames = v6Frames(src, dst, seg, 1232, 0xfeedface).reverse();
    const { summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
    expect(summary.ipFragments).toEqual({ fragments: 3, reassembled: 1 });
    expect(rec.flows[0]!.calls[0]).toMatchObject({ t: 'data', data });
    expect(rec.flows[0]!.info.client).toEqual({ mac: MAC_A, ip: src, port: 40000 });
  });

  it('overlapping fragments with different data: first copy delivered, anomaly raised', async () => {
    const rec = recorder('frag', { transport: 'udp', ports: [9999] });
    const pieces = split(udp, 1480);
    const evil: Piece = { offset: 1480, more: true, data: Buffer.alloc(1480, 0x66) };
    const frames = v4Frames([pieces[0]!, pieces[1]!, evil, pieces[2]!]);
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
    expect(rec.flows[0]!.calls[0]).toMatchObject({ t: 'data', data });
    const an = anomalies(events);
    expect(an.map((a) => [a.protocol, a.code, a.client?.ip, a.server?.ip, a.evidence.frame])).toEqual([
      ['ip', 'ip.fragment_overlap', '10.0.0.1', '10.0.0.2', 4],
    ]);
    expect(summary.anomalies).toEqual({ 'ip.fragment_overlap': 1 });
  });

  it('an oversized datagram is dropped and reported; a lone fragment is never delivered', async () => {
    const rec = recorder('frag', { transport: 'udp', ports: [9999] });
    const frames = v4Frames([
      { offset: 0, more: true, data: udp.subarray(0, 1480) },
      { offset: 65528, more: false, data: Buffer.alloc(16) },
      { offset: 0, more: true, data: udp.subarray(0, 1480) },
    ]);
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
    expect(rec.flows).toEqual([]);
    expect(summary.skipped.fragmentsDropped).toBe(1);
    expect(summary.ipFragments).toEqual({ fragments: 3, reassembled: 0 });
    expect(anomalies(events).map((a) => a.code)).toEqual(['ip.fragment_too_large']);
    expect(flowEvents(events)).toEqual([]);
    // The hosts are still known.
    expect(summary.hosts.map((h) => h.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('a reassembled datagram whose transport header is broken is counted malformed', async () => {
    const bad = Buffer.from(udp);
    bad.writeUInt16BE(3, 4); // UDP length 3
    const { summary } = await analyzeBytes(writePcap(v4Frames(split(bad, 1480))), { analyzers: [] });
    expect(summary.ipFragments).toEqual({ fragments: 3, reassembled: 1 });
    expect(summary.skipped.malformed).toBe(1);
    expect(summary.flows.total).toBe(0);
  });
});
