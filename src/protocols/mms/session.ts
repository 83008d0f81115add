/**
 * MMS over the OSI upper layers (IEC 61850-8-1, IEC 60870-6 TASE.2 / ICCP), carried by ISO
 * transport on port 102: operations and identity.
 *
 * Operations (`op.observed`, protocol `mms`): confirmed services, code the decimal
 * ConfirmedServiceRequest tag (`4` read, `2` identify…), kind from consts.ts (identify →
 * identify; read, getNameList, getVariableAccessAttributes, file open/read/directory → read;
 * write and definitions → write; domain download/upload, program invocations created or
 * deleted, obtainFile, fileDelete → program; start/stop/resume/reset/kill → control; status →
 * diagnostic), emitted at the response (ok) or error/reject (not ok), matched by invoke id;
 * initiate and conclude → other (codes `initiate`, `conclude`); unconfirmed services
 * (information reports) → other with their code name, at once. Both ends may request (ICCP
 * peers): a request from the flow's server is emitted with client and server swapped.
 *
 * Identity: the Identify response names its sender — `mms.vendor_name`, `mms.model_name`,
 * `mms.revision` (tshark's keys) with vendor, model, firmware, and roleHint `ied` unless the
 * association shows TASE.2 objects (Bilateral_Table_ID…): ICCP peers are control-centre
 * servers, not IEDs.
 */
import type { AnalyzerContext, Direction } from '../analyzer.js';
import { emitters, type IsoConnection, type IsoUser } from '../cotp/user.js';
import type { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { KeyedPending, type PendingOp } from '../pending.js';
import { MAX_PENDING, Pdu, SERVICE_KIND, Service, TASE2_MARKERS, UNCONFIRMED_NAMES } from './consts.js';
import { identifyResponse, type MmsPdu, parseMms, serviceTarget } from './parse.js';
import { parseUpper } from './upper.js';

export function createMms(ctx: AnalyzerContext, _conn: IsoConnection): IsoUser {
  return new MmsSession(ctx);
}

/** Pending keys for the PDUs without invoke ids (invoke ids are ≥ 0). */
const INITIATE = -1;
const CONCLUDE = -2;

interface MmsPending extends PendingOp {
  from: Direction;
  service: number;
}

class MmsSession implements IsoUser {
  private readonly out: readonly [FlowEmitter, FlowEmitter];
  /** A request given up: its invoke id came again, or the table was full. */
  private readonly displaced = (old: MmsPending, overflow: boolean): void => {
    this.emit(old, undefined);
    if (overflow) this.out[0].anomaly('mms.too_many_pending', `over ${MAX_PENDING} requests unanswered`);
  };
  private readonly pending = [
    new KeyedPending<MmsPending>(MAX_PENDING, this.displaced, true),
    new KeyedPending<MmsPending>(MAX_PENDING, this.displaced, true),
  ] as const;
  private tase2 = false;

  constructor(private readonly ctx: AnalyzerContext) {
    this.out = emitters(ctx, 'mms');
  }

  tsdu(dir: Direction, buf: Buffer, off: number, len: number): boolean {
    const u = parseUpper(buf, off, len);
    if (!u.ok) {
      this.out[0].anomaly(`mms.${u.code}`, u.detail);
      return false;
    }
    if (u.pdu.mmsOff < 0) return u.pdu.acse >= 0;
    const r = parseMms(buf, u.pdu.mmsOff, u.pdu.mmsLen);
    if (!r.ok) {
      this.out[0].anomaly(`mms.${r.code}`, r.detail);
      return false;
    }
    this.pdu(dir, buf, r.msg);
    return true;
  }

  gap(): void {}

  end(): void {
    for (const t of this.pending) t.drain((p) => this.emit(p, undefined));
  }

  private pdu(dir: Direction, buf: Buffer, m: MmsPdu): void {
    const answer = this.pending[dir === 0 ? 1 : 0];
    switch (m.type) {
      case Pdu.CONFIRMED_REQUEST: {
        const target = serviceTarget(buf, m);
        if (target !== undefined && !this.tase2 && TASE2_MARKERS.some((x) => target.includes(x)))
          this.tase2 = true;
        this.request(
          dir,
          m.invokeId,
          SERVICE_KIND[m.service] ?? 'other',
          String(m.service),
          target,
          m.service,
        );
        break;
      }
      case Pdu.CONFIRMED_RESPONSE: {
        const p = answer.take(m.invokeId);
        if (m.service === Service.IDENTIFY) this.identity(buf, m);
        if (p !== undefined) this.emit(p, true);
        break;
      }
      case Pdu.CONFIRMED_ERROR:
      case Pdu.REJECT: {
        const p = m.invokeId >= 0 ? answer.take(m.invokeId) : undefined;
        if (p !== undefined) this.emit(p, false);
        break;
      }
      case Pdu.UNCONFIRMED: {
        // A report speaks for its sender: the flow's server unless the client sent it.
        const out = this.out[dir === 1 ? 0 : 1];
        out.op('other', UNCONFIRMED_NAMES[m.service] ?? `unconfirmed ${m.service}`, serviceTarget(buf, m));
        break;
      }
      case Pdu.INITIATE_REQUEST:
        this.request(dir, INITIATE, 'other', 'initiate', undefined, -1);
        break;
      case Pdu.CONCLUDE_REQUEST:
        this.request(dir, CONCLUDE, 'other', 'conclude', undefined, -1);
        break;
      case Pdu.INITIATE_RESPONSE:
      case Pdu.INITIATE_ERROR:
      case Pdu.CONCLUDE_RESPONSE:
      case Pdu.CONCLUDE_ERROR: {
        const initiate = m.type === Pdu.INITIATE_RESPONSE || m.type === Pdu.INITIATE_ERROR;
        const p = answer.take(initiate ? INITIATE : CONCLUDE);
        if (p !== undefined)
          this.emit(p, m.type === Pdu.INITIATE_RESPONSE || m.type === Pdu.CONCLUDE_RESPONSE);
        break;
      }
    }
  }

  private request(
    dir: Direction,
    key: number,
    op: MmsPending['op'],
    code: string,
    target: string | undefined,
    service: number,
  ): void {
    const p: MmsPending = { op, code, target, evidence: this.ctx.evidence(), from: dir, service };
    this.pending[dir].add(key, p);
  }

  private identity(buf: Buffer, m: MmsPdu): void {
    const id = identifyResponse(buf, m);
    const ip = senderIp(this.ctx.packet);
    if (id === undefined || ip === undefined) return;
    const facts: Record<string, string> = {};
    if (id.vendor !== undefined) {
      facts['mms.vendor_name'] = id.vendor;
      facts.vendor = id.vendor;
    }
    if (id.model !== undefined) {
      facts['mms.model_name'] = id.model;
      facts.model = id.model;
    }
    if (id.revision !== undefined) {
      facts['mms.revision'] = id.revision;
      facts.firmware = id.revision;
    }
    if (!this.tase2) facts.roleHint = 'ied';
    this.out[0].asset({ ip }, facts);
  }

  private emit(p: MmsPending, ok: boolean | undefined): void {
    this.out[p.from].op(p.op, p.code, p.target, ok, p.evidence);
  }
}
