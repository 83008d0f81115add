/**
 * S7comm over ISO transport: turns S7 PDUs into operations and identity facts.
 *
 * Operations (`op.observed`, protocol `s7comm`, code `0x04` for jobs as tshark's
 * `s7comm.param.func`, `ud-<group>-<subfunction>` for userdata, e.g. `ud-4-01` Read SZL):
 * Read/Write Var → read/write with STEP 7 addresses; block download (0x1a–0x1c) and upload
 * (0x1d–0x1f) → program; PI services → program (_INSE, _DELE, _GARB, _MODU) or control
 * (P_PROGRAM restarts, others); PLC stop → control; Setup communication → other; userdata by
 * group (programmer commands: modify → write, force/memory reset/breakpoint → control, others
 * diagnostic; cyclic data and block functions → read; Read SZL → diagnostic, module and
 * component identification SZLs → identify; clock set → control, read → read; password →
 * other with target `password`; NC programming → program). Each is emitted at its response
 * (Ack / Ack_Data / userdata response, matched by PDU reference) with ok = no header or
 * parameter error and every item answered 0xff; unanswered ones at flow end. Download block
 * and Download ended are jobs the PLC sends to the programming device while a download runs:
 * they count as the client's operation on the PLC.
 *
 * Identity (on the responding PLC's IP): SZL 0xxy11 / 0xxy1C records (see szl.ts), reassembled
 * across userdata data units; `s7comm.pdu_size` from Setup communication, `s7comm.rack` and
 * `s7comm.slot` from the called TSAP.
 */
import type { AnalyzerContext, Direction } from '../analyzer.js';
import { emitters, type IsoConnection, type IsoUser } from '../cotp/user.js';
import type { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { KeyedPending, type PendingOp } from '../pending.js';
import {
  BLOCK_TYPES,
  FUNC_KIND,
  Func,
  MAX_PENDING,
  MAX_SZL,
  PI_KIND,
  Rosctr,
  Subfunc,
  SZL_COMPONENT_ID,
  SZL_MODULE_ID,
  UdGroup,
  UdType,
  userdataKind,
} from './consts.js';
import {
  blockFileName,
  emptyPdu,
  itemsOk,
  parseItems,
  piService,
  readS7,
  type S7Pdu,
  type S7Userdata,
  setupCommunication,
  stopService,
  szlRequest,
} from './parse.js';
import { szlIdentity } from './szl.js';
import { blockName, HEX_CODES, itemsText, piText, TargetCache } from './targets.js';

interface S7Pending extends PendingOp {
  /** Job function, or -1 for userdata. */
  func: number;
  /** Identity SZL id being read, or -1. */
  szl: number;
  /** A request for the next data unit of a fragmented userdata response. */
  cont: boolean;
  /** Who sent the request. */
  from: Direction;
}

export function createS7comm(ctx: AnalyzerContext, conn: IsoConnection): IsoUser {
  return new S7commSession(ctx, conn);
}

class S7commSession implements IsoUser {
  private readonly out: readonly [FlowEmitter, FlowEmitter];
  /** A request given up: its id came again, or the table was full. */
  private readonly displaced = (old: S7Pending, overflow: boolean): void => {
    if (!old.cont) this.emit(old, undefined);
    if (overflow) this.out[0].anomaly('s7comm.too_many_pending', `over ${MAX_PENDING} requests unanswered`);
  };
  private readonly pending = [
    new KeyedPending<S7Pending>(MAX_PENDING, this.displaced, true),
    new KeyedPending<S7Pending>(MAX_PENDING, this.displaced, true),
  ] as const;
  /** Block named by the last Start upload (Upload and End upload carry only an id). */
  private uploading: string | undefined;
  /** A fragmented identity SZL response being reassembled. */
  private szl: { id: number; from: Direction; buf: Buffer; len: number } | null = null;
  private connectionFacts = false;
  private readonly targets = new TargetCache();
  /** The PDU being handled, parsed in place. */
  private readonly pdu = emptyPdu();

  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly conn: IsoConnection,
  ) {
    this.out = emitters(ctx, 's7comm');
  }

  tsdu(dir: Direction, buf: Buffer, off: number, len: number): boolean {
    const m = this.pdu;
    const err = readS7(buf, off, len, m);
    if (err !== undefined) {
      this.out[0].anomaly(`s7comm.${err.code}`, err.detail);
      return false;
    }
    if (m.rosctr === Rosctr.JOB) this.job(dir, buf, m);
    else if (m.rosctr === Rosctr.USERDATA) this.userdata(dir, buf, m);
    else this.ack(dir, buf, m);
    return true;
  }

  gap(dir: Direction): void {
    if (this.szl?.from === dir) this.szl = null;
  }

  end(): void {
    for (const t of this.pending)
      t.drain((p) => {
        if (!p.cont) this.emit(p, undefined);
      });
  }

  private job(dir: Direction, buf: Buffer, m: S7Pdu): void {
    const func = m.func;
    let op = FUNC_KIND[func] ?? 'other';
    let target: string | undefined;
    switch (func) {
      case Func.READ_VAR:
      case Func.WRITE_VAR: {
        target = this.targets.get(buf, m.paramOff, m.paramLen);
        if (target !== undefined) break;
        const items = parseItems(buf, m);
        if (typeof items === 'string') this.out[0].anomaly('s7comm.bad_item', items);
        else {
          target = itemsText(items.items, items.total);
          this.targets.set(buf, m.paramOff, m.paramLen, target);
        }
        break;
      }
      case Func.REQUEST_DOWNLOAD:
      case Func.DOWNLOAD_BLOCK:
      case Func.DOWNLOAD_ENDED:
      case Func.START_UPLOAD: {
        const file = blockFileName(buf, m);
        if (file !== undefined) target = blockName(file);
        if (func === Func.START_UPLOAD) this.uploading = target;
        break;
      }
      case Func.UPLOAD:
      case Func.END_UPLOAD:
        target = this.uploading;
        break;
      case Func.PI_SERVICE: {
        const pi = piService(buf, m);
        if (pi !== undefined) {
          op = PI_KIND[pi.service] ?? 'control';
          target = piText(pi.service, pi.args);
        }
        break;
      }
      case Func.PLC_STOP:
        target = stopService(buf, m);
        break;
    }
    const code = func < 0 ? 'none' : HEX_CODES[func]!;
    this.request(dir, m.pduRef, {
      op,
      code,
      target,
      evidence: this.ctx.evidence(),
      func,
      szl: -1,
      cont: false,
      from: dir,
    });
  }

  private ack(dir: Direction, buf: Buffer, m: S7Pdu): void {
    const p = this.pending[dir === 0 ? 1 : 0].take(m.pduRef);
    if (p === undefined) return;
    let ok = m.errorClass === 0 && m.errorCode === 0;
    if (ok && m.rosctr === Rosctr.ACK_DATA) {
      if (p.func === Func.READ_VAR || p.func === Func.WRITE_VAR)
        ok = itemsOk(buf, m, p.func === Func.READ_VAR);
      else if (p.func === Func.SETUP_COMMUNICATION) this.setupFacts(dir, buf, m);
    }
    this.emit(p, ok);
  }

  private userdata(dir: Direction, buf: Buffer, m: S7Pdu): void {
    const ud = m.ud;
    if (ud === undefined) return; // mode-transition and other variants carry no operation
    if (ud.type === UdType.REQUEST) {
      if (ud.extended && ud.method === 0x12) {
        // "Send me the next data unit" of a fragmented response: part of the first request.
        this.request(dir, m.pduRef, {
          op: 'other',
          code: 'cont',
          evidence: this.ctx.evidence(),
          func: -1,
          szl: -1,
          cont: true,
          from: dir,
        });
        return;
      }
      this.request(dir, m.pduRef, this.userdataRequest(dir, buf, ud));
      return;
    }
    if (ud.type !== UdType.RESPONSE) return; // pushed indications carry no operation
    const p = this.pending[dir === 0 ? 1 : 0].take(m.pduRef);
    if (p === undefined) return;
    if (p.cont) {
      if (this.szl !== null && this.szl.from === dir) this.szlUnit(buf, ud);
      return;
    }
    const ok = ud.errorCode === 0 && (ud.returnCode === 0xff || ud.returnCode < 0 || ud.payloadLen === 0);
    if (ok && p.szl >= 0 && ud.payloadLen > 0) {
      this.szl = null;
      if (ud.lastUnit) this.identity(buf, ud.payloadOff, ud.payloadLen);
      else {
        const n = Math.min(ud.payloadLen, MAX_SZL);
        const copy = Buffer.allocUnsafe(MAX_SZL);
        buf.copy(copy, 0, ud.payloadOff, ud.payloadOff + n);
        this.szl = { id: p.szl, from: dir, buf: copy, len: n };
      }
    }
    this.emit(p, ok);
  }

  private userdataRequest(dir: Direction, buf: Buffer, ud: S7Userdata): S7Pending {
    let op = userdataKind(ud.group, ud.subfunc);
    let target: string | undefined;
    let szl = -1;
    const g = ud.group;
    if (g === UdGroup.CPU && ud.subfunc === Subfunc.READ_SZL) {
      const req = szlRequest(buf, ud);
      if (req !== undefined) {
        target = `SZL 0x${hex4(req.id)} index 0x${hex4(req.index)}`;
        const list = req.id & 0xff;
        if (list === SZL_MODULE_ID || list === SZL_COMPONENT_ID) {
          op = 'identify';
          szl = req.id;
        }
      }
    } else if (g === UdGroup.BLOCK) target = blockTarget(buf, ud);
    else if (g === UdGroup.SECURITY) target = ud.subfunc === Subfunc.PASSWORD ? 'password' : 'session';
    else if (g === UdGroup.TIME) target = 'clock';
    return {
      op,
      code: `ud-${g.toString(16)}-${hex2(ud.subfunc)}`,
      target,
      evidence: this.ctx.evidence(),
      func: -1,
      szl,
      cont: false,
      from: dir,
    };
  }

  /** Another data unit of a fragmented identity SZL response. */
  private szlUnit(buf: Buffer, ud: S7Userdata): void {
    const s = this.szl!;
    const n = Math.min(ud.payloadLen, MAX_SZL - s.len);
    buf.copy(s.buf, s.len, ud.payloadOff, ud.payloadOff + n);
    s.len += n;
    if (ud.lastUnit || s.len >= MAX_SZL) {
      this.szl = null;
      this.identity(s.buf, 0, s.len);
    }
  }

  private identity(buf: Buffer, off: number, len: number): void {
    const id = szlIdentity(buf, off, len);
    const ip = senderIp(this.ctx.packet);
    if (id === undefined || ip === undefined) return;
    const at = { ip };
    for (const r of id.records) this.out[0].asset(at, r, true);
    if (Object.keys(id.device).length > 0) this.out[0].asset(at, id.device);
  }

  private setupFacts(dir: Direction, buf: Buffer, m: S7Pdu): void {
    const setup = setupCommunication(buf, m);
    const ip = senderIp(this.ctx.packet);
    if (setup === undefined || ip === undefined || this.connectionFacts) return;
    this.connectionFacts = true;
    const facts: Record<string, string> = { 's7comm.pdu_size': String(setup.pduLength) };
    // The called TSAP addresses the PLC's CPU: connection type, then rack × 32 + slot.
    const tsap = this.conn.calledTsap;
    if (dir === 1 && tsap !== undefined && tsap.length === 4) {
      const rs = Number.parseInt(tsap.slice(2), 16);
      facts['s7comm.rack'] = String(rs >> 5);
      facts['s7comm.slot'] = String(rs & 0x1f);
    }
    this.out[0].asset({ ip }, facts);
  }

  private request(dir: Direction, key: number, p: S7Pending): void {
    this.pending[dir].add(key, p);
  }

  private emit(p: S7Pending, ok: boolean | undefined): void {
    // Jobs from the server side are a peer's requests, except the PLC's download-block and
    // download-ended jobs, which carry out the client's download.
    const plcPull = p.func === Func.DOWNLOAD_BLOCK || p.func === Func.DOWNLOAD_ENDED;
    const out = p.from === 0 || plcPull ? this.out[0] : this.out[1];
    out.op(p.op, p.code, p.target, ok, p.evidence);
  }
}

/** Block functions: list blocks, list blocks of a type (two ASCII digits), block info (type + number). */
function blockTarget(buf: Buffer, ud: S7Userdata): string | undefined {
  if (ud.subfunc === 0x01) return 'block list';
  const p = ud.payloadOff;
  if (ud.subfunc === 0x02 && ud.payloadLen >= 2) {
    return `${BLOCK_TYPES[buf.toString('latin1', p, p + 2).toUpperCase()] ?? 'unknown'} blocks`;
  }
  if (ud.subfunc === 0x03 && ud.payloadLen >= 8) return blockName(`_${buf.toString('latin1', p, p + 8)}`);
  return undefined;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
