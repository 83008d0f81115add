/** Connections that reuse a 5-tuple, evidence across several inputs, fragment keys. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AnalyzerDescriptor } from '../protocols/analyzer.js';
import { ethernet, ipv4Packet, ipv6Packet, tcpSegment, udpDatagram, udpFrame } from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { analyze, analyzeBytes } from './analyze.js';
import { openStream } from './source.js';
import { recorder, streamText } from './testing/support.js';

const client = { mac: '02:00:00:00:00:01', ip: '10.0.0.1' };
const server = { mac: '02:00:00:00:00:02', ip: '10.0.0.2' };

describe('a client reconnecting from the same port', () => {
  it('is a new flow when the SYN carries a new initial sequence number', async () => {
    const first = new TcpSession(client, server, 40001, 502, {}, 1000, 9000)
      .open()
      .send(Buffer.from('one'))
      .close();
    const second = new TcpSession(client, server, 40001, 502, {}, 777_777, 5555)
      .open()
      .send(Buffer.from('two'));
    const t = recorder('t', { transport: 'tcp', ports: [502] });
    const { events } = await analyzeBytes(writePcap([...first.frames, ...second.frames]), {
      analyzers: [t.descriptor],
    });
    expect(t.flows.map((f) => streamText(f, 0))).toEqual(['one', 'two']);
    const flows = events.filter((e) => e.kind === 'flow.observed');
    expect(flows.map((f) => f.kind === 'flow.observed' && f.tcpState)).toEqual(['closed', 'established']);
  });

  it('stays one flow when the same SYN comes again (a retransmission)', async () => {
    const s = new TcpSession(client, server, 40002, 502, {}, 1000, 9000).open();
    const syn = s.frames[0]!;
    s.send(Buffer.from('data'));
    const t = recorder('t', { transport: 'tcp', ports: [502] });
    await analyzeBytes(writePcap([syn, ...s.frames]), { analyzers: [t.descriptor] });
    expect(t.flows).toHaveLength(1);
    expect(streamText(t.flows[0]!, 0)).toBe('data');
  });
});

describe('several inputs', () => {
  it('number frames per input and name each input as the evidence source', async () => {
    const seen: { source: string; frame: number | undefined }[] = [];
    const probe: AnalyzerDescriptor = {
      name: 'probe',
      transport: 'udp',
      ports: [9],
      create(ctx) {
        return {
          data() {
            const e = ctx.evidence();
            seen.push({ source: e.source, frame: e.frame });
          },
        };
      },
    };
    const pcap = (n: number) =>
      writePcap(Array.from({ length: n }, (_, i) => udpFrame(client, server, 1000 + i, 9, Buffer.from('x'))));
    const a = await openStream('a.pcap', Readable.from([pcap(2)]));
    const b = await openStream('b.pcap', Readable.from([pcap(3)]));
    const summary = await analyze([a, b], { analyzers: [probe] });
    expect(summary.packets).toBe(5);
    expect(seen).toEqual([
      { source: 'a.pcap', frame: 1 },
      { source: 'a.pcap', frame: 2 },
      { source: 'b.pcap', frame: 1 },
      { source: 'b.pcap', frame: 2 },
      { source: 'b.pcap', frame: 3 },
    ]);
  });
});

describe('fragments', () => {
  it('of the same id on two VLANs are two datagrams, and IPv6 fragments name their hosts', async () => {
    const seg = udpDatagram(client.ip, server.ip, 1, 9, Buffer.alloc(64, 7));
    const part = (vlan: number, off: number, more: boolean) =>
      ethernet(
        client.mac,
        server.mac,
        0x0800,
        ipv4Packet(client.ip, server.ip, 17, seg.subarray(off, more ? off + 32 : seg.length), {
          id: 42,
          fragmentOffset: off,
          moreFragments: more,
        }),
        { vlan },
      );
    // VLAN 10 sends only the first half, VLAN 20 only the second: nothing may complete.
    const crossed = await analyzeBytes(writePcap([part(10, 0, true), part(20, 32, false)]), {
      analyzers: [],
    });
    expect(crossed.summary.ipFragments).toEqual({ fragments: 2, reassembled: 0 });
    const whole = await analyzeBytes(writePcap([part(10, 0, true), part(10, 32, false)]), { analyzers: [] });
    expect(whole.summary.ipFragments).toEqual({ fragments: 2, reassembled: 1 });

    const fragHeader = Buffer.from([17, 0, 0, 1, 0, 0, 0, 9]); // next UDP, offset 0, more, id 9
    const v6 = ethernet(
      client.mac,
      server.mac,
      0x86dd,
      ipv6Packet('2001:db8::1', '2001:db8::2', 44, Buffer.concat([fragHeader, Buffer.alloc(16)])),
    );
    const six = await analyzeBytes(writePcap([v6]), { analyzers: [] });
    expect(six.summary.hosts.map((h) => h.ip)).toEqual(['2001:db8::1', '2001:db8::2']);
  });
});

describe('crafted TCP flags', () => {
  it('a SYN that also carries FIN does not decide who the client is', async () => {
    const seg = tcpSegment(server.ip, client.ip, 502, 40000, 1, 0, 0x03, Buffer.alloc(0));
    const frame = ethernet(server.mac, client.mac, 0x0800, ipv4Packet(server.ip, client.ip, 6, seg));
    const { events } = await analyzeBytes(writePcap([frame]), { analyzers: [] });
    const f = events.find((e) => e.kind === 'flow.observed');
    expect(f).toMatchObject({ client: { ip: client.ip, port: 40000 }, server: { ip: server.ip, port: 502 } });
  });
});
