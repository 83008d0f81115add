/**
 * Engine: an analyzer that carries several protocols over one transport (ISO transport on
 * port 102) names the flow's application by what it found, through `AnalyzerContext.setApp`.
 */
import { describe, expect, it } from 'vitest';
import type { AnalyzerDescriptor } from '../protocols/analyzer.js';
import type { Host } from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { TcpSession } from '../sim/tcp-session.js';
import { analyzeBytes } from './analyze.js';
import { anomalies, flowEvents } from './testing/support.js';

const A: Host = { mac: '02:00:00:00:00:0a', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:0b', ip: '10.0.0.2' };

/** Names the flow by its first payload byte: 'a' → alpha, 'b' → beta, else leaves it alone. */
const carrier: AnalyzerDescriptor = {
  name: 'carrier',
  transport: 'tcp',
  ports: [102],
  create: (ctx) => ({
    data(_dir, buf, off) {
      if (buf[off] === 0x61) ctx.setApp('alpha');
      else if (buf[off] === 0x62) ctx.setApp('beta');
      else ctx.setApp('');
      ctx.anomaly('carrier.seen', String.fromCharCode(buf[off]!));
    },
  }),
};

describe('AnalyzerContext.setApp', () => {
  it("names flow.observed's app, the summary's protocol rows and anomalies; the descriptor name stays the default", async () => {
    const b = (s: string) => Buffer.from(s, 'latin1');
    const a = new TcpSession(A, B, 40000, 102).open().send(b('a1')).reply(b('ok')).close();
    const c = new TcpSession(A, B, 40001, 102).open().send(b('b1')).close();
    const d = new TcpSession(A, B, 40002, 102).open().send(b('zz')).close();
    const { events, summary } = await analyzeBytes(writePcap([...a.frames, ...c.frames, ...d.frames]), {
      analyzers: [carrier],
    });
    expect(flowEvents(events).map((f) => [f.client.port, f.app])).toEqual([
      [40000, 'alpha'],
      [40001, 'beta'],
      [40002, 'carrier'],
    ]);
    expect(summary.protocols.map((p) => [p.name, p.flows]).sort()).toEqual([
      ['alpha', 1],
      ['beta', 1],
      ['carrier', 1],
    ]);
    // Anomalies name the flow's app too, once it is named.
    expect(anomalies(events).map((a) => [a.detail, a.protocol])).toEqual([
      ['a', 'alpha'],
      ['o', 'alpha'],
      ['b', 'beta'],
      ['z', 'carrier'],
    ]);
    expect(summary.analyzerErrors).toBe(0);
  });
});
