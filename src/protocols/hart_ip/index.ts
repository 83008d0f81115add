/**
 * HART-IP analyzer (tcp/udp 5094): HART field devices and WirelessHART gateways reached over
 * IP. Spec: HCF_SPEC-085 §10 (HART-IP messages), HCF_SPEC-081 §5 (token-passing frames),
 * HCF_SPEC-127 / HCF_SPEC-151 (universal and common practice commands).
 *
 * Operations: every request, emitted at its response (matched by sequence number) with `ok`:
 * token-passing PDUs by HART command number (`code` "0", "1", "42"; kind from consts.ts:
 * 0/11/21 identify, universal reads read, 6 and tag/message writes write, 38 and 42 control,
 * 48 diagnostic), with the device's long address or polling address as `target`; session
 * initiate / close / keep-alive and other messages as `other` with code "msg <id>".
 * Identity (on the server's IP, from successful responses): command 0/11/21 →
 * `hart_ip.manufacturer_id` (decimal, as tshark), `hart_ip.device_type` ("0x264e"),
 * `hart_ip.device_id` ("0000d2"), `hart_ip.universal_revision`, `firmware` (device software
 * revision), `vendor` for known manufacturer codes, roleHint 'field-device'; command 20 →
 * `name` and `hart_ip.long_tag`; command 13 → `hart_ip.tag`. A gateway answering for several
 * devices behind it shows the last one asked (the facts then follow the sub-device).
 * Not handled: burst (publish) content, audit logs, extended command numbers, sessions
 * resumed after a TCP gap (no sync marker: the direction is given up).
 */
import type { AssetFacts, Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerInstance, Direction, ProbeResult } from '../analyzer.js';
import { tcpAndUdp } from '../descriptor.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import { KeyedPending } from '../pending.js';
import {
  Cmd,
  commandKind,
  FrameType,
  HART_IP_PORT,
  HEADER_LEN,
  MANUFACTURER,
  MAX_MESSAGE,
  MAX_PENDING,
  MsgType,
  WARNING_CODES,
} from './consts.js';
import {
  type HartIpMessage,
  type HartPdu,
  measureHartIp,
  parseHartIp,
  parseIdentity,
  parseLongTag,
  parsePackedTag,
} from './parse.js';

/** A whole first message that parses, with a good check byte when it carries a PDU. */
function probe(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < HEADER_LEN) return 'more';
  if (buf.readUInt16BE(off + 6) !== len) return 'no';
  const r = parseHartIp(buf, off, len);
  return r.ok && (r.msg.pdu === undefined || r.msg.pdu.checksumOk) ? 'yes' : 'no';
}

export const [hartIpTcp, hartIpUdp] = tcpAndUdp(
  'hart_ip',
  { ports: [HART_IP_PORT], probe },
  { ports: [HART_IP_PORT], probe },
  createHartIp,
);

interface Pending {
  /** The emitter whose client is the request's sender. */
  out: FlowEmitter;
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

function createHartIp(ctx: AnalyzerContext, tcp: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'hart_ip');
  // A UDP gateway may answer a session initiate from another port (the capture's 5095), so the
  // rest of the session is a flow whose first datagram is the gateway's: the engine then takes
  // the gateway for the client. Requests say who asks, so their operations name the right sides.
  const reversed = reversedEmitter(ctx, 'hart_ip');
  const pending = new KeyedPending<Pending>(MAX_PENDING, (old, overflow) => {
    old.out.op(old.op, old.code, old.target, undefined, old.evidence);
    if (overflow) out.anomaly('hart_ip.pending_overflow', `more than ${MAX_PENDING} requests unanswered`);
  });

  const request = (m: HartIpMessage, dir: Direction): void => {
    const pdu = m.pdu;
    const o = dir === 0 ? out : reversed;
    const p: Pending = pdu
      ? {
          out: o,
          op: commandKind(pdu.command),
          code: String(pdu.command),
          target: targetOf(pdu),
          evidence: ctx.evidence(),
        }
      : { out: o, op: 'other', code: `msg ${m.header.id}`, target: undefined, evidence: ctx.evidence() };
    pending.add(m.header.sequence, p);
  };

  const response = (m: HartIpMessage, buf: Buffer): void => {
    const h = m.header;
    const pdu = m.pdu;
    const p = pending.take(h.sequence);
    if (p) {
      const pduOk =
        pdu?.responseCode === undefined || pdu.responseCode === 0 || WARNING_CODES.has(pdu.responseCode);
      const ok = h.type === MsgType.RESPONSE && (h.status === 0 || WARNING_CODES.has(h.status)) && pduOk;
      p.out.op(p.op, p.code, p.target, ok, p.evidence);
    }
    if (h.type === MsgType.RESPONSE && pdu?.frameType === FrameType.ACK && pdu.responseCode === 0) {
      identity(pdu, buf);
    }
  };

  const identity = (pdu: HartPdu, buf: Buffer): void => {
    const ip = senderIp(ctx.packet);
    if (ip === undefined) return;
    const c = pdu.command;
    if (c === Cmd.READ_UNIQUE_ID || c === Cmd.READ_UNIQUE_ID_BY_TAG || c === Cmd.READ_UNIQUE_ID_BY_LONG_TAG) {
      const id = parseIdentity(buf, pdu.dataOff, pdu.dataLen);
      if (!id) return;
      const f: AssetFacts = {
        'hart_ip.manufacturer_id': String(id.manufacturer),
        'hart_ip.device_type': `0x${id.deviceType.toString(16).padStart(4, '0')}`,
        'hart_ip.device_id': id.deviceId,
        'hart_ip.universal_revision': String(id.universalRevision),
        firmware: String(id.softwareRevision),
        roleHint: 'field-device',
      };
      const vendor = MANUFACTURER[id.manufacturer];
      if (vendor) f.vendor = vendor;
      out.asset({ ip }, f);
    } else if (c === Cmd.READ_LONG_TAG) {
      const tag = parseLongTag(buf, pdu.dataOff, pdu.dataLen);
      if (tag) out.asset({ ip }, { name: tag, 'hart_ip.long_tag': tag });
    } else if (c === Cmd.READ_TAG_DESCRIPTOR_DATE) {
      const tag = parsePackedTag(buf, pdu.dataOff, pdu.dataLen);
      if (tag) out.asset({ ip }, { 'hart_ip.tag': tag });
    }
  };

  const onMessage = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    const r = parseHartIp(buf, off, len);
    if (!r.ok) {
      out.anomaly(`hart_ip.${r.code}`, r.detail);
      return;
    }
    const m = r.msg;
    if (m.pdu && !m.pdu.checksumOk) out.anomaly('hart_ip.bad_checksum', `command ${m.pdu.command}`);
    if (m.header.type === MsgType.REQUEST) request(m, dir);
    else if (m.header.type !== MsgType.PUBLISH) response(m, buf);
  };

  const end = (): void => {
    pending.drain((p) => p.out.op(p.op, p.code, p.target, undefined, p.evidence));
  };

  if (!tcp) return { data: onMessage, end };
  // Messages that straddle segments are handed out of the framer's own buffer.
  const framer = (dir: Direction): StreamFramer =>
    new StreamFramer(
      measureHartIp,
      (buf, off, len) => onMessage(dir, buf, off, len),
      (error, detail) =>
        out.anomaly(error === 'invalid' ? 'hart_ip.bad_header' : 'hart_ip.too_large', detail),
      MAX_MESSAGE,
    );
  return framedStreams(framer, end);
}

function targetOf(pdu: HartPdu): string {
  return pdu.longAddress ? `device ${pdu.address}` : `polling address ${pdu.address}`;
}
