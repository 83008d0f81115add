/**
 * EtherNet/IP proxy session: explicit messaging on TCP 44818 (CIP Networks Library Vol 2 ch. 2,
 * §3-2.1). Both directions are cut into encapsulation messages with the analyzer's measure
 * (24-byte header, length at offset 2) and the shared StreamFramer, at most 65,535 bytes a
 * message (§2-3.1: at most 65,511 data bytes). Session commands (RegisterSession,
 * UnRegisterSession, ListServices, ListInterfaces, NOP) pass under `connect`, ListIdentity as
 * `enip:identify`. SendRRData and SendUnitData are decided per CIP request as the analyzer
 * classifies it (classify.ts): the request an Unconnected Send carries, every service of a
 * Multiple Service Packet (all must be allowed; the packet is refused whole otherwise, and the
 * recording says which were denied), Forward Open/Close as `enip:other`. A refused request is
 * answered with general status 0x0F, privilege violation (reply.ts), or dropped, per listener
 * configuration. Anything the parsers reject — an unknown command, an oversized message, a CPF
 * or CIP request that does not parse, status or options set in a request — ends the session
 * (fail closed). Replies are matched by sender context (unconnected) or sequence count
 * (connected) to record results; Forward Open replies teach the T->O ids denials are sent on.
 * Not proxied: implicit I/O (UDP 2222), UDP 44818, CIP Security (TLS on 2221).
 */
import type { Socket } from 'node:net';
import {
  type ConnectionTriad,
  parseCipResponse,
  parseForwardOpenReply,
  parseMultiple,
} from '../../../protocols/enip/cip.js';
import { Command, GeneralStatus, HEADER_LEN, Item } from '../../../protocols/enip/consts.js';
import { CODE, commandCode, withConnectionIds } from '../../../protocols/enip/describe.js';
import { hex, locateSendData, measureEncap, type SendDataSpan } from '../../../protocols/enip/parse.js';
import { Connections } from '../../../protocols/enip/pending.js';
import { StreamFramer } from '../../../protocols/framer.js';
import { type ActionId, operationAction } from '../../policy/actions.js';
import { type Decision, NO_TARGET } from '../../policy/decision.js';
import { type GroupOp, malformed, OperationSession, type PendingOp } from '../session.js';
import { type CipOp, classifyCip } from './classify.js';
import { connectedDenial, type RequestEnvelope, unconnectedDenial } from './reply.js';

/** Largest encapsulation message, header included (Vol 2 §2-3.1). */
export const MAX_ENIP_MESSAGE = 65_535;
/** Requests tracked for their results at once. */
const MAX_PENDING = 64;

const COMMAND_NAME: Readonly<Record<number, string>> = {
  [Command.NOP]: 'NOP',
  [Command.LIST_SERVICES]: 'ListServices',
  [Command.LIST_IDENTITY]: 'ListIdentity',
  [Command.LIST_INTERFACES]: 'ListInterfaces',
  [Command.REGISTER_SESSION]: 'RegisterSession',
  [Command.UNREGISTER_SESSION]: 'UnRegisterSession',
  [Command.SEND_RR_DATA]: 'SendRRData',
  [Command.SEND_UNIT_DATA]: 'SendUnitData',
};

/*
 * Keys of requests awaiting replies, in one number space: unconnected ones by their sender
 * context (≥ 0; 53 of its 64 bits, a clash only costs a result), connected ones by sequence
 * count, session commands (answered in order) by command.
 */
function unconnectedKey(context0: number, context1: number): number {
  return (context0 >>> 0) + (context1 & 0x1f_ffff) * 2 ** 32;
}
function connectedKey(sequence: number): number {
  return -1 - sequence;
}
function commandKey(command: number): number {
  return -0x10001 - command;
}

/** A reply's general status as a result. */
function statusResult(status: number, ext: number): string {
  if (status === GeneralStatus.SUCCESS || status === GeneralStatus.PARTIAL_TRANSFER) return 'ok';
  return ext < 0 ? `status 0x${hex(status, 2)}` : `status 0x${hex(status, 2)}/0x${hex(ext, 4)}`;
}

export class EnipSession extends OperationSession {
  readonly protocol = 'enip';
  private readonly fromClient = new StreamFramer(
    measureEncap,
    (buf, off, len) => this.request(buf, off, len),
    (error, detail) =>
      this.refuse(
        'enip:frame',
        error === 'invalid'
          ? `not an encapsulation header (${detail})`
          : `${detail}, over ${MAX_ENIP_MESSAGE}`,
      ),
    MAX_ENIP_MESSAGE,
  );
  private readonly fromAsset = new StreamFramer(
    measureEncap,
    (buf, off, len) => this.reply(buf, off, len),
    () => this.end('malformed response from the asset'),
    MAX_ENIP_MESSAGE,
  );
  /**
   * The delivery being framed: a message inside it is forwarded as a view of it, one the framer
   * assembled across deliveries is copied (the framer reuses that buffer).
   */
  private delivery: Buffer | undefined;
  private readonly span: SendDataSpan = { dataOff: -1, dataLen: 0, addrOff: -1, addrLen: 0 };
  private readonly replySpan: SendDataSpan = { dataOff: -1, dataLen: 0, addrOff: -1, addrLen: 0 };
  /** Connections opened through this session (the analyzer's table): T->O ids for denials. */
  private readonly conns = new Connections();
  /** Forward Open / Close requests awaiting replies, by request key. */
  private readonly connRequests = new Map<number, { triad: ConnectionTriad; open: boolean }>();
  protected override readonly maxPending = MAX_PENDING;

  open(): void {
    const up = this.connectUpstream();
    up.on('data', (c: Buffer) => this.push(this.fromAsset, c, this.client));
    this.client.on('data', (c: Buffer) => this.push(this.fromClient, c, up));
  }

  /** One delivery through its framer; what it lets through goes to `to` in one corked write. */
  private push(framer: StreamFramer, chunk: Buffer, to: Socket): void {
    if (this.isEnded) return;
    this.delivery = chunk;
    to.cork();
    framer.push(chunk, 0, chunk.length);
    to.uncork();
    this.delivery = undefined;
  }

  private forward(to: Socket, buf: Buffer, off: number, len: number): void {
    const bytes = buf.subarray(off, off + len);
    to.write(buf === this.delivery ? bytes : Buffer.from(bytes));
  }

  private request(buf: Buffer, off: number, len: number): void {
    if (this.isEnded) return;
    const command = buf.readUInt16LE(off);
    // A receiver discards a message with options set (Vol 2 §2-3.1); a request has no status.
    if (buf.readUInt32LE(off + 8) !== 0 || buf.readUInt32LE(off + 20) !== 0) {
      this.refuse('enip:frame', `${COMMAND_NAME[command]} with status or options set`);
      return;
    }
    if (command === Command.SEND_RR_DATA || command === Command.SEND_UNIT_DATA)
      this.sendData(buf, off, len, command === Command.SEND_RR_DATA);
    else this.sessionCommand(buf, off, len, command);
  }

  private sessionCommand(buf: Buffer, off: number, len: number, command: number): void {
    const ts = this.deps.clock();
    const action: ActionId = command === Command.LIST_IDENTITY ? 'enip:identify' : 'connect';
    const d = this.check(action, NO_TARGET);
    const code = commandCode(command);
    const name = COMMAND_NAME[command] ?? code;
    if (!d.allow) {
      // No CIP reply can say "privilege violation" to a session command: it goes unanswered.
      this.recordOp(action, code, name, d, 'denied', ts);
      return;
    }
    // NOP and UnRegisterSession are never answered (Vol 2 §2-4.1, §2-4.5).
    if (command === Command.NOP || command === Command.UNREGISTER_SESSION)
      this.recordOp(action, code, name, d, 'sent', ts);
    else this.forwarded(commandKey(command), action, code, name, d, ts);
    this.forward(this.upstream!, buf, off, len);
  }

  private sendData(buf: Buffer, off: number, len: number, unconnected: boolean): void {
    const ts = this.deps.clock();
    const name = unconnected ? 'SendRRData' : 'SendUnitData';
    const at = this.span;
    const body = off + HEADER_LEN;
    const bad = this.locateCip(buf, body, len - HEADER_LEN, unconnected);
    if (bad !== '') {
      this.refuse('enip:frame', `${name}${bad}`);
      return;
    }
    // Connected data starts with the sequence count (Vol 2 §3-2.1).
    const cipOff = unconnected ? at.dataOff : at.dataOff + 2;
    const c = classifyCip(buf, cipOff, unconnected ? at.dataLen : at.dataLen - 2, (t) =>
      this.conns.byTriad(t),
    );
    if (!c.ok) {
      this.refuse('enip:malformed', c.detail, CODE[buf[cipOff]! & 0x7f]);
      return;
    }
    const env: RequestEnvelope = {
      session: buf.readUInt32LE(off + 4),
      context0: buf.readUInt32LE(off + 12),
      context1: buf.readUInt32LE(off + 16),
    };
    const sequence = unconnected ? 0 : buf.readUInt16LE(at.dataOff);
    const key = unconnected ? unconnectedKey(env.context0, env.context1) : connectedKey(sequence);
    const decisions: Decision[] = [];
    let allowed = true;
    for (const op of c.ops) {
      const d = this.check(operationAction('enip', op.kind), op.target);
      decisions.push(d);
      if (!d.allow) allowed = false;
    }
    if (!allowed) {
      // Refused whole; each service recorded with its own decision, so the denied ones show.
      c.ops.forEach((op, i) => {
        const d = decisions[i]!;
        this.recordOp(
          operationAction('enip', op.kind),
          op.code,
          op.text,
          d,
          d.allow ? 'withheld' : 'denied',
          ts,
        );
      });
      if (this.denyMode === 'exception') {
        const otId = unconnected ? 0 : buf.readUInt32LE(at.addrOff);
        this.client.write(
          unconnected
            ? unconnectedDenial(env, c.replyService)
            : connectedDenial(env, this.conns.byId(otId)?.toId ?? otId, sequence, c.replyService),
        );
      }
      return;
    }
    this.track(key, c.ops, decisions, ts);
    this.forward(this.upstream!, buf, off, len);
  }

  /** The send-data body's CIP data located into `span`: '' when it is there, else what is wrong (after the command's name). */
  private locateCip(buf: Buffer, body: number, len: number, unconnected: boolean): string {
    const at = this.span;
    const bad = locateSendData(buf, body, len, unconnected ? Item.UNCONNECTED_DATA : Item.CONNECTED_DATA, at);
    if (bad !== '') return `: ${bad}`;
    if (buf.readUInt32LE(body) !== 0) return ` to interface ${buf.readUInt32LE(body)} (only CIP's, 0)`;
    if (at.dataOff < 0 || at.dataLen < (unconnected ? 1 : 3)) return ' without CIP data';
    if (!unconnected && at.addrLen < 4) return ' without a connection id';
    return '';
  }

  private track(key: number, ops: readonly CipOp[], decisions: readonly Decision[], ts: number): void {
    const first = ops[0]!;
    if (ops.length > 1) {
      const group = ops.map(
        (op, i): GroupOp => ({
          action: operationAction('enip', op.kind),
          code: op.code,
          target: op.text,
          decision: decisions[i]!,
        }),
      );
      this.forwardedAll(key, group, ts);
      return;
    }
    this.forwarded(key, operationAction('enip', first.kind), first.code, first.text, decisions[0]!, ts);
    if (first.conn !== undefined) {
      if (this.connRequests.size >= MAX_PENDING)
        this.connRequests.delete(this.connRequests.keys().next().value!);
      this.connRequests.set(key, first.conn);
    }
  }

  /** The byte stream can no longer be trusted: record why and end the session, nothing forwarded. */
  private refuse(action: string, why: string, code = 'none'): void {
    this.recordOp(action, code, why, malformed(), 'denied', this.deps.clock());
    this.end(`malformed request: ${why}`);
  }

  private reply(buf: Buffer, off: number, len: number): void {
    if (this.isEnded) return;
    const command = buf.readUInt16LE(off);
    const status = buf.readUInt32LE(off + 8);
    if (command === Command.SEND_RR_DATA || command === Command.SEND_UNIT_DATA)
      this.cipReply(buf, off, len, command === Command.SEND_RR_DATA, status);
    else if (command !== Command.NOP && command !== Command.UNREGISTER_SESSION) {
      const p = this.takePending(commandKey(command));
      if (p !== undefined) this.answered(p, status === 0 ? 'ok' : `encapsulation status 0x${hex(status, 4)}`);
    }
    this.forward(this.client, buf, off, len);
  }

  private cipReply(buf: Buffer, off: number, len: number, unconnected: boolean, status: number): void {
    if (status !== 0) {
      // An encapsulation-level refusal (bad session, bad length…) answers an unconnected request.
      const p = unconnected
        ? this.takePending(unconnectedKey(buf.readUInt32LE(off + 12), buf.readUInt32LE(off + 16)))
        : undefined;
      if (p !== undefined) this.answeredAll(p, `encapsulation status 0x${hex(status, 4)}`);
      return;
    }
    const at = this.replySpan;
    const type = unconnected ? Item.UNCONNECTED_DATA : Item.CONNECTED_DATA;
    if (locateSendData(buf, off + HEADER_LEN, len - HEADER_LEN, type, at) !== '') return;
    if (at.dataOff < 0 || at.dataLen < (unconnected ? 1 : 3)) return;
    const cipOff = unconnected ? at.dataOff : at.dataOff + 2;
    const cipLen = unconnected ? at.dataLen : at.dataLen - 2;
    // Only replies are matched; a request the target sends is passed on as it is.
    if (!(buf[cipOff]! & 0x80)) return;
    const key = unconnected
      ? unconnectedKey(buf.readUInt32LE(off + 12), buf.readUInt32LE(off + 16))
      : connectedKey(buf.readUInt16LE(at.dataOff));
    const p = this.takePending(key);
    if (p === undefined) return;
    const conn = this.connRequests.get(key);
    this.connRequests.delete(key);
    const r = parseCipResponse(buf, cipOff, cipLen);
    if (!r.ok) {
      this.answeredAll(p, 'malformed reply');
      return;
    }
    const { status: general, extStatus, dataOff, dataLen } = r.msg;
    if (p.more === undefined) {
      if (conn !== undefined && general === GeneralStatus.SUCCESS)
        this.connection(p, conn, buf, dataOff, dataLen);
      this.answered(p, statusResult(general, extStatus));
      return;
    }
    // A Multiple Service Packet's reply: one reply per service, unless the packet failed whole.
    const each =
      general === GeneralStatus.SUCCESS || general === GeneralStatus.EMBEDDED_SERVICE_ERROR
        ? parseMultiple(buf, dataOff, dataLen)
        : undefined;
    [p, ...p.more].forEach((op, i) => {
      const s =
        each?.ok && 2 * i < each.msg.length
          ? parseCipResponse(buf, each.msg[2 * i]!, each.msg[2 * i + 1]!)
          : undefined;
      const result =
        each === undefined
          ? statusResult(general, extStatus)
          : s?.ok
            ? statusResult(s.msg.status, s.msg.extStatus)
            : 'malformed reply';
      this.answered(op, result);
    });
  }

  /** A Forward Open's reply names the connection's ids (recorded with it); a Forward Close's ends it. */
  private connection(
    p: PendingOp,
    conn: { triad: ConnectionTriad; open: boolean },
    buf: Buffer,
    off: number,
    len: number,
  ): void {
    if (!conn.open) {
      const c = this.conns.byTriad(conn.triad);
      if (c !== undefined) this.conns.remove(c);
      return;
    }
    const fo = parseForwardOpenReply(buf, off, len);
    if (!fo.ok) return;
    this.conns.add({ ...fo.msg, route: undefined });
    p.target = withConnectionIds(p.target === '' ? undefined : p.target, fo.msg.otId, fo.msg.toId);
  }
}
