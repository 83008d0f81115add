/**
 * S7comm-plus over ISO transport: operations and identity (tshark 4.0 has no S7comm-plus
 * dissector; this decodes what is not encrypted).
 *
 * Operations (`op.observed`, protocol `s7comm-plus`, code the function code `0x054c`), emitted
 * at the response (matched by sequence number) with ok = return value error code ≥ 0:
 * connect-time CreateObject (session setup) and the SetMultiVariables / DeleteObject on the
 * session object → other (`session`); GetMultiVariables, GetVariable, GetVarSubStreamed,
 * GetLink, Explore → read; SetVariable, SetMultiVariables, SetVarSubStreamed → write;
 * CreateObject, DeleteObject and writes inside a BeginSequence … EndSequence transaction, and
 * those two → program (a download); SetVariable of the CPU execution unit's operating-state
 * request → control (`CPU operating state → STOP`), of the CPU clock → control; Invoke →
 * control. Keep-alives and notifications (subscribed values) are no operations.
 *
 * Facts: `s7comm-plus.version` (V1/V2/V3, the data protocol of the session; V3 payloads are
 * integrity protected), `s7comm-plus.order_number` and `s7comm-plus.firmware_version` (with
 * vendor/model/firmware/roleHint plc) from the server's ServerSessionVersion string in the
 * connect response; `s7comm-plus.tls` when the session switched to TLS; on the client, the
 * PLC service its connection called (`s7comm-plus.tsap` SIMATIC-ROOT-ES / -HMI) and the role
 * it implies.
 */
import type { AnalyzerContext, Direction } from '../analyzer.js';
import { tsapText } from '../cotp/parse.js';
import { emitters, type IsoConnection, type IsoUser } from '../cotp/user.js';
import type { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { KeyedPending, type PendingOp } from '../pending.js';
import {
  AREA_DB,
  AREA_IQMCT,
  CHANGES,
  FN_KIND,
  Fn,
  Id,
  MAX_PENDING,
  MAX_SCAN,
  OPERATING_STATE,
  Opcode,
  TSAP_ROLE,
  Version,
} from './consts.js';
import {
  objectId,
  parseFrame,
  parseMessage,
  type S7pMessage,
  serverVersionString,
  setVariable,
  variableAddresses,
} from './parse.js';

export function createS7commPlus(ctx: AnalyzerContext, conn: IsoConnection): IsoUser {
  return new S7commPlusSession(ctx, conn);
}

interface S7pPending extends PendingOp {
  from: Direction;
  func: number;
}

class S7commPlusSession implements IsoUser {
  private readonly out: readonly [FlowEmitter, FlowEmitter];
  /** A request given up: its sequence number came again, or the table was full. */
  private readonly displaced = (old: S7pPending, overflow: boolean): void => {
    this.emit(old, undefined);
    if (overflow)
      this.out[0].anomaly('s7comm-plus.too_many_pending', `over ${MAX_PENDING} requests unanswered`);
  };
  private readonly pending = [
    new KeyedPending<S7pPending>(MAX_PENDING, this.displaced, true),
    new KeyedPending<S7pPending>(MAX_PENDING, this.displaced, true),
  ] as const;
  /** A message continues in the next TSDU of this direction (no trailer yet). */
  private readonly inMessage: [boolean, boolean] = [false, false];
  /** The session's object id from the connect response (requests name it afterwards). */
  private session = -1;
  /** Open BeginSequence transactions. */
  private sequence = 0;
  private maxVersion = 0;
  private tls = false;
  private clientFacts = false;

  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly conn: IsoConnection,
  ) {
    this.out = emitters(ctx, 's7comm-plus');
  }

  tsdu(dir: Direction, buf: Buffer, off: number, len: number): boolean {
    if (buf[off] !== 0x72) return this.tlsRecord(dir, buf, off, len);
    const r = parseFrame(buf, off, len);
    if (!r.ok) {
      this.out[0].anomaly(`s7comm-plus.${r.code}`, r.detail);
      this.inMessage[dir] = false;
      return false;
    }
    const f = r.frame;
    if (!this.clientFacts) this.clientRole();
    if (f.keepAlive) return true;
    const continued = this.inMessage[dir];
    this.inMessage[dir] = !f.last;
    if (dir === 1 && f.version > this.maxVersion) {
      this.maxVersion = f.version;
      if (f.version !== Version.V1) this.versionFact();
    }
    if (continued) return true;
    const m = parseMessage(buf, f.dataOff, f.dataEnd - f.dataOff);
    if (!m.ok) {
      this.out[0].anomaly(`s7comm-plus.${m.code}`, m.detail);
      return true;
    }
    const msg = m.msg;
    if (msg.opcode === Opcode.REQUEST) this.request(dir, buf, msg, f.dataEnd, f.version);
    else if (msg.opcode === Opcode.RESPONSE || msg.opcode === Opcode.RESPONSE2)
      this.response(dir, buf, msg, f.dataEnd, f.version);
    return true;
  }

  gap(dir: Direction): void {
    this.inMessage[dir] = false;
  }

  end(): void {
    for (const t of this.pending) t.drain((p) => this.emit(p, undefined));
    if (this.maxVersion === Version.V1) this.versionFact();
  }

  private request(dir: Direction, buf: Buffer, m: S7pMessage, end: number, version: number): void {
    const fn = m.func;
    let op = FN_KIND[fn] ?? 'other';
    let target: string | undefined;
    const body = m.bodyOff;
    if (fn === Fn.BEGIN_SEQUENCE) this.sequence++;
    else if (fn === Fn.END_SEQUENCE) this.sequence = Math.max(0, this.sequence - 1);
    if (fn === Fn.CREATE_OBJECT && (version === Version.V1 || m.sessionId === Id.SERVER_SESSION_CONTAINER)) {
      target = 'session';
    } else if (fn === Fn.SET_VARIABLE) {
      const sv = setVariable(buf, body, end);
      if (sv?.object === Id.CPU_EXEC_UNIT && sv.attribute === Id.OPERATING_STATE_REQ) {
        op = 'control';
        const state = sv.value === undefined ? undefined : (OPERATING_STATE[sv.value] ?? String(sv.value));
        target = `CPU operating state → ${state ?? '?'}`;
      } else if (sv?.attribute === Id.SET_CPU_CLOCK) {
        op = 'control';
        target = 'CPU clock';
      } else if (sv !== undefined) {
        target = `object 0x${hex(sv.object)} attribute ${sv.attribute}`;
        if (this.sequence > 0) op = 'program';
      }
    } else if (fn === Fn.SET_MULTI_VARIABLES || fn === Fn.GET_MULTI_VARIABLES) {
      const v = variableAddresses(buf, body, end);
      if (v !== undefined && v.object === this.session && fn === Fn.SET_MULTI_VARIABLES) {
        op = 'other';
        target = 'session';
      } else if (v !== undefined) {
        target = v.object === 0 ? variablesText(v.count, v.area) : `object 0x${hex(v.object)}`;
      }
    } else if (fn === Fn.DELETE_OBJECT) {
      const id = objectId(buf, body, end);
      target = id === this.session ? 'session' : id >= 0 ? `object 0x${hex(id)}` : undefined;
    } else if (fn === Fn.CREATE_OBJECT) {
      target = 'object';
    } else if (fn === Fn.GET_VAR_SUBSTREAMED || fn === Fn.GET_LINK || fn === Fn.EXPLORE || fn === Fn.INVOKE) {
      // The object (Explore: the area explored; Invoke: the sub-session) the request names first.
      const id = objectId(buf, body, end);
      if (id >= 0) target = `${fn === Fn.EXPLORE ? 'area' : 'object'} 0x${hex(id)}`;
    }
    if (CHANGES.has(fn) && this.sequence > 0 && target !== 'session' && op !== 'control') op = 'program';
    const code = `0x${fn.toString(16).padStart(4, '0')}`;
    const p: S7pPending = { op, code, target, evidence: this.ctx.evidence(), from: dir, func: fn };
    this.pending[dir].add(m.seq, p);
  }

  private response(dir: Direction, buf: Buffer, m: S7pMessage, end: number, version: number): void {
    const p = this.pending[dir === 0 ? 1 : 0].take(m.seq);
    if (p === undefined) return;
    const ok = m.errorCode >= 0;
    if (ok && p.func === Fn.CREATE_OBJECT && version === Version.V1) this.serverIdentity(buf, m, end);
    this.emit(p, ok);
  }

  /** Connect response: return value, object id count and ids (the first is the session), then the session object. */
  private serverIdentity(buf: Buffer, m: S7pMessage, end: number): void {
    // The return value of a successful connect is one byte (0); then the id count and VLQ ids.
    let p = m.bodyOff;
    while (p < end && buf[p]! & 0x80) p++;
    p++;
    if (p + 1 < end && buf[p]! > 0) {
      let v = 0;
      for (let q = p + 1, i = 0; q < end && i < 5; q++, i++) {
        v = v * 128 + (buf[q]! & 0x7f);
        if ((buf[q]! & 0x80) === 0) break;
      }
      this.session = v >>> 0;
    }
    const ip = senderIp(this.ctx.packet);
    const s = serverVersionString(buf, m.bodyOff, end, MAX_SCAN);
    if (ip === undefined || s === undefined) return;
    // "1;6ES7 214-1HE30-0XB0 ;V2.2": an index, the order number, the firmware version.
    const parts = s.split(';').map((x) => x.trim());
    const order = parts.find((x) => /^6E[SP]7 /.test(x));
    const fw = parts.find((x) => /^V\d+(\.\d+)*$/.test(x));
    if (order === undefined && fw === undefined) return;
    const facts: Record<string, string> = { vendor: 'Siemens', roleHint: 'plc' };
    if (order !== undefined) {
      facts['s7comm-plus.order_number'] = order;
      facts.model = order;
    }
    if (fw !== undefined) {
      facts['s7comm-plus.firmware_version'] = fw;
      facts.firmware = fw;
    }
    this.out[0].asset({ ip }, facts);
  }

  private versionFact(): void {
    const ip = this.ctx.flow.server.ip;
    if (ip !== undefined) this.out[0].asset({ ip }, { 's7comm-plus.version': `V${this.maxVersion}` });
  }

  /** The called TSAP names the PLC service the client uses (engineering system, HMI). */
  private clientRole(): void {
    this.clientFacts = true;
    const ip = this.ctx.flow.client.ip;
    const called = this.conn.calledTsap === undefined ? undefined : tsapText(this.conn.calledTsap);
    if (ip === undefined || called === undefined) return;
    const role = TSAP_ROLE[called];
    this.out[0].asset(
      { ip },
      role === undefined ? { 's7comm-plus.tsap': called } : { 's7comm-plus.tsap': called, roleHint: role },
    );
  }

  /** TLS records (content type 20–23, version 3.x) once the session is secured. */
  private tlsRecord(_dir: Direction, buf: Buffer, off: number, len: number): boolean {
    if (len < 5 || buf[off + 1] !== 3) return false;
    if (!this.tls) {
      this.tls = true;
      const ip = this.ctx.flow.server.ip;
      if (ip !== undefined) this.out[0].asset({ ip }, { 's7comm-plus.tls': 'yes' });
    }
    return true;
  }

  private emit(p: S7pPending, ok: boolean | undefined): void {
    this.out[p.from].op(p.op, p.code, p.target, ok, p.evidence);
  }
}

function variablesText(count: number, area: number): string {
  const first =
    area < 0
      ? undefined
      : area >>> 16 === AREA_DB
        ? `DB${area & 0xffff}`
        : area >>> 16 === 0
          ? AREA_IQMCT[area & 0xffff]
          : undefined;
  const n = `${count} variable${count === 1 ? '' : 's'}`;
  return first === undefined ? n : `${n} (${first}${count > 1 ? ', …' : ''})`;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
