/**
 * MELSEC analyzer: SLMP / MC protocol binary 3E and 4E frames and the MELSOFT engineering
 * protocol of GX Works (tcp 5007, udp 5006, 5560, 5562; SLMP and MELSOFT are also recognised
 * on other ports by their first frame). Specs and sources: see consts.ts.
 *
 * Operations (`code` "0x0401", the SLMP or MELSOFT command): SLMP 0401 batch read → read,
 * 1401 batch write → write (target "D100 (10)"), 1001 remote run / 1002 stop / 1003 pause /
 * 1005 latch clear / 1006 reset → control, 0101 read type name → identify, 18xx file commands
 * → program; MELSOFT 0x0121 open (returns the CPU model) → identify, file read/write 0x1868 /
 * 0x1869 → program, remote run/stop → control; discovery (0x5a00) → identify. Emitted at the
 * response with `ok` (end code / status 0): 4E by serial, MELSOFT by sequence and command, 3E
 * in order. GX Works3 talks to an FX5 by broadcast (requests to 255.255.255.255:5560, answers
 * to 255.255.255.255:<port>), so requests and answers are different flows: a request sent to
 * a group address is left to its answer, whose flow has the PLC as server.
 * Identity (on the responder's IP): SLMP 0101 and MELSOFT 0x0121 responses → `vendor`
 * Mitsubishi Electric, `model` and `melsec.cpu_model`, `melsec.model_code` ("0x4a29"),
 * roleHint 'plc'. Not handled: ASCII SLMP, 1E frames, MELSOFT authentication footers.
 */
import { L3, type Packet } from '../../capture/packet.js';
import type { Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerInstance, ProbeResult } from '../analyzer.js';
import { tcpAndUdp } from '../descriptor.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import {
  kindByRange,
  MAX_FRAME,
  MAX_PENDING,
  MC_UDP_PORT,
  MELSOFT_COMMANDS,
  MELSOFT_TCP_PORT,
  MELSOFT_UDP_PORTS,
  SLMP_COMMANDS,
} from './consts.js';
import { deviceTarget, type MelsecMessage, measureMelsec, parseCpuModel, parseMelsec } from './parse.js';

/** The first payload is exactly one SLMP or MELSOFT frame. */
function probe(buf: Buffer, off: number, len: number): ProbeResult {
  const n = measureMelsec(buf, off, len);
  if (n === 0) return 'more';
  return n === len && parseMelsec(buf, off, len).ok ? 'yes' : 'no';
}

export const [melsecTcp, melsecUdp] = tcpAndUdp(
  'melsec',
  { ports: [MELSOFT_TCP_PORT], probe },
  { ports: [MC_UDP_PORT, ...MELSOFT_UDP_PORTS], probe },
  createMelsec,
);

interface Pending {
  msg: MelsecMessage;
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

function describe(m: MelsecMessage): [OpKind, string] {
  if (m.framing === 'discovery') return ['identify', '0x5a00'];
  const table = m.framing === 'melsoft' ? MELSOFT_COMMANDS : SLMP_COMMANDS;
  return [table[m.command]?.[1] ?? kindByRange(m.command), `0x${m.command.toString(16).padStart(4, '0')}`];
}

/** Sent to a broadcast or multicast address (Ethernet group bit, or IPv4 limited broadcast). */
function toGroup(p: Packet): boolean {
  if (p.dstMac >= 0 && Math.floor(p.dstMac / 0x10000000000) & 1) return true;
  return p.l3 === L3.IPv4 && p.dst4 >>> 0 === 0xffffffff;
}

function createMelsec(ctx: AnalyzerContext, tcp: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'melsec');
  const pending: Pending[] = [];

  const request = (m: MelsecMessage, buf: Buffer): void => {
    if (toGroup(ctx.packet)) return;
    const [op, code] = describe(m);
    const rw = m.framing !== 'melsoft' && (m.command === 0x0401 || m.command === 0x1401);
    const target = rw ? deviceTarget(buf, m.dataOff, m.dataLen, m.subcommand) : undefined;
    if (pending.length >= MAX_PENDING) {
      const first = pending.shift()!;
      out.op(first.op, first.code, first.target, undefined, first.evidence);
      out.anomaly('melsec.pending_overflow', `more than ${MAX_PENDING} requests unanswered`);
    }
    pending.push({ msg: m, op, code, target, evidence: ctx.evidence() });
  };

  const response = (m: MelsecMessage, buf: Buffer): void => {
    const i = pending.findIndex(
      (p) =>
        p.msg.framing === m.framing &&
        (m.framing === 'slmp3e' ||
          (m.framing === 'slmp4e' && p.msg.serial === m.serial) ||
          (m.framing === 'melsoft' && p.msg.serial === m.serial && p.msg.command === m.command) ||
          m.framing === 'discovery'),
    );
    const ok = m.status === 0;
    let command = m.command;
    if (i >= 0) {
      const p = pending.splice(i, 1)[0]!;
      out.op(p.op, p.code, p.target, ok, p.evidence);
      command = p.msg.command;
    } else if (m.command >= 0) {
      // No request on this flow (it went to a broadcast address): the answer names the command.
      const [op, code] = describe(m);
      out.op(op, code, undefined, ok);
    }
    if (!ok) return;
    const identity =
      (m.framing === 'melsoft' && command === 0x0121) || (m.framing !== 'melsoft' && command === 0x0101);
    if (!identity || m.framing === 'discovery') return;
    const cpu = parseCpuModel(buf, m.dataOff, m.dataLen);
    const ip = senderIp(ctx.packet);
    if (!cpu || ip === undefined) return;
    out.asset(
      { ip },
      {
        vendor: 'Mitsubishi Electric',
        model: cpu.model,
        'melsec.cpu_model': cpu.model,
        ...(cpu.code !== undefined
          ? { 'melsec.model_code': `0x${cpu.code.toString(16).padStart(4, '0')}` }
          : {}),
        roleHint: 'plc',
      },
    );
  };

  const frame = (buf: Buffer, off: number, len: number): void => {
    const r = parseMelsec(buf, off, len);
    if (!r.ok) {
      out.anomaly(`melsec.${r.code}`, r.detail);
      return;
    }
    if (r.msg.response) response(r.msg, buf);
    else request(r.msg, buf);
  };

  const end = (): void => {
    for (const p of pending) out.op(p.op, p.code, p.target, undefined, p.evidence);
    pending.length = 0;
  };

  if (!tcp) return { data: (_dir, buf, off, len) => frame(buf, off, len), end };
  const framer = (): StreamFramer =>
    new StreamFramer(
      measureMelsec,
      frame,
      (error, detail) => out.anomaly(error === 'invalid' ? 'melsec.bad_header' : 'melsec.too_large', detail),
      MAX_FRAME,
    );
  return framedStreams(framer, end);
}
