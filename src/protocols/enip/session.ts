/**
 * One EtherNet/IP flow: whole encapsulation messages in, operations and identity facts out.
 *
 * Spec: CIP Networks Library Vol 2 §2-4 (commands), §2-6 (CPF), §3-2.1 (explicit messages:
 * SendRRData carries unconnected requests whose sender context the target echoes; SendUnitData
 * carries connected ones, each prefixed by a sequence count the reply repeats); Vol 1 §3-5.5
 * (Connection Manager), §2-5 (Multiple Service Packet).
 * Requests wait in a bounded table (pending.ts) until their reply; a connected request repeated
 * with the same sequence count is a retry of one operation, not a new one. Each service of a
 * Multiple Service Packet is its own operation, answered by its own reply; an Unconnected Send
 * stands for the request it carries, its route appended to the target. Identity (ListIdentity, Identity object
 * Get_Attributes_All / Get_Attribute_Single) goes on the sender of the reply: its IP, and its
 * MAC when the frame was not routed. Identity answered through an Unconnected Send route, or over
 * a connection whose Forward Open path routes on, is a module behind that IP (e.g. the controller
 * in a chassis slot): it goes on the IP with `enip.route`, never on the MAC that relayed it.
 * Connected operations keep their target route-less: their Forward Open shows the route.
 * Not handled: ListServices / ListInterfaces contents, PCCC payloads, Get_Attribute_List
 * values of the Identity object, implicit (class 0/1) I/O contents.
 */
import type { OpKind } from '../../events/types.js';
import type { AnalyzerContext } from '../analyzer.js';
import type { FlowEmitter } from '../emit.js';
import {
  type Epath,
  parseCipRequest,
  parseForwardClose,
  parseForwardOpen,
  parseForwardOpenReply,
  parseMultiple,
  parseUnconnectedSend,
} from './cip.js';
import { Class, Command, GeneralStatus, HEADER_LEN, Item, Service } from './consts.js';
import {
  CODE,
  commandCode,
  describePath,
  describeRequest,
  identityAttributeFacts,
  identityFacts,
  opKind,
  statusFacts,
  withConnectionIds,
} from './describe.js';
import { identityAt } from './identity.js';
import {
  hex,
  locateSendData,
  parseEncap,
  parseIdentity,
  parseListIdentityReply,
  type SendDataSpan,
} from './parse.js';
import {
  Channel,
  Connections,
  MAX_PENDING,
  type Pending,
  PendingTable,
  RequestTemplates,
  type SubOp,
  subOp,
  type Template,
} from './pending.js';

export class EnipSession {
  private readonly pending = new PendingTable((old) => {
    this.out.anomaly('enip.pending_overflow', `more than ${MAX_PENDING} requests awaiting replies`);
    this.emitOps(old, undefined);
  });
  private readonly conns = new Connections();
  private readonly templates = new RequestTemplates();
  /** Anomalies raised so far: a request that raised one is not remembered as a template. */
  private faults = 0;
  private readonly span: SendDataSpan = { dataOff: -1, dataLen: 0, addrOff: -1, addrLen: 0 };

  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly out: FlowEmitter,
  ) {}

  /** One whole encapsulation message; `fromClient` says which side sent it. */
  message(buf: Buffer, off: number, len: number, fromClient: boolean): void {
    // The header read in place (parseEncap's checks): every message passes here.
    const length = len >= HEADER_LEN ? buf.readUInt16LE(off + 2) : 0;
    if (len < HEADER_LEN || HEADER_LEN + length > len) {
      const h = parseEncap(buf, off, len);
      if (!h.ok) this.anomaly(h.code, h.detail);
      return;
    }
    const command = buf.readUInt16LE(off);
    const status = buf.readUInt32LE(off + 8);
    const bodyOff = off + HEADER_LEN;
    // Options must be zero; a receiver discards the message otherwise (Vol 2 §2-3.1). Noted, read anyway.
    if (buf.readUInt32LE(off + 20) !== 0)
      this.anomaly('options_set', `options 0x${hex(buf.readUInt32LE(off + 20), 8)}`);
    switch (command) {
      case Command.NOP:
      case Command.UNREGISTER_SESSION:
        // Neither is answered (§2-4.1, §2-4.5).
        this.out.op('other', commandCode(command));
        return;
      case Command.LIST_IDENTITY:
      case Command.LIST_SERVICES:
      case Command.LIST_INTERFACES:
      case Command.REGISTER_SESSION: {
        if (fromClient) {
          const kind: OpKind = command === Command.LIST_IDENTITY ? 'identify' : 'other';
          this.add(Channel.ENCAP, command, 0, [subOp(kind, commandCode(command))], false, undefined);
          return;
        }
        const p = this.pending.take(Channel.ENCAP, command, 0);
        if (status === 0 && command === Command.LIST_IDENTITY) this.listIdentity(buf, bodyOff, length);
        if (p) this.emitOps(p, status === 0);
        return;
      }
      case Command.SEND_RR_DATA:
      case Command.SEND_UNIT_DATA:
        this.sendData(
          buf,
          buf.readUInt32LE(off + 12),
          buf.readUInt32LE(off + 16),
          command,
          bodyOff,
          length,
          status,
          fromClient,
        );
        return;
      default:
        this.anomaly('unknown_command', `command 0x${hex(command, 4)}`);
    }
  }

  /** The flow ended: requests never answered are emitted without a verdict. */
  end(): void {
    for (const p of this.pending.drain()) this.emitOps(p, undefined);
  }

  private sendData(
    buf: Buffer,
    context0: number,
    context1: number,
    command: number,
    off: number,
    len: number,
    status: number,
    fromClient: boolean,
  ): void {
    const unconnected = command === Command.SEND_RR_DATA;
    if (status !== 0) {
      // An encapsulation-level refusal (bad session, bad length...) answers the request.
      const p =
        unconnected && !fromClient ? this.pending.take(Channel.UNCONNECTED, context0, context1) : undefined;
      if (p) this.emitOps(p, false);
      return;
    }
    const at = this.span;
    const bad = locateSendData(buf, off, len, unconnected ? Item.UNCONNECTED_DATA : Item.CONNECTED_DATA, at);
    if (bad !== '') {
      this.anomaly('bad_cpf', bad);
      return;
    }
    if (at.dataOff < 0 || at.dataLen < (unconnected ? 1 : 3)) {
      this.anomaly('bad_cpf', `${unconnected ? 'SendRRData' : 'SendUnitData'} without CIP data`);
      return;
    }
    // Connected data starts with the sequence count (Vol 2 §3-2.1).
    const cipOff = unconnected ? at.dataOff : at.dataOff + 2;
    const cipLen = unconnected ? at.dataLen : at.dataLen - 2;
    const chan = unconnected ? Channel.UNCONNECTED : Channel.CONNECTED;
    const k0 = unconnected ? context0 : buf.readUInt16LE(at.dataOff);
    const k1 = unconnected ? context1 : 0;
    if (buf[cipOff]! & 0x80) {
      this.response(chan, k0, k1, buf, cipOff, cipLen);
      return;
    }
    // A connected request travels the connection's path: what it learns is about the module there.
    const conn = !unconnected && at.addrLen >= 4 ? this.conns.byId(buf.readUInt32LE(at.addrOff)) : undefined;
    this.request(chan, k0, k1, buf, cipOff, cipLen, conn?.route);
  }

  private request(
    chan: number,
    k0: number,
    k1: number,
    buf: Buffer,
    off: number,
    len: number,
    connRoute: string | undefined,
  ): void {
    // A connected request repeating a pending sequence count is the originator's retry.
    if (chan === Channel.CONNECTED && this.pending.has(chan, k0, k1)) return;
    const known = this.templates.get(buf, off, len);
    if (known !== undefined) {
      this.add(chan, k0, k1, known.ops, known.multi, known.route ?? connRoute);
      return;
    }
    const faults = this.faults;
    const t = this.build(buf, off, len);
    if (t === undefined) return;
    this.add(chan, k0, k1, t.ops, t.multi, t.route ?? connRoute);
    // Connection services are answered with ids that change their targets: never shared.
    if (this.faults === faults && t.ops.every((o) => o.conn === undefined)) {
      this.templates.set(buf, off, len, t.ops, t.multi, t.route);
    }
  }

  /** The operations a CIP request stands for (undefined when it does not parse). */
  private build(buf: Buffer, off: number, len: number): Omit<Template, 'bytes'> | undefined {
    const r = parseCipRequest(buf, off, len);
    if (!r.ok) {
      this.anomaly(r.code, r.detail);
      return undefined;
    }
    let { service, path, dataOff, dataLen } = r.msg;
    let route: string | undefined;
    if (service === Service.UNCONNECTED_SEND && path.cls === Class.CONNECTION_MANAGER) {
      const u = parseUnconnectedSend(buf, dataOff, dataLen);
      const inner = u.ok ? parseCipRequest(buf, u.msg.msgOff, u.msg.msgLen) : u;
      if (!inner.ok) {
        this.anomaly(inner.code, inner.detail);
        return { ops: [subOp('other', CODE[service]!, describePath(path))], multi: false, route: undefined };
      }
      route = u.ok ? u.msg.route.route : undefined;
      ({ service, path, dataOff, dataLen } = inner.msg);
    }
    if (service === Service.MULTIPLE_SERVICE_PACKET) {
      const m = parseMultiple(buf, dataOff, dataLen);
      if (m.ok) {
        const ops: SubOp[] = [];
        for (let i = 0; i < m.msg.length; i += 2) {
          const sub = parseCipRequest(buf, m.msg[i]!, m.msg[i + 1]!);
          if (sub.ok) {
            ops.push(this.subOp(buf, sub.msg.service, sub.msg.path, sub.msg.dataOff, sub.msg.dataLen, route));
          } else {
            this.anomaly(sub.code, `service ${i / 2 + 1} of a Multiple Service Packet: ${sub.detail}`);
            ops.push(subOp('other', CODE[buf[m.msg[i]!]! & 0x7f]!));
          }
        }
        return { ops, multi: true, route };
      }
      this.anomaly(m.code, m.detail);
    }
    return { ops: [this.subOp(buf, service, path, dataOff, dataLen, route)], multi: false, route };
  }

  private subOp(
    buf: Buffer,
    service: number,
    path: Epath,
    dataOff: number,
    dataLen: number,
    route: string | undefined,
  ): SubOp {
    const o = subOp(opKind(service, path), CODE[service]!);
    o.service = service;
    o.cls = path.cls;
    o.inst = path.inst;
    o.attr = path.attr;
    if (path.cls === Class.CONNECTION_MANAGER && service === Service.FORWARD_CLOSE) {
      const fc = parseForwardClose(buf, dataOff, dataLen);
      if (fc.ok) {
        o.conn = fc.msg;
        const c = this.conns.byTriad(fc.msg);
        o.target = describePath(fc.msg.path);
        if (c !== undefined) o.target = withConnectionIds(o.target, c.otId, c.toId);
      } else this.anomaly(fc.code, fc.detail);
    } else if (
      path.cls === Class.CONNECTION_MANAGER &&
      (service === Service.FORWARD_OPEN || service === Service.LARGE_FORWARD_OPEN)
    ) {
      const fo = parseForwardOpen(buf, dataOff, dataLen, service === Service.LARGE_FORWARD_OPEN);
      if (fo.ok) {
        o.conn = fo.msg;
        o.connRoute = fo.msg.path.route;
        o.target = describePath(fo.msg.path);
      } else this.anomaly(fo.code, fo.detail);
    } else o.target = describeRequest(service, path, buf, dataOff, dataLen);
    if (route !== undefined) o.target = o.target === undefined ? `via ${route}` : `${o.target} via ${route}`;
    return o;
  }

  private response(chan: number, k0: number, k1: number, buf: Buffer, off: number, len: number): void {
    // Read in place (Vol 1 §2-4.2): replies are the busiest messages, nothing is allocated for them.
    const ext = len >= 4 ? buf[off + 3]! * 2 : 0;
    if (len < 4 || 4 + ext > len) {
      this.anomaly('bad_cip', `reply of ${len} bytes`);
      return;
    }
    // A reply to a request the capture did not show (it started mid-conversation): nothing to pair.
    const p = this.pending.take(chan, k0, k1);
    if (!p) return;
    const service = buf[off]! & 0x7f;
    const status = buf[off + 2]!;
    const dataOff = off + 4 + ext;
    const dataLen = len - 4 - ext;
    if (!p.multi) {
      const o = p.ops[0]!;
      const ok = succeeded(status);
      if (ok && service === o.service && needsReply(o)) this.replied(o, buf, dataOff, dataLen, p.route);
      this.emitOps(p, ok);
      return;
    }
    // Multiple Service Packet reply: count, offsets from the count, one reply per request.
    const whole = service === Service.MULTIPLE_SERVICE_PACKET && (status === 0 || status === 0x1e);
    let count = whole && dataLen >= 2 ? buf.readUInt16LE(dataOff) : 0;
    if (2 + count * 2 > dataLen) {
      this.anomaly('bad_multiple', `${count} replies in ${dataLen} bytes`);
      count = 0;
    }
    for (let i = 0; i < p.ops.length; i++) {
      const o = p.ops[i]!;
      let ok: boolean | undefined = whole ? undefined : false;
      if (i < count) {
        const start = buf.readUInt16LE(dataOff + 2 + i * 2);
        const stop = i + 1 < count ? buf.readUInt16LE(dataOff + 4 + i * 2) : dataLen;
        const sub = dataOff + start;
        const subExt = start + 4 <= stop && stop <= dataLen ? buf[sub + 3]! * 2 : -1;
        if (subExt < 0 || start < 2 + count * 2 || start + 4 + subExt > stop) {
          this.anomaly('bad_multiple', `reply ${i + 1} of ${count} at offset ${start}`);
        } else {
          ok = succeeded(buf[sub + 2]!);
          if (ok && (buf[sub]! & 0x7f) === o.service && needsReply(o)) {
            this.replied(o, buf, sub + 4 + subExt, stop - start - 4 - subExt, p.route);
          }
        }
      }
      this.out.op(o.kind, o.code, o.target, ok, p.ev);
    }
  }

  /** A successful reply's data: identity facts, connection ids. */
  private replied(o: SubOp, buf: Buffer, off: number, len: number, route: string | undefined): void {
    if (o.cls === Class.IDENTITY && o.service === Service.GET_ATTRIBUTES_ALL && o.inst === 1) {
      const id = parseIdentity(buf, off, len);
      if (!id.ok) {
        this.anomaly(id.code, id.detail);
        return;
      }
      if (len > 15 + buf[off + 14]!) id.msg.state = buf[off + 15 + buf[off + 14]!]!;
      identityAt(this.out, this.ctx.packet, identityFacts(id.msg), statusFacts(id.msg), route);
    } else if (o.cls === Class.IDENTITY && o.service === Service.GET_ATTRIBUTE_SINGLE && o.inst === 1) {
      const facts = identityAttributeFacts(o.attr, buf, off, len);
      if (facts !== undefined) identityAt(this.out, this.ctx.packet, facts, undefined, route);
    } else if (o.conn !== undefined && o.service !== Service.FORWARD_CLOSE) {
      const fo = parseForwardOpenReply(buf, off, len);
      if (!fo.ok) {
        this.anomaly(fo.code, fo.detail);
        return;
      }
      this.conns.add({ ...fo.msg, route: o.connRoute });
      o.target = withConnectionIds(o.target, fo.msg.otId, fo.msg.toId);
    } else if (o.conn !== undefined) {
      const c = this.conns.byTriad(o.conn);
      if (c) this.conns.remove(c);
    }
  }

  private listIdentity(buf: Buffer, off: number, len: number): void {
    const r = parseListIdentityReply(buf, off, len);
    if (!r.ok) {
      this.anomaly(r.code, r.detail);
      return;
    }
    for (const item of r.msg) {
      const facts = identityFacts(item.identity);
      // The device's own statement of its address: a fact, never the subject (NAT, multihoming).
      facts['enip.socket_address'] = item.socketAddress;
      identityAt(this.out, this.ctx.packet, facts, statusFacts(item.identity), undefined);
    }
  }

  private add(
    chan: number,
    k0: number,
    k1: number,
    ops: SubOp[],
    multi: boolean,
    route: string | undefined,
  ): void {
    this.pending.add({ chan, k0, k1, ev: this.ctx.evidence(), ops, multi, route });
  }

  private anomaly(what: string, detail: string): void {
    this.faults++;
    this.out.anomaly(`enip.${what}`, detail);
  }

  private emitOps(p: Pending, ok: boolean | undefined): void {
    for (const o of p.ops) this.out.op(o.kind, o.code, o.target, ok, p.ev);
  }
}

function succeeded(status: number): boolean {
  return status === GeneralStatus.SUCCESS || status === GeneralStatus.PARTIAL_TRANSFER;
}

/** Whether a successful reply's data says more than its status (identity, connection ids). */
function needsReply(o: SubOp): boolean {
  return o.cls === Class.IDENTITY || o.conn !== undefined;
}
