/**
 * Random damage to traces built here — cut at random offsets, random bytes overwritten,
 * garbage spliced in — must never make `analyzeBytes` throw: a broken capture comes back as
 * an error with a code and an offset, and broken packets as counters.
 */
import { describe, expect, it } from 'vitest';
import {
  ethernet,
  type Host,
  ipv4Packet,
  ipv6Packet,
  llcSnap,
  udpDatagram,
  udpFrame,
} from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { PcapngWriter, TSRESOL_NS, tsresolPow2 } from '../sim/pcapng-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { rng } from '../testing/random.js';
import { analyzeBytes } from './analyze.js';
import { recorder } from './testing/support.js';

const A: Host = { mac: '02:00:00:00:00:0a', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:0b', ip: '10.0.0.2' };
const A6: Host = { mac: '02:00:00:00:00:0a', ip: '2001:db8::a' };
const B6: Host = { mac: '02:00:00:00:00:0b', ip: '2001:db8::b' };

function frames(): Buffer[] {
  const out: Buffer[] = [];
  const s = new TcpSession(A, B, 40000, 502)
    .open()
    .send(Buffer.from('request one'))
    .reply(Buffer.alloc(3000, 0x41));
  s.rawSegment(true, 20, Buffer.from('ahead of a hole'));
  s.send(Buffer.from('request two')).close();
  out.push(...s.frames);
  out.push(
    ...new TcpSession(A6, B6, 40001, 4840, { vlan: 7 }).open().send(Buffer.from('v6 data')).reset().frames,
  );
  out.push(
    udpFrame(A, B, 5000, 161, Buffer.from('udp data')),
    udpFrame(B6, A6, 547, 546, Buffer.from('dhcp6')),
  );
  out.push(udpFrame(A, B, 5000, 161, Buffer.from('qinq'), { vlan: 1, vlanInner: 2 }));
  const big = udpDatagram(A.ip, B.ip, 7000, 161, Buffer.alloc(2000, 0x42));
  for (const [off, more] of [
    [0, true],
    [1480, false],
  ] as const) {
    const piece = big.subarray(off, more ? off + 1480 : undefined);
    out.push(
      ethernet(
        A.mac,
        B.mac,
        0x0800,
        ipv4Packet(A.ip, B.ip, 17, piece, { id: 9, moreFragments: more, fragmentOffset: off }),
      ),
    );
  }
  const fh = Buffer.from([17, 0, 0, 1, 0, 0, 0, 5]);
  out.push(
    ethernet(A.mac, B.mac, 0x86dd, ipv6Packet(A6.ip, B6.ip, 44, Buffer.concat([fh, big.subarray(0, 1000)]))),
  );
  out.push(llcSnap(A.mac, '01:00:0c:cc:cc:cc', 0x0c, 0x2000, Buffer.from('cdp')));
  out.push(ethernet(A.mac, '01:80:c2:00:00:0e', 0x88cc, Buffer.alloc(40, 1)));
  return out;
}

function traces(): [string, Buffer][] {
  const fs = frames();
  const ng = new PcapngWriter();
  ng.addInterface({ linktype: 1, tsresol: TSRESOL_NS });
  ng.addInterface({ linktype: 101, tsresol: tsresolPow2(20), tsoffsetSec: 1_600_000_000 });
  for (const [i, f] of fs.entries()) {
    if (i % 5 === 1)
      ng.simplePacket(f); // never first: it would have no time at all
    else ng.packet(0, 1_700_000_000_000_000 + i * 997, f);
  }
  ng.block(0x99, Buffer.alloc(12)); // unknown block type
  ng.section({ bigEndian: true });
  ng.addInterface({ linktype: 1 });
  ng.addInterface({ linktype: 101 });
  for (const [i, f] of fs.entries()) {
    if (i % 7 === 0) ng.obsoletePacket(0, 1_700_000_001_000_000 + i, f);
    else ng.packet(0, 1_700_000_001_000_000 + i, f);
  }
  ng.packet(
    1,
    1_700_000_002_000_000,
    ipv4Packet(A.ip, B.ip, 17, udpDatagram(A.ip, B.ip, 1, 2, Buffer.from('raw'))),
  );
  return [
    ['pcap', writePcap(fs)],
    ['pcap be ns', writePcap(fs, { bigEndian: true, nanos: true })],
    ['pcapng', ng.toBuffer()],
  ];
}

function mutate(orig: Buffer, next: () => number): Buffer {
  const kind = next();
  if (kind < 0.3) return Buffer.from(orig.subarray(0, Math.floor(next() * orig.length)));
  const out = Buffer.from(orig);
  const flips = 1 + Math.floor(next() * 12);
  for (let i = 0; i < flips; i++) {
    // Half the flips land in the first 64 bytes of some record-sized window: headers matter most.
    const at =
      next() < 0.5 ? Math.floor(next() * out.length) : Math.floor(next() * Math.min(out.length, 200));
    out[at] = Math.floor(next() * 256);
  }
  if (kind < 0.7) return out;
  const at = Math.floor(next() * out.length);
  const junk = Buffer.from(
    Array.from({ length: 1 + Math.floor(next() * 80) }, () => Math.floor(next() * 256)),
  );
  const cut = next() < 0.5 ? out.length : at + Math.floor(next() * (out.length - at));
  return Buffer.concat([out.subarray(0, at), junk, out.subarray(at, cut)]);
}

const CODES = new Set(['not-a-capture', 'truncated', 'bad-length', 'bad-block', 'unsupported']);

describe('robustness', () => {
  const base = traces();

  it.each(base)('%s: the undamaged trace reads cleanly', async (_name, buf) => {
    const tcp = recorder('t', { transport: 'tcp', ports: [502, 4840] });
    const { summary } = await analyzeBytes(buf, { analyzers: [tcp.descriptor] });
    expect(summary.inputs[0]!.error).toBeUndefined();
    expect(summary.skipped.truncated + summary.skipped.malformed).toBe(0);
    expect(tcp.flows).toHaveLength(2);
  });

  it('2,000 random mutations: never a throw; errors carry a code and an offset inside the input', async () => {
    const next = rng(20_261_125);
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const [name, orig] = base[i % base.length]!;
      const input = mutate(orig, next);
      const tcp = recorder('t', {
        transport: 'tcp',
        ports: [502],
        probe: (d) => (d.length < 3 ? 'more' : d[0]! > 0x80 ? 'yes' : 'no'),
      });
      const udp = recorder('u', {
        transport: 'udp',
        ports: [161],
        probe: (d) => (d[0] === 0 ? 'yes' : 'no'),
      });
      const l2 = recorder('l', { transport: 'l2', ethertypes: [0x88cc], snap: [{ oui: 0x0c, pid: 0x2000 }] });
      let summary: Awaited<ReturnType<typeof analyzeBytes>>['summary'];
      try {
        ({ summary } = await analyzeBytes(input, {
          analyzers: [tcp.descriptor, udp.descriptor, l2.descriptor],
          engine: { maxHeldPerStream: 4096, maxFlows: 64 },
        }));
      } catch (e) {
        // Deterministic: the seed and the index replay it.
        throw new Error(`mutation ${i} of ${name} (${input.length} bytes) threw: ${(e as Error).stack}`);
      }
      const report = summary.inputs[0]!;
      const err = report.error;
      if (err) {
        seen.set(err.code, (seen.get(err.code) ?? 0) + 1);
        if (!CODES.has(err.code) || err.offset < 0 || err.offset > input.length) {
          expect.fail(`mutation ${i} of ${name}: error ${JSON.stringify(err)} for ${input.length} bytes`);
        }
      }
      if (summary.packets !== report.packets || report.bytes > input.length || summary.analyzerErrors !== 0) {
        expect.fail(
          `mutation ${i} of ${name}: ${JSON.stringify({ report, packets: summary.packets, errors: summary.analyzerErrors })}`,
        );
      }
    }
    // The mutations did reach the error paths.
    expect(seen.get('truncated')).toBeGreaterThan(100);
    expect(seen.get('bad-length') ?? 0).toBeGreaterThan(10);
  });
});
