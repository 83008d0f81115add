/** ISO transport analyzer: TPKT framing across segments, DT reassembly, dispatch and app naming, resync, anomalies. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import { flowEvents } from '../../capture/testing/support.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { setupAck, setupJob } from '../s7comm/build.js';
import { anomalies, fuzzFrames, golden, operations } from '../testing/engine.js';
import { cc, cr, dt, dtFragments, s7Tsap, tpkt } from './build.js';

const pg: Host = { mac: '02:00:00:00:01:0a', ip: '10.1.0.10' };
const plc: Host = { mac: '00:1b:1b:00:00:28', ip: '10.1.0.40' };

function connect(s: TcpSession): TcpSession {
  return s
    .open()
    .send(cr({ srcRef: 1, callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(1, 0, 2) }))
    .reply(cc({ dstRef: 1, srcRef: 0x44, callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(1, 0, 2) }));
}

/** Operations one per entry (repeat summaries expanded), in frame order. */
const ops = operations;

describe('cotp analyzer', () => {
  it('reassembles DT fragments and TPKTs split over segments, names the flow s7comm', async () => {
    const s = connect(new TcpSession(pg, plc, 40001, 102));
    // The job in three DT fragments, its TPKT headers cut mid-way by 5-byte segments.
    s.send(dtFragments(setupJob(1), 6), 5);
    s.reply(dt(setupAck(1))).close();
    const { events, summary } = await analyzeBytes(writePcap(s.frames));
    expect(summary.analyzerErrors).toBe(0);
    expect(ops(events).map((o) => [o.protocol, o.op, o.code, o.ok])).toEqual([
      ['s7comm', 'other', '0xf0', true],
    ]);
    expect(flowEvents(events).map((f) => f.app)).toEqual(['s7comm']);
    expect(anomalies(events)).toEqual([]);
  });

  it('a probe recognises ISO transport on another port', async () => {
    const s = connect(new TcpSession(pg, plc, 40002, 10102));
    s.send(dt(setupJob(2)))
      .reply(dt(setupAck(2)))
      .close();
    const { events } = await analyzeBytes(writePcap(s.frames));
    expect(flowEvents(events).map((f) => [f.server.port, f.app])).toEqual([[10102, 's7comm']]);
    expect(ops(events)).toHaveLength(1);
  });

  it('malformed traffic: anomalies, resynchronisation after a gap, no throw (golden)', async () => {
    // Unknown TSDU: the flow stays "cotp".
    const a = connect(new TcpSession(pg, plc, 40003, 102));
    a.send(dt(Buffer.from([0x99, 1, 2, 3])))
      .send(tpkt(Buffer.from([4, 0x70, 0, 1, 0x02])))
      .close();
    // A TPKT of another version after sync; then lost bytes, and a DT in a new segment resyncs.
    const b = connect(new TcpSession(pg, plc, 40004, 102));
    b.send(Buffer.from([4, 0, 0, 7, 2, 0xf0, 0x80]));
    b.advance(true, 30);
    b.send(dt(setupJob(3))).reply(dt(setupAck(3)));
    // A TSDU over 64 KiB in fragments without end.
    const big = Buffer.alloc(1000, 0x32);
    for (let i = 0; i < 70; i++) b.send(dt(big, false));
    b.send(dt(Buffer.alloc(4, 0x32), true)).close();
    const frames = [...a.frames, ...b.frames];
    const events = await golden(import.meta.url, 'cotp-malformed', frames);
    expect(anomalies(events).map((x) => [x.protocol, x.code])).toEqual([
      ['cotp', 'cotp.unknown_payload'],
      ['cotp', 'cotp.error_tpdu'],
      ['cotp', 'cotp.bad_tpkt'],
      ['s7comm', 'cotp.tsdu_too_large'],
    ]);
    const all = await analyzeBytes(writePcap(frames));
    expect(flowEvents(all.events).map((f) => f.app)).toEqual(['cotp', 's7comm']);
    expect(ops(all.events).map((o) => [o.code, o.ok])).toEqual([['0xf0', true]]);
    await fuzzFrames(frames.slice(0, 12), 54);
  });
});
