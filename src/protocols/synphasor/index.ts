/**
 * IEEE C37.118 synchrophasor analyzer (tcp 4712, udp 4713; recognised elsewhere by a first
 * frame with a good CRC): phasor measurement units (PMUs) and the concentrators (PDCs) that
 * poll them. Spec: IEEE Std C37.118.2-2011 §6 (see consts.ts).
 *
 * Operations: command frames (`code` "1".."8", Table 15): turn transmission off / on →
 * control (emitted at once: no frame answers them), send HDR / CFG-1 / CFG-2 / CFG-3 → read,
 * emitted with ok when the asked-for frame arrives. Data frames are measurements, not
 * operations. Identity (on the sender of data and configuration frames): `synphasor.idcode`
 * (the stream's IDCODE, decimal), roleHint 'pmu'; configuration frames add
 * `synphasor.station_name` (the stations' names, comma-separated) and `name` when there is
 * one station. Anomalies: bad sync, FRAMESIZE past the data, CRC mismatch, malformed
 * configuration. Not handled: measurement values, header frame text, extended commands.
 */
import type { Evidence } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerInstance, ProbeResult } from '../analyzer.js';
import { tcpAndUdp } from '../descriptor.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import { ANSWER, COMMANDS, FrameType, MAX_FRAME, MAX_PENDING, TCP_PORT, UDP_PORT } from './consts.js';
import { measureFrame, parseFrame, parseStations, plausible } from './parse.js';

function probe(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 4) return 'more';
  if (!plausible(buf, off, len)) return 'no';
  const size = buf.readUInt16BE(off + 2);
  if (size > len) return 'more';
  return parseFrame(buf, off, size).ok ? 'yes' : 'no';
}

export const [synphasorTcp, synphasorUdp] = tcpAndUdp(
  'synphasor',
  { ports: [TCP_PORT], probe },
  { ports: [UDP_PORT], probe },
  createSynphasor,
);

function createSynphasor(ctx: AnalyzerContext, tcp: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'synphasor');
  /** Commands waiting for their frame: [answer frame type, command, evidence]. */
  const pending: [number, number, Evidence][] = [];
  let sawData = false;

  const frame = (buf: Buffer, off: number, len: number): void => {
    const r = parseFrame(buf, off, len);
    if (!r.ok) {
      out.anomaly(`synphasor.${r.code}`, r.detail);
      return;
    }
    const f = r.msg;
    if (f.type === FrameType.COMMAND) {
      const cmd = f.command!;
      const kind = COMMANDS[cmd]?.[1] ?? 'other';
      const answer = ANSWER[cmd];
      if (answer === undefined) {
        out.op(kind, String(cmd), `IDCODE ${f.idcode}`);
        return;
      }
      if (pending.length >= MAX_PENDING) {
        const [, c, ev] = pending.shift()!;
        out.op(COMMANDS[c]![1], String(c), undefined, undefined, ev);
      }
      pending.push([answer, cmd, ctx.evidence()]);
      return;
    }
    const i = pending.findIndex(([t]) => t === f.type);
    if (i >= 0) {
      const [, c, ev] = pending.splice(i, 1)[0]!;
      out.op(COMMANDS[c]![1], String(c), `IDCODE ${f.idcode}`, true, ev);
    }
    const ip = senderIp(ctx.packet);
    if (ip === undefined) return;
    if (f.type === FrameType.DATA) {
      if (sawData) return;
      sawData = true;
      out.asset({ ip }, { 'synphasor.idcode': String(f.idcode), roleHint: 'pmu' });
    } else if (f.type === FrameType.CFG1 || f.type === FrameType.CFG2 || f.type === FrameType.CFG3) {
      const st = parseStations(buf, off, f.size, f.type);
      if (typeof st === 'string') {
        out.anomaly('synphasor.bad_config', st);
        return;
      }
      const names = st.map((s) => s.name).filter((n) => n !== '');
      out.asset(
        { ip },
        {
          'synphasor.idcode': String(f.idcode),
          ...(names.length > 0 ? { 'synphasor.station_name': names.join(', ') } : {}),
          ...(names.length === 1 ? { name: names[0]! } : {}),
          roleHint: 'pmu',
        },
      );
    }
  };

  const end = (): void => {
    for (const [, c, ev] of pending) out.op(COMMANDS[c]![1], String(c), undefined, undefined, ev);
    pending.length = 0;
  };

  if (!tcp) return { data: (_dir, buf, off, len) => frame(buf, off, len), end };
  const framer = (): StreamFramer =>
    new StreamFramer(
      measureFrame,
      frame,
      (error, detail) =>
        out.anomaly(error === 'invalid' ? 'synphasor.bad_sync' : 'synphasor.too_large', detail),
      MAX_FRAME,
    );
  return framedStreams(framer, end);
}
