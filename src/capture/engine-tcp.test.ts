/**
 * The engine's TCP path end to end: frames from TcpSession through the reader, decoder, flow
 * table and reassembly into a recording analyzer.
 */
import { describe, expect, it } from 'vitest';
import { ethernet, type Host, ipv4Packet, tcpSegment } from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { type AnalyzeOptions, analyzeBytes } from './analyze.js';
import { callTrace, flowEvents, recorder, streamText } from './testing/support.js';

const C: Host = { mac: '02:00:00:00:00:0c', ip: '10.0.0.12' };
const S: Host = { mac: '02:00:00:00:00:05', ip: '10.0.0.5' };
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

const b = (s: string) => Buffer.from(s, 'latin1');

async function run(frames: Buffer[], engine: AnalyzeOptions['engine'] = {}, port = 502) {
  const rec = recorder('rec', { transport: 'tcp', ports: [port] });
  const { events, summary } = await analyzeBytes(writePcap(frames), { analyzers: [rec.descriptor], engine });
  expect(summary.analyzerErrors).toBe(0);
  return { rec, flows: flowEvents(events), summary, events };
}

/** A raw segment between C and S, for the cases TcpSession does not write. */
function seg(
  fromClient: boolean,
  seq: number,
  ack: number,
  flags: number,
  data: string,
  cport = 40000,
  sport = 502,
) {
  const [a, z, pa, pz] = fromClient ? [C, S, cport, sport] : [S, C, sport, cport];
  return ethernet(
    a.mac,
    z.mac,
    0x0800,
    ipv4Packet(a.ip, z.ip, 6, tcpSegment(a.ip, z.ip, pa, pz, seq, ack, flags, b(data))),
  );
}

describe('engine TCP reassembly', () => {
  it('in order: each direction in order, then end; counts and state', async () => {
    const s = new TcpSession(C, S, 40000, 502)
      .open()
      .send(b('hello'))
      .reply(b('world'))
      .send(b('again'))
      .close();
    const { rec, flows, summary } = await run(s.frames);
    expect(rec.flows).toHaveLength(1);
    expect(callTrace(rec.flows[0]!)).toBe('0:hello 1:world 0:again end');
    expect(rec.flows[0]!.info).toEqual({
      transport: 'tcp',
      client: { mac: C.mac, ip: C.ip, port: 40000 },
      server: { mac: S.mac, ip: S.ip, port: 502 },
    });
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ app: 'rec', tcpState: 'closed', packets: [6, 3] });
    expect(flows[0]!.gaps).toBeUndefined();
    expect(summary.tcp).toEqual({ gapBytes: 0, retransmittedBytes: 0 });
  });

  it('out of order: delivered once, in order', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 10, b('CCCCC'));
    s.rawSegment(true, 5, b('BBBBB'));
    s.rawSegment(true, 0, b('AAAAA'));
    s.advance(true, 15).reply(b('ok')).close();
    const { rec } = await run(s.frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:AAAAA 0:BBBBB 0:CCCCC 1:ok end');
  });

  it('retransmissions and partial overlaps: no duplicates, counted', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 0, b('0123456789'));
    s.rawSegment(true, 0, b('0123456789'));
    s.rawSegment(true, 5, b('56789abcde'));
    s.rawSegment(true, 0, b('0123456789abcdefghij'));
    s.advance(true, 20).close();
    const { rec, summary, flows } = await run(s.frames);
    expect(streamText(rec.flows[0]!, 0)).toBe('0123456789abcdefghij');
    expect(summary.tcp).toEqual({ gapBytes: 0, retransmittedBytes: 30 });
    expect(flows[0]!.packets).toEqual([8, 2]);
  });

  it('a hole filled later', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 0, b('AAAAA'));
    s.rawSegment(true, 10, b('CCCCC'));
    s.rawSegment(true, 5, b('BBBBB'));
    s.advance(true, 15).close();
    const { rec, summary } = await run(s.frames);
    expect(streamText(rec.flows[0]!, 0)).toBe('AAAAABBBBBCCCCC');
    expect(summary.tcp.gapBytes).toBe(0);
  });

  it('a hole never filled: gap of its exact length at the end, then the bytes after it', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 0, b('AAAAA'));
    s.rawSegment(true, 12, b('CCCCC'));
    // The server acknowledges only up to the hole.
    s.advance(true, 5).reply(b('r'));
    const { rec, flows, summary } = await run(s.frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:AAAAA 1:r 0:[gap 7] 0:CCCCC end');
    expect(flows[0]!.gaps).toEqual([7, 0]);
    expect(flows[0]!.tcpState).toBe('established');
    expect(summary.tcp.gapBytes).toBe(7);
  });

  it('a hole is given up as soon as the peer acknowledges past it', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 0, b('AAAAA'));
    s.rawSegment(true, 8, b('CCCCC'));
    s.advance(true, 13).reply(b('R')).send(b('D')).close();
    const { rec, flows } = await run(s.frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:AAAAA 0:[gap 3] 0:CCCCC 1:R 0:D end');
    expect(flows[0]!.gaps).toEqual([3, 0]);
  });

  it('per-stream cap reached: the hole becomes a gap, nothing held is lost', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 0, b('aaaaa'));
    for (let i = 0; i < 5; i++) s.rawSegment(true, 10 + 10 * i, b(String(i).repeat(10)));
    s.advance(true, 60).close();
    const { rec, flows } = await run(s.frames, { maxHeldPerStream: 40 });
    expect(streamText(rec.flows[0]!, 0)).toBe(
      `aaaaa[gap 5]${'0'.repeat(10)}${'1'.repeat(10)}${'2'.repeat(10)}${'3'.repeat(10)}${'4'.repeat(10)}`,
    );
    // The fifth segment did not fit beside the four held: the hole was given up then (frame 9),
    // not at the end of the flow.
    expect(rec.flows[0]!.calls.findIndex((c) => c.t === 'gap')).toBe(1);
    expect(rec.flows[0]!.calls[1]).toEqual({ t: 'gap', dir: 0, len: 5 });
    expect(rec.flows[0]!.calls[2]).toMatchObject({ t: 'data', frame: 9 });
    expect(flows[0]!.gaps).toEqual([5, 0]);
  });

  it('sequence numbers wrap around 2^32', async () => {
    const s = new TcpSession(C, S, 40000, 502, {}, 0xfffffff0, 0xfffffffa).open();
    const data = 'abcdefghijklmnopqrstuvwxyz0123456789';
    s.rawSegment(true, 20, b(data.slice(20)));
    s.rawSegment(true, 0, b(data.slice(0, 10)));
    s.rawSegment(true, 10, b(data.slice(10, 20)));
    s.advance(true, data.length);
    s.reply(b('0123456789'), 3).close();
    const { rec, summary } = await run(s.frames);
    expect(streamText(rec.flows[0]!, 0)).toBe(data);
    expect(streamText(rec.flows[0]!, 1)).toBe('0123456789');
    expect(summary.tcp).toEqual({ gapBytes: 0, retransmittedBytes: 0 });
  });

  it('SYN with data: the data starts after the SYN, and a resent SYN does not repeat it', async () => {
    const frames = [
      seg(true, 7000, 0, SYN, 'early'),
      seg(true, 7000, 0, SYN, 'early'), // retransmitted: the SYN-ACK was slow
      seg(false, 9000, 7006, SYN | ACK, ''),
      seg(true, 7006, 9001, ACK | PSH, ' bird'),
      seg(false, 9001, 7011, ACK | PSH, 'worm'),
    ];
    const { rec, flows } = await run(frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:early 0: bird 1:worm end');
    expect(flows[0]!.tcpState).toBe('established');
  });

  it('midstream pickup: no handshake, both directions from their first segment', async () => {
    const frames = [
      seg(true, 123456, 999, ACK | PSH, 'req1'),
      seg(false, 999, 123460, ACK | PSH, 'resp1'),
      seg(true, 123460, 1004, ACK | PSH, 'req2'),
      seg(true, 123456, 1004, ACK | PSH, 'req1'), // retransmission of what we first saw
    ];
    const { rec, flows } = await run(frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:req1 1:resp1 0:req2 end');
    expect(flows[0]!.tcpState).toBe('midstream');
  });

  it('both directions interleaved, each reordered', async () => {
    const s = new TcpSession(C, S, 40000, 502).open();
    s.rawSegment(true, 3, b('DEF'));
    s.rawSegment(false, 2, b('cd'));
    s.rawSegment(true, 0, b('ABC'));
    s.rawSegment(false, 0, b('ab'));
    s.advance(true, 6).advance(false, 4);
    s.send(b('GHI')).reply(b('ef')).close();
    const { rec } = await run(s.frames);
    expect(callTrace(rec.flows[0]!)).toBe('0:ABC 0:DEF 1:ab 1:cd 0:GHI 1:ef end');
  });

  it('the SYN decides the client even when the client has the lower port', async () => {
    const s = new TcpSession(C, S, 1000, 40000).open().send(b('x')).close();
    const { flows } = await run(s.frames);
    expect(flows[0]!.client).toEqual({ mac: C.mac, ip: C.ip, port: 1000 });
    expect(flows[0]!.server).toEqual({ mac: S.mac, ip: S.ip, port: 40000 });
    expect(flows[0]!.packets).toEqual([5, 2]);
    // The SYN missed, the SYN-ACK seen: the client is the one it goes to.
    const { flows: f2 } = await run(s.frames.slice(1, 4));
    expect(f2[0]!.client.port).toBe(1000);
    expect(f2[0]!.tcpState).toBe('midstream');
  });

  it('without a SYN, the analyzer port, then the well-known port, then the lower port is the server', async () => {
    // The server speaks first from the analyzer's port.
    const a = await run([
      seg(false, 1, 1, ACK | PSH, 'banner', 40000, 502),
      seg(true, 1, 7, ACK | PSH, 'hi', 40000, 502),
    ]);
    expect(a.flows[0]!.server.port).toBe(502);
    expect(callTrace(a.rec.flows[0]!)).toBe('1:banner 0:hi end');
    // No analyzer: a port below 1024 is the server's, whoever spoke first.
    const c = await run([seg(false, 1, 1, ACK | PSH, 'x', 50000, 80)], {}, 1);
    expect([c.flows[0]!.client.port, c.flows[0]!.server.port]).toEqual([50000, 80]);
    const d = await run([seg(true, 1, 1, ACK | PSH, 'x', 50000, 80)], {}, 1);
    expect([d.flows[0]!.client.port, d.flows[0]!.server.port]).toEqual([50000, 80]);
    // Both high: the lower one is the likelier listener.
    const e = await run([seg(false, 1, 1, ACK | PSH, 'x', 40000, 5000)], {}, 1);
    expect([e.flows[0]!.client.port, e.flows[0]!.server.port]).toEqual([40000, 5000]);
  });

  it('FIN and RST set the closing state; data after the close still reaches the analyzer once', async () => {
    const s = new TcpSession(C, S, 40000, 502).open().send(b('q')).reset(false);
    const { flows } = await run(s.frames);
    expect(flows[0]!.tcpState).toBe('reset');
    const half = await run([
      ...new TcpSession(C, S, 40000, 502).open().send(b('q')).frames,
      seg(true, 1002, 50001, FIN | ACK, ''),
    ]);
    expect(half.flows[0]!.tcpState).toBe('established');
    // Retransmission of the whole connection after it ended: nothing delivered twice.
    const s2 = new TcpSession(C, S, 40000, 502).open().send(b('once')).close();
    const twice = await run([...s2.frames, ...s2.frames]);
    expect(streamText(twice.rec.flows[0]!, 0)).toBe('once');
  });
});
