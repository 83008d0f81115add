import { describe, expect, it } from 'vitest';
import type { LineguardEvent } from '../events/types.js';
import { ethernet, type Host, llcSnap, udpFrame } from '../sim/frames.js';
import { type TimedFrame, writePcap } from '../sim/pcap-writer.js';
import { PcapngWriter } from '../sim/pcapng-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { analyzeBytes } from './analyze.js';
import { Engine } from './engine.js';
import { anomalies, callTrace, flowEvents, recorder } from './testing/support.js';

const A: Host = { mac: '02:00:00:00:00:0a', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:0b', ip: '10.0.0.2' };
const C: Host = { mac: '02:00:00:00:00:0c', ip: '10.0.0.3' };
const T0 = 1_700_000_000_000_000;
const SEC = 1_000_000;

const b = (s: string) => Buffer.from(s, 'latin1');

/** Frames at explicit times. */
function at(tsUs: number, frame: Buffer): TimedFrame {
  return { tsUs, frame };
}

/** An engine fed directly (no reader), collecting its events. */
function engineWith(opts: Partial<ConstructorParameters<typeof Engine>[0]> = {}) {
  const events: LineguardEvent[] = [];
  const engine = new Engine({ source: 'test', analyzers: [], ...opts });
  engine.onEvent({ emit: (e) => events.push(e) });
  const feed = (tsUs: number, frame: Buffer, origLen = frame.length) =>
    engine.packet(1, tsUs, frame, 0, frame.length, origLen);
  return { engine, events, feed };
}

describe('flows', () => {
  it('counts packets and wire bytes per direction, with first and last seen', async () => {
    const frames = [
      at(T0, udpFrame(A, B, 40000, 161, Buffer.alloc(100))), // 142 bytes
      at(T0 + 250, udpFrame(B, A, 161, 40000, Buffer.alloc(10))), // 52 → 60 with padding
      at(T0 + 500, udpFrame(A, B, 40000, 161, Buffer.alloc(1000))), // 1042
      at(T0 + 1_500_123, udpFrame(A, B, 40000, 161, Buffer.alloc(0))), // 42 → 60
    ];
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [], source: 'cap1' });
    const flows = flowEvents(events);
    expect(flows).toEqual([
      {
        kind: 'flow.observed',
        client: { mac: A.mac, ip: A.ip, port: 40000 },
        server: { mac: B.mac, ip: B.ip, port: 161 },
        transport: 'udp',
        packets: [3, 1],
        bytes: [142 + 1042 + 60, 60],
        first: T0 / 1000,
        last: (T0 + 1_500_123) / 1000,
        source: 'cap1',
        // Both sides sent with the builder's default TTL: no router between them and the sensor.
        ttl: [64, 64],
      },
    ]);
    expect(summary.packets).toBe(4);
    expect(summary.bytes).toBe(142 + 60 + 1042 + 60);
    expect(summary.flows).toEqual({ total: 1, tcp: 0, udp: 1, icmp: 0, l2: 0, ip: 0 });
    expect(summary.protocols).toEqual([{ name: 'udp/161', packets: 4, bytes: 1304, flows: 1 }]);
    expect(summary.first).toBe(new Date(T0 / 1000).toISOString());
    expect(summary.durationSec).toBe(1.500123);
    expect(summary.layers).toEqual({ vlan: 0, ipv4: 4, ipv6: 0, tcp: 0, udp: 4, icmp: 0, otherIp: 0, l2: 0 });
  });

  it('first and last are the earliest and latest times, also when packets are out of order', () => {
    const { engine, events, feed } = engineWith();
    feed(T0 + 10, udpFrame(A, B, 40000, 50000, b('1')));
    feed(T0 + 50, udpFrame(B, A, 50000, 40000, b('2')));
    feed(T0 + 30, udpFrame(A, B, 40000, 50000, b('3')));
    feed(T0 + 5, udpFrame(A, B, 40000, 50000, b('4')));
    feed(T0 + 3, ethernet(A.mac, B.mac, 0x88b5, Buffer.alloc(46)));
    feed(T0 + 9, ethernet(A.mac, B.mac, 0x88b5, Buffer.alloc(46)));
    feed(T0 + 1, ethernet(A.mac, B.mac, 0x88b5, Buffer.alloc(46)));
    engine.finish();
    expect(
      flowEvents(events).map((f) => [Math.round(f.first * 1000) - T0, Math.round(f.last * 1000) - T0]),
    ).toEqual([
      [5, 50],
      [1, 9],
    ]);
  });

  it('bytes are original lengths, not captured lengths', () => {
    const { engine, events, feed } = engineWith();
    feed(T0, udpFrame(A, B, 1, 2, Buffer.alloc(100)), 1500);
    feed(T0 + 1, udpFrame(B, A, 2, 1, Buffer.alloc(100)), 9000);
    engine.finish();
    expect(flowEvents(events)[0]!.bytes).toEqual([1500, 9000]);
    expect(engine.stats.bytes).toBe(10_500);
  });

  it('TCP counts per direction match the session', async () => {
    const s = new TcpSession(A, B, 50000, 102).open().send(Buffer.alloc(100)).reply(Buffer.alloc(50)).close();
    const { events } = await analyzeBytes(writePcap(s.frames), { analyzers: [] });
    const f = flowEvents(events);
    expect(f).toHaveLength(1);
    // SYN 58→60, ACK 54→60, data 154, FIN 60, ACK 60 | SYN-ACK 60, data 104, FIN 60.
    expect(f[0]).toMatchObject({
      transport: 'tcp',
      packets: [5, 3],
      bytes: [60 + 60 + 154 + 60 + 60, 60 + 104 + 60],
    });
    expect(f[0]!.tcpState).toBe('closed');
  });

  it('VLANs separate flows and show on endpoints', async () => {
    const frames = [
      udpFrame(A, B, 1, 2, b('x'), { vlan: 10 }),
      udpFrame(A, B, 1, 2, b('x'), { vlan: 20 }),
      udpFrame(A, B, 1, 2, b('x')),
    ];
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [] });
    expect(flowEvents(events).map((f) => f.client.vlan)).toEqual([10, 20, undefined]);
    expect(summary.layers.vlan).toBe(2);
  });

  it('a flow idle past its timeout is closed; the next packet starts a new one', async () => {
    const frames = [
      at(T0, udpFrame(A, B, 40000, 161, b('a'))),
      at(T0 + SEC, udpFrame(B, A, 161, 40000, b('b'))),
      at(T0 + 62 * SEC, udpFrame(A, B, 40000, 161, b('c'))), // 61 s after the last: over 60 s
      at(T0 + 63 * SEC, udpFrame(A, B, 40000, 161, b('d'))),
    ];
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [] });
    const flows = flowEvents(events);
    expect(flows.map((f) => [f.packets, f.first, f.last])).toEqual([
      [[1, 1], T0 / 1000, (T0 + SEC) / 1000],
      [[2, 0], (T0 + 62 * SEC) / 1000, (T0 + 63 * SEC) / 1000],
    ]);
    expect(summary.flows.udp).toBe(2);
    // The idle timeout is configuration.
    const longer = await analyzeBytes(writePcap(frames), {
      analyzers: [],
      engine: { idleTimeoutSec: { udp: 120 } },
    });
    expect(flowEvents(longer.events).map((f) => f.packets)).toEqual([[3, 1]]);
  });

  it('a closed TCP connection reused after the closed timeout is a new flow', async () => {
    const s = new TcpSession(A, B, 50000, 102).open().send(b('one')).close();
    const t = new TcpSession(A, B, 50000, 102, {}, 777_000, 888_000).open().send(b('two')).close();
    const frames = [
      ...s.frames.map((f, i) => at(T0 + i * 1000, f)),
      ...t.frames.map((f, i) => at(T0 + 10 * SEC + i * 1000, f)),
    ];
    const rec = recorder('rec', { transport: 'tcp', ports: [102] });
    const { events } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
    expect(flowEvents(events).map((f) => [f.packets, f.tcpState])).toEqual([
      [[5, 2], 'closed'],
      [[5, 2], 'closed'],
    ]);
    expect(rec.flows.map(callTrace)).toEqual(['0:one end', '0:two end']);
  });

  it('the periodic sweep closes idle flows while traffic continues elsewhere', () => {
    const { engine, events, feed } = engineWith();
    feed(T0, udpFrame(C, B, 30000, 40000, b('quiet')));
    const busy = udpFrame(A, B, 40000, 161, b('busy'));
    for (let i = 0; i < 20_000; i++) feed(T0 + 61 * SEC + i, busy);
    // Closed during the run (at the sweep), not at the end.
    expect(flowEvents(events).map((f) => f.client.ip)).toEqual([C.ip]);
    expect(engine.flowCount).toBe(1);
    engine.finish();
    expect(flowEvents(events).map((f) => [f.client.ip, f.packets[0]])).toEqual([
      [C.ip, 1],
      [A.ip, 20_000],
    ]);
  });

  it('maxFlows bounds the table: the least recently active are closed and counted', () => {
    const { engine, events, feed } = engineWith({ maxFlows: 8 });
    let t = T0;
    let peak = 0;
    feed(t++, udpFrame(A, B, 1, 9, b('keep')));
    for (let i = 1; i < 100; i++) {
      feed(t++, udpFrame(A, B, 1000 + i, 9, b('x')));
      peak = Math.max(peak, engine.flowCount);
      feed(t++, udpFrame(A, B, 1, 9, b('keep'))); // flow 0 stays the most recent
      peak = Math.max(peak, engine.flowCount);
    }
    expect(peak).toBe(8);
    expect(engine.stats.flowsEvictedForSpace).toBe(92);
    engine.finish();
    const flows = flowEvents(events);
    expect(flows).toHaveLength(100);
    // Evicted oldest first; the busy flow was never evicted and is one flow.
    expect(flows.slice(0, 3).map((f) => f.client.port)).toEqual([1001, 1002, 1003]);
    expect(flows.filter((f) => f.client.port === 1).map((f) => f.packets)).toEqual([[100, 0]]);
  });
});

describe('what the engine cannot decode is counted, never fatal', () => {
  it('unknown link types', async () => {
    const w = new PcapngWriter();
    w.addInterface({ linktype: 147 });
    w.addInterface({ linktype: 1 });
    w.packet(0, T0, b('user-defined link'));
    w.packet(1, T0 + 1, udpFrame(A, B, 1, 2, b('x')));
    w.packet(0, T0 + 2, b('again'));
    const { summary } = await analyzeBytes(w.toBuffer(), { analyzers: [] });
    expect(summary.inputs[0]!.error).toBeUndefined();
    expect(summary.packets).toBe(3);
    expect(summary.skipped.linktypes).toEqual({ '147': 2 });
    expect(summary.flows.udp).toBe(1);
  });

  it('unknown EtherTypes, with and without MACs', async () => {
    const frames = [
      ethernet(A.mac, B.mac, 0x88b5, Buffer.alloc(50, 1)),
      ethernet(B.mac, A.mac, 0x88b5, Buffer.alloc(50, 2)),
      udpFrame(A, B, 1, 2, b('x')),
    ];
    const { summary, events } = await analyzeBytes(writePcap(frames), { analyzers: [] });
    expect(summary.skipped.ethertypes).toEqual({ '0x88b5': 2 });
    expect(summary.flows.l2).toBe(1);
    expect(flowEvents(events)[0]).toMatchObject({ transport: 'l2', packets: [1, 1], client: { mac: A.mac } });
    expect(summary.protocols.map((p) => p.name).sort()).toEqual(['ethertype/0x88b5', 'udp/2']);
    // Linux cooked capture from a loopback device (no MAC) with an unknown protocol.
    const sll = Buffer.concat([
      Buffer.from('0000030400000000000000000000' + '88b5', 'hex'),
      Buffer.alloc(20),
    ]);
    const r = await analyzeBytes(writePcap([sll, sll], { linktype: 113 }), { analyzers: [] });
    expect(r.summary.skipped.ethertypes).toEqual({ '0x88b5': 2 });
  });

  it('truncated and malformed frames are counted; their addresses still name hosts', async () => {
    const good = udpFrame(A, B, 1, 2, b('hello'));
    const cut = good.subarray(0, 38); // inside the UDP header
    const bad = Buffer.from(good);
    bad[14] = 0x44; // IHL 4
    const { summary } = await analyzeBytes(writePcap([cut, bad, good]), { analyzers: [] });
    expect([summary.skipped.truncated, summary.skipped.malformed, summary.packets]).toEqual([1, 1, 3]);
    expect(summary.hosts.map((h) => [h.ip, h.macs])).toEqual([
      [A.ip, [A.mac]],
      [B.ip, [B.mac]],
    ]);
  });
});

describe('analyzers', () => {
  it('an analyzer that throws is disabled for that flow only, counted and reported', async () => {
    const rec = recorder('rec', {
      transport: 'udp',
      ports: [161],
      throwWhen: (d) => d.toString() === 'BOOM',
    });
    const frames = [
      udpFrame(A, B, 40001, 161, b('ok1')),
      udpFrame(C, B, 40002, 161, b('ok2')),
      udpFrame(A, B, 40001, 161, b('BOOM')),
      udpFrame(A, B, 40001, 161, b('after')),
      udpFrame(C, B, 40002, 161, b('more')),
    ];
    const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor] });
    expect(rec.flows.map(callTrace)).toEqual(['0:ok1', '0:ok2 0:more end']);
    expect(summary.analyzerErrors).toBe(1);
    expect(summary.anomalies).toEqual({ 'rec.analyzer_error': 1 });
    const an = anomalies(events);
    expect(an).toEqual([
      {
        kind: 'anomaly.observed',
        protocol: 'rec',
        code: 'rec.analyzer_error',
        detail: 'rec choked on BOOM',
        client: { mac: A.mac, ip: A.ip, port: 40001 },
        server: { mac: B.mac, ip: B.ip, port: 161 },
        evidence: { source: 'memory', ts: (1_700_000_000_000_000 + 3000) / 1000, frame: 3 },
      },
    ]);
    // The flow is still reported, under the analyzer that claimed it.
    expect(flowEvents(events).map((f) => [f.client.port, f.app, f.packets])).toEqual([
      [40001, 'rec', [3, 0]],
      [40002, 'rec', [2, 0]],
    ]);
  });

  it('an analyzer whose create() throws, and a probe that throws, are counted too', async () => {
    const bad = {
      name: 'bad',
      transport: 'udp' as const,
      ports: [7],
      create: () => {
        throw new Error('no state for you');
      },
    };
    const probeBoom = {
      name: 'boom',
      transport: 'udp' as const,
      probe: () => {
        throw new Error('probe exploded');
      },
      create: () => ({ data() {} }),
    };
    const good = recorder('good', {
      transport: 'udp',
      probe: (d) => (d.toString().startsWith('GOOD') ? 'yes' : 'no'),
    });
    const { events, summary } = await analyzeBytes(
      writePcap([
        udpFrame(A, B, 1000, 7, b('x')),
        udpFrame(A, B, 1000, 7, b('y')),
        udpFrame(A, C, 50000, 6000, b('GOOD!')),
      ]),
      { analyzers: [bad, probeBoom, good.descriptor] },
    );
    expect(summary.analyzerErrors).toBe(2);
    expect(anomalies(events).map((a) => [a.code, a.detail])).toEqual([
      ['bad.analyzer_error', 'no state for you'],
      ['boom.analyzer_error', 'probe threw: probe exploded'],
    ]);
    expect(good.flows.map(callTrace)).toEqual(['0:GOOD! end']);
  });

  it('a content probe binds an analyzer on a non-standard port', async () => {
    const magic = recorder('magic', {
      transport: 'tcp',
      ports: [9999],
      probe: (d) => (d.length < 5 ? 'more' : d.toString().startsWith('MAGIC') ? 'yes' : 'no'),
    });
    const on = new TcpSession(A, B, 40000, 5555).open().send(b('MAGIC hello')).reply(b('hi')).close();
    const off = new TcpSession(A, C, 40001, 5555).open().send(b('plain text')).reply(b('no')).close();
    const slow = new TcpSession(C, B, 40002, 6666)
      .open()
      .send(b('MA'))
      .send(b('GI'))
      .send(b('C '))
      .send(b('he'))
      .send(b('MAGIC!'));
    const { events, summary } = await analyzeBytes(writePcap([...on.frames, ...off.frames, ...slow.frames]), {
      analyzers: [magic.descriptor],
    });
    expect(magic.flows.map(callTrace)).toEqual(['0:MAGIC hello 1:hi end']);
    expect(magic.flows[0]!.info.server).toEqual({ mac: B.mac, ip: B.ip, port: 5555 });
    expect(flowEvents(events).map((f) => [f.server.port, f.app])).toEqual([
      [5555, 'magic'],
      [5555, undefined],
      [6666, undefined],
    ]);
    expect(summary.protocols.map((p) => [p.name, p.flows])).toEqual([
      ['magic', 1],
      ['tcp/5555', 1],
      ['tcp/6666', 1],
    ]);
    // With one more probe allowed, the fifth payload is tried and binds.
    const again = recorder('magic', {
      transport: 'tcp',
      probe: (d) => (d.length < 5 ? 'more' : d.toString().startsWith('MAGIC') ? 'yes' : 'no'),
    });
    await analyzeBytes(writePcap(slow.frames), { analyzers: [again.descriptor], engine: { maxProbes: 5 } });
    expect(again.flows.map(callTrace)).toEqual(['0:MAGIC! end']);
  });

  it('layer-2 analyzers by EtherType and by SNAP OUI/protocol id', async () => {
    const l2 = recorder('l2', {
      transport: 'l2',
      ethertypes: [0x88cc],
      snap: [{ oui: 0x00000c, pid: 0x2000 }],
    });
    const lldpPayload = Buffer.alloc(60, 0x11);
    const frames = [
      ethernet(A.mac, '01:80:c2:00:00:0e', 0x88cc, lldpPayload),
      llcSnap(B.mac, '01:00:0c:cc:cc:cc', 0x00000c, 0x2000, b('cdp!')),
      llcSnap(B.mac, '01:00:0c:cc:cc:cc', 0x00000c, 0x2004, b('dtp')),
    ];
    const { events } = await analyzeBytes(writePcap(frames), { analyzers: [l2.descriptor] });
    expect(l2.flows).toHaveLength(2);
    expect(l2.flows[0]!.calls[0]).toMatchObject({ t: 'data', dir: 0, data: lldpPayload });
    expect(l2.flows[0]!.info).toEqual({
      transport: 'l2',
      client: { mac: A.mac },
      server: { mac: '01:80:c2:00:00:0e' },
    });
    expect(callTrace(l2.flows[1]!)).toBe('0:cdp! end');
    expect(flowEvents(events).map((f) => [f.transport, f.app, f.client.mac])).toEqual([
      ['l2', 'l2', A.mac],
      ['l2', 'l2', B.mac],
      ['l2', undefined, B.mac],
    ]);
  });
});

describe('hosts', () => {
  it('lists IPs with their MACs, broadcast and multicast marked as groups, then MAC-only hosts', async () => {
    const D = '02:00:00:00:00:0d';
    const frames = [
      udpFrame(A, B, 1, 2, b('x')),
      udpFrame(A, { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' }, 68, 67, b('dhcp')),
      udpFrame(C, { mac: '01:00:5e:00:00:fb', ip: '224.0.0.251' }, 5353, 5353, b('mdns')),
      udpFrame(
        { mac: '02:00:00:00:00:0e', ip: '10.0.0.4' },
        { mac: 'ff:ff:ff:ff:ff:ff', ip: '10.0.0.255' },
        137,
        137,
        b('nb'),
      ),
      ethernet(D, 'ff:ff:ff:ff:ff:ff', 0x0806, Buffer.alloc(28)),
    ];
    const { summary } = await analyzeBytes(writePcap(frames), { analyzers: [] });
    expect(summary.hosts).toEqual([
      { ip: '10.0.0.1', macs: [A.mac], names: [], group: false },
      { ip: '10.0.0.2', macs: [B.mac], names: [], group: false },
      { ip: '10.0.0.3', macs: [C.mac], names: [], group: false },
      { ip: '10.0.0.4', macs: ['02:00:00:00:00:0e'], names: [], group: false },
      // Only ever reached through the broadcast MAC: a directed broadcast, a group, with no MAC.
      { ip: '10.0.0.255', macs: [], names: [], group: true },
      { ip: '224.0.0.251', macs: ['01:00:5e:00:00:fb'], names: [], group: true },
      { ip: '255.255.255.255', macs: ['ff:ff:ff:ff:ff:ff'], names: [], group: true },
      { macs: [D], names: [], group: false },
    ]);
    expect(summary.macs).toEqual([
      '01:00:5e:00:00:fb',
      A.mac,
      B.mac,
      C.mac,
      D,
      '02:00:00:00:00:0e',
      'ff:ff:ff:ff:ff:ff',
    ]);
  });

  it('IPv6 hosts come after IPv4, in text order', async () => {
    const frames = [
      udpFrame(
        { mac: A.mac, ip: 'fe80::2' },
        { mac: '33:33:00:01:00:02', ip: 'ff02::1:2' },
        546,
        547,
        b('s'),
      ),
      udpFrame(A, B, 1, 2, b('x')),
    ];
    const { summary } = await analyzeBytes(writePcap(frames), { analyzers: [] });
    expect(summary.hosts.map((h) => [h.ip, h.macs, h.group])).toEqual([
      ['10.0.0.1', [A.mac], false],
      ['10.0.0.2', [B.mac], false],
      ['fe80::2', [A.mac], false],
      ['ff02::1:2', ['33:33:00:01:00:02'], true],
    ]);
  });
});
