/**
 * PROFINET analyzer (EtherType 0x8892), named `profinet_dcp`: decodes DCP and recognises the
 * other PROFINET RT frames.
 *
 * Spec: IEC 61158-6-10:2014 §4.3 (DCP), FrameID table (RT classes, alarms, PTCP).
 *
 * One EtherType can have one descriptor, so DCP and RT share this one. A flow (MAC pair) that
 * carries DCP is app `profinet_dcp`; one that only ever carries RT frames (cyclic IO data,
 * alarms, PTCP) is named `profinet_rt` (`ctx.setApp`), so the inventory learns who exchanges
 * cyclic data with whom. RT payloads are not decoded.
 *
 * DCP emits:
 * - `asset.observed` about the responding device's MAC (the frame's source): Identify and Get
 *   responses and Hello requests state NameOfStation (`name`), DeviceVendorValue (`model`),
 *   Vendor/Device ID (`vendor` from the vendor id table), device role (`roleHint`), alias,
 *   instance, IP parameters (see describe.ts for the keys). Set requests state nothing about
 *   the device: they are what someone wants it to become.
 * - An Identify request filtering on one NameOfStation speaks for its sender: devices check
 *   their own name is unique by asking for it (every sender in profinet_rt.pcap asks for its
 *   own name once a minute, and tshark's truth keys the name on the sender too). A sender that
 *   asks for a second name is a controller searching; its requests are attributed no more.
 * - `op.observed`, the requester as client: Identify `identify` (code "5"), Hello `identify`
 *   ("6"), Get `read` ("3"), Set `write` or `control` ("4", see describe.ts: an IP or name
 *   change is a write whose target gives the new value; signal and factory resets are
 *   control). Unicast requests are answered on the same flow and emitted at the response
 *   with `ok` (ServiceType success and every Control/Response BlockError 0); multicast
 *   requests are answered on other flows and emitted at once without `ok`.
 * - anomalies: malformed PDUs, `profinet_dcp.pending_overflow`.
 * Not handled: DCP over UDP (IEC 61158-6-10 Annex), fragmented DCP, RT payloads.
 */
import type { Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance, Direction } from '../analyzer.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { frameSource } from '../endpoint.js';
import { DeviceSub, ETHERTYPE_PROFINET, MAX_PENDING, Option, ServiceId, ServiceType } from './consts.js';
import { deviceFacts, getTarget, identifyTarget, setOp } from './describe.js';
import { blockText, controlResponse, type DcpMessage, frameClass, isResponse, parseDcp } from './parse.js';

export const profinetDcp: AnalyzerDescriptor = {
  name: 'profinet_dcp',
  transport: 'l2',
  ethertypes: [ETHERTYPE_PROFINET],
  create: createProfinet,
};

interface Pending {
  serviceId: number;
  /** Direction of the request: its sender is the op's client. */
  dir: Direction;
  kind: OpKind;
  target: string;
  evidence: Evidence;
}

const GROUP_BIT = 0x010000000000;

function createProfinet(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'profinet_dcp');
  // Operations name the requester as client, whichever side opened the flow.
  const reversed = reversedEmitter(ctx, 'profinet_dcp');
  const ops = (dir: Direction): FlowEmitter => (dir === 0 ? out : reversed);
  const pending = new Map<number, Pending>();
  let overflowFlagged = false;
  let sawDcp = false;
  let sawRt = false;
  /** Per direction: the one name its sender asked for, or null once it asked for two. */
  const askedName: (string | null | undefined)[] = [undefined, undefined];

  const emitPending = (p: Pending, ok?: boolean): void => {
    ops(p.dir).op(p.kind, String(p.serviceId), p.target, ok, p.evidence);
  };

  const request = (dir: Direction, buf: Buffer, m: DcpMessage): void => {
    let kind: OpKind;
    let target: string;
    switch (m.serviceId) {
      case ServiceId.IDENTIFY:
        kind = 'identify';
        target = identifyTarget(buf, m);
        selfName(dir, buf, m);
        break;
      case ServiceId.HELLO: {
        const at = frameSource(ctx.packet);
        const facts = deviceFacts(buf, m);
        if (at && Object.keys(facts).length > 0) out.asset(at, facts);
        ops(dir).op('identify', String(m.serviceId), facts.name ?? 'hello');
        return;
      }
      case ServiceId.GET:
        kind = 'read';
        target = getTarget(m);
        break;
      default: {
        const s = setOp(buf, m);
        kind = s.kind;
        target = s.target;
      }
    }
    // A multicast request is answered on the responders' own flows: nothing to wait for here.
    if (Math.floor(ctx.packet.dstMac / GROUP_BIT) % 2 === 1) {
      ops(dir).op(kind, String(m.serviceId), target);
      return;
    }
    if (pending.size >= MAX_PENDING) {
      const [oldXid, oldest] = pending.entries().next().value!;
      pending.delete(oldXid);
      emitPending(oldest);
      if (!overflowFlagged)
        out.anomaly('profinet_dcp.pending_overflow', `more than ${MAX_PENDING} unanswered requests`);
      overflowFlagged = true;
    }
    const prev = pending.get(m.xid);
    if (prev) emitPending(prev);
    pending.set(m.xid, { serviceId: m.serviceId, dir, kind, target, evidence: ctx.evidence() });
  };

  /** See the header: an Identify for one NameOfStation names its sender, until it asks for another. */
  const selfName = (dir: Direction, buf: Buffer, m: DcpMessage): void => {
    const b = m.blocks.length === 1 ? m.blocks[0]! : undefined;
    if (!b || b.option !== Option.DEVICE || b.suboption !== DeviceSub.NAME_OF_STATION) return;
    const name = blockText(buf, b);
    const asked = askedName[dir];
    if (asked === null || name === '') return;
    if (asked !== undefined && asked !== name) {
      askedName[dir] = null;
      return;
    }
    askedName[dir] = name;
    const at = frameSource(ctx.packet);
    if (at) out.asset(at, { 'profinet_dcp.name_of_station': name });
  };

  const response = (buf: Buffer, m: DcpMessage): void => {
    const success = m.serviceType === ServiceType.RESPONSE_SUCCESS;
    if (success && (m.serviceId === ServiceId.IDENTIFY || m.serviceId === ServiceId.GET)) {
      const at = frameSource(ctx.packet);
      const facts = deviceFacts(buf, m);
      if (at && Object.keys(facts).length > 0) out.asset(at, facts);
    }
    const p = pending.get(m.xid);
    if (!p || p.serviceId !== m.serviceId) return;
    pending.delete(m.xid);
    let ok = success;
    for (const b of m.blocks) {
      const r = b.option === Option.CONTROL ? controlResponse(buf, b) : undefined;
      if (r && r.error !== 0) ok = false;
    }
    emitPending(p, ok);
  };

  return {
    data(dir, buf, off, len) {
      if (len < 2) {
        out.anomaly('profinet_dcp.truncated', `${len} bytes`);
        return;
      }
      if (frameClass(buf.readUInt16BE(off)) !== 'dcp') {
        if (!sawRt && !sawDcp) ctx.setApp('profinet_rt');
        sawRt = true;
        return;
      }
      if (!sawDcp && sawRt) ctx.setApp('profinet_dcp');
      sawDcp = true;
      const r = parseDcp(buf, off, len);
      if (!r.ok) {
        out.anomaly(`profinet_dcp.${r.code}`, r.detail);
        return;
      }
      if (isResponse(r.msg)) response(buf, r.msg);
      else request(dir, buf, r.msg);
    },
    end() {
      for (const p of pending.values()) emitPending(p);
      pending.clear();
    },
  };
}
