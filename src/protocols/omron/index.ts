/**
 * Omron FINS analyzer (udp 9600, and FINS/TCP on tcp 9600): Omron CS/CJ/CP/NJ PLCs.
 * Spec: Omron W227 (FINS Commands Reference) §3 and §5, W421 §7-4 (FINS/TCP).
 *
 * Operations: every FINS command (`code` "0x0501" = MRC/SRC), kind from consts.ts (memory
 * area read 0101 → read, write 0102 → write, run 0401 / stop 0402 → control, program area
 * 0306/0307 and file memory 22xx → program, controller data read 0501 → identify, clock
 * write 0702 → control, error log 2102 → diagnostic ...), with the memory address as
 * `target` for memory area commands ("D100 (10)"); emitted at the response (matched by SID)
 * with `ok` from the end code, or at once when the request asks for no response.
 * Identity (on the responder's IP, from a successful 0501 response): `vendor` Omron,
 * `model` and `omron.controller_model`, `firmware` and `omron.controller_version`, roleHint
 * 'plc'. Not handled: the FINS/TCP node address handshake (no operation), routed frames
 * beyond their header, FINS over other transports.
 */
import type { Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerInstance, Direction, ProbeResult } from '../analyzer.js';
import { tcpAndUdp } from '../descriptor.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import { KeyedPending } from '../pending.js';
import {
  COMMANDS,
  FINS_PORT,
  FINS_TCP_HEADER,
  FINS_TCP_MAGIC,
  Icf,
  MAX_FRAME,
  MAX_PENDING,
  TcpCmd,
} from './consts.js';
import {
  areaTarget,
  type FinsFrame,
  measureFinsTcp,
  parseControllerData,
  parseFins,
  parseFinsTcpHeader,
  plausibleHeader,
} from './parse.js';

export const [omronTcp, omronUdp] = tcpAndUdp(
  'omron',
  {
    ports: [FINS_PORT],
    probe: (buf, off, len) => (len < 4 ? 'more' : buf.readUInt32BE(off) === FINS_TCP_MAGIC ? 'yes' : 'no'),
  },
  { ports: [FINS_PORT], probe: probeUdp },
  createOmron,
);

/** A command frame whose code is a known FINS command. */
function probeUdp(buf: Buffer, off: number, len: number): ProbeResult {
  if (!plausibleHeader(buf, off, len) || buf[off]! & Icf.RESPONSE) return 'no';
  return COMMANDS[buf.readUInt16BE(off + 10)] ? 'yes' : 'no';
}

interface Pending {
  out: FlowEmitter;
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

export function commandCode(cmd: number): string {
  return `0x${cmd.toString(16).padStart(4, '0')}`;
}

function createOmron(ctx: AnalyzerContext, tcp: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'omron');
  // Both ends of FINS/UDP often use 9600: the requester is known from the ICF, not the ports.
  const reversed = reversedEmitter(ctx, 'omron');
  const pending = new KeyedPending<Pending>(MAX_PENDING, (old, overflow) => {
    old.out.op(old.op, old.code, old.target, undefined, old.evidence);
    if (overflow) out.anomaly('omron.pending_overflow', `more than ${MAX_PENDING} commands unanswered`);
  });

  const command = (f: FinsFrame, buf: Buffer, dir: Direction): void => {
    const known = COMMANDS[f.command];
    const p: Pending = {
      out: dir === 0 ? out : reversed,
      op: known ? known[1] : 'other',
      code: commandCode(f.command),
      target: f.command >= 0x0101 && f.command <= 0x0103 ? areaTarget(buf, f.dataOff, f.dataLen) : undefined,
      evidence: ctx.evidence(),
    };
    if (f.icf & Icf.NO_RESPONSE) {
      p.out.op(p.op, p.code, p.target);
      return;
    }
    pending.add(f.sid, p);
  };

  const response = (f: FinsFrame, buf: Buffer): void => {
    // End code: MRES bit 7 (relay error) and SRES bits 6-7 (PLC error flags) are not the verdict.
    const ok = f.endCode !== undefined && (f.endCode & 0x7f3f) === 0;
    const p = pending.get(f.sid);
    if (p && p.code === commandCode(f.command)) {
      pending.delete(f.sid);
      p.out.op(p.op, p.code, p.target, ok, p.evidence);
    }
    if (ok && f.command === 0x0501) {
      const ip = senderIp(ctx.packet);
      const c = parseControllerData(buf, f.dataOff, f.dataLen);
      if (ip !== undefined && c) {
        out.asset(
          { ip },
          {
            vendor: 'Omron',
            model: c.model,
            'omron.controller_model': c.model,
            ...(c.version ? { firmware: c.version, 'omron.controller_version': c.version } : {}),
            roleHint: 'plc',
          },
        );
      }
    }
  };

  const frame = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    const r = parseFins(buf, off, len);
    if (!r.ok) {
      out.anomaly(`omron.${r.code}`, r.detail);
      return;
    }
    if (r.msg.response) response(r.msg, buf);
    else command(r.msg, buf, dir);
  };

  const end = (): void => {
    pending.drain((p) => p.out.op(p.op, p.code, p.target, undefined, p.evidence));
  };

  if (!tcp) return { data: frame, end };

  const tcpMessage = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    const h = parseFinsTcpHeader(buf, off, len);
    if (!h) return;
    if (h.errorCode !== 0)
      out.anomaly('omron.tcp_error', `FINS/TCP command ${h.command} error 0x${h.errorCode.toString(16)}`);
    else if (h.command === TcpCmd.FRAME_SEND) frame(dir, buf, off + FINS_TCP_HEADER, len - FINS_TCP_HEADER);
  };
  const framer = (dir: Direction): StreamFramer =>
    new StreamFramer(
      measureFinsTcp,
      (buf, off, len) => tcpMessage(dir, buf, off, len),
      (error, detail) =>
        out.anomaly(error === 'invalid' ? 'omron.bad_tcp_header' : 'omron.too_large', detail),
      MAX_FRAME + 8,
    );
  return framedStreams(framer, end);
}
