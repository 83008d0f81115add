import { dt } from '../../../protocols/cotp/build.js';
import { TPKT_HEADER } from '../../../protocols/cotp/consts.js';
import { measureTpkt, parseTpkt } from '../../../protocols/cotp/parse.js';
import { ackData, readVarAck, userdataResponse, writeVarAck } from '../../../protocols/s7comm/build.js';
import { Func, PROTOCOL_ID, Rosctr } from '../../../protocols/s7comm/consts.js';
import { emptyPdu, readS7 } from '../../../protocols/s7comm/parse.js';
import { operationAction } from '../../policy/actions.js';
import type { Decision } from '../../policy/decision.js';
import { malformed, OperationSession } from '../session.js';
import { classify } from './classify.js';

/** Largest TPKT accepted (a TPDU of 8192 bytes, the largest size class, with headers). */
const MAX_TPKT = 8192 + 16;
/** Largest S7 PDU reassembled from DT fragments (PLCs negotiate 240–960 bytes). */
const MAX_TSDU = 16 * 1024;
/** Item return code "object access not allowed" and the job error "context not supported". */
const ITEM_ACCESS_DENIED = 0x03;
const JOB_REFUSED = 0x8104;
/** Jobs tracked for their results at once. */
const MAX_PENDING = 64;

export class S7Session extends OperationSession {
  readonly protocol = 's7';
  private clientRest: Buffer | null = null;
  private upRest: Buffer | null = null;
  private connected = false;
  /** DT frames of the TSDU being assembled, and its payload. */
  private frames: Buffer[] = [];
  private tsdu: Buffer[] = [];
  private tsduLen = 0;
  /** PLC → client: whether the next DT starts a TSDU (its S7 header is in it). */
  private upAtStart = true;
  private readonly pdu = emptyPdu();
  private readonly ackPdu = emptyPdu();
  protected override readonly maxPending = MAX_PENDING;

  open(): void {
    this.connectUpstream().on('data', (c: Buffer) => this.fromAsset(c));
    this.client.on('data', (c: Buffer) => this.fromClient(c));
  }

  /** Whole TPKTs of `buf`, each passed to `each`; the partial rest is returned (or -1 on a bad frame). */
  private frame(buf: Buffer, each: (off: number, len: number) => boolean): number {
    let off = 0;
    while (buf.length - off >= TPKT_HEADER) {
      const len = measureTpkt(buf, off, buf.length - off);
      if (len < 0 || len > MAX_TPKT) return -1;
      if (len === 0 || buf.length - off < len) break;
      if (!each(off, len)) return -2;
      off += len;
    }
    return off;
  }

  private fromClient(chunk: Buffer): void {
    const buf = this.clientRest === null ? chunk : Buffer.concat([this.clientRest, chunk]);
    this.clientRest = null;
    const up = this.upstream!;
    up.cork();
    const off = this.frame(buf, (o, l) => this.clientTpkt(buf, o, l));
    up.uncork();
    if (off === -1) this.refuseStream('malformed TPKT header');
    if (off < 0 || this.isEnded) return;
    if (off < buf.length) this.clientRest = Buffer.from(buf.subarray(off));
  }

  private clientTpkt(buf: Buffer, off: number, len: number): boolean {
    const t = parseTpkt(buf, off, len);
    const up = this.upstream!;
    if (!t.ok) return this.refuseStream(`COTP ${t.code}: ${t.detail}`);
    const tpdu = t.tpdu;
    switch (tpdu.type) {
      case 'CR':
        if (this.connected) return this.refuseStream('a second connection request');
        this.connected = true;
        up.write(buf.subarray(off, off + len));
        return true;
      case 'DR':
      case 'DC':
      case 'AK':
        up.write(buf.subarray(off, off + len));
        return true;
      case 'DT': {
        if (!this.connected) return this.refuseStream('data before the connection request');
        this.tsduLen += tpdu.dataLen;
        if (this.tsduLen > MAX_TSDU) return this.refuseStream(`a PDU over ${MAX_TSDU} bytes`);
        this.frames.push(Buffer.from(buf.subarray(off, off + len)));
        this.tsdu.push(buf.subarray(tpdu.dataOff, tpdu.dataOff + tpdu.dataLen));
        if (!tpdu.eot) return true;
        const frames = this.frames;
        const payload = this.tsdu.length === 1 ? this.tsdu[0]! : Buffer.concat(this.tsdu);
        this.frames = [];
        this.tsdu = [];
        this.tsduLen = 0;
        return this.request(payload, frames);
      }
      default:
        return this.refuseStream(`COTP ${tpdu.type} is not proxied`);
    }
  }

  private request(payload: Buffer, frames: Buffer[]): boolean {
    const ts = this.deps.clock();
    const m = this.pdu;
    if (payload.length === 0 || payload[0] !== PROTOCOL_ID)
      return this.refuseStream(`protocol id 0x${(payload[0] ?? 0).toString(16)} (only S7comm is proxied)`);
    const err = readS7(payload, 0, payload.length, m);
    if (err !== undefined) return this.refuseStream(`S7 ${err.code}: ${err.detail}`);
    const r = classify(payload, m);
    if (r.kind === 'malformed') {
      this.recordOp('s7:malformed', 'none', r.detail, malformed(), 'denied', ts);
      this.deny(payload, m.pduRef);
      return true;
    }
    if (r.kind === 'answer') return this.forward(frames);
    const action = r.kind === 'setup' ? 'connect' : operationAction('s7', r.op);
    let d: Decision | undefined;
    for (const target of r.kind === 'setup' ? [] : r.targets) {
      d = this.check(action, target);
      if (!d.allow) break;
    }
    d ??= this.check('connect', { unit: -1, space: '', start: -1, end: -1 });
    const code = r.kind === 'setup' ? `0x${Func.SETUP_COMMUNICATION.toString(16)}` : r.code;
    if (!d.allow) {
      this.recordOp(action, code, r.text, d, 'denied', ts);
      this.deny(payload, m.pduRef);
      return true;
    }
    this.forwarded(m.pduRef, action, code, r.text, d, ts);
    return this.forward(frames);
  }

  private forward(frames: Buffer[]): boolean {
    for (const f of frames) this.upstream!.write(f);
    return true;
  }

  /** The refusal a PLC itself would give, in one DT TPDU. */
  private deny(payload: Buffer, pduRef: number): void {
    if (this.denyMode === 'drop') return;
    const m = this.pdu;
    let reply: Buffer;
    if (m.rosctr === Rosctr.USERDATA && m.ud !== undefined)
      reply = userdataResponse(pduRef, m.ud.group, m.ud.subfunc, Buffer.alloc(0), {
        error: JOB_REFUSED,
        returnCode: 0x0a,
      });
    else if ((m.func === Func.READ_VAR || m.func === Func.WRITE_VAR) && m.paramLen >= 2) {
      const n = payload[m.paramOff + 1]!;
      const codes = Array.from({ length: n }, () => ITEM_ACCESS_DENIED);
      reply = m.func === Func.READ_VAR ? readVarAck(pduRef, codes) : writeVarAck(pduRef, codes);
    } else reply = ackData(pduRef, Math.max(m.func, 0), JOB_REFUSED);
    this.client.write(dt(reply));
  }

  /** The byte stream can no longer be trusted: record why and end the session. */
  private refuseStream(why: string): false {
    this.recordOp('s7:frame', 'none', why, malformed(), 'denied', this.deps.clock());
    this.end(`malformed request: ${why}`);
    return false;
  }

  private fromAsset(chunk: Buffer): void {
    const buf = this.upRest === null ? chunk : Buffer.concat([this.upRest, chunk]);
    this.upRest = null;
    const off = this.frame(buf, (o, l) => {
      this.assetTpkt(buf, o, l);
      return true;
    });
    if (off < 0) {
      this.end('malformed response from the asset');
      return;
    }
    if (off > 0) this.client.write(off === buf.length ? buf : buf.subarray(0, off));
    if (off < buf.length) this.upRest = Buffer.from(buf.subarray(off));
  }

  /** Results for the recording: the first DT of each answer carries its S7 header. */
  private assetTpkt(buf: Buffer, off: number, len: number): void {
    const t = parseTpkt(buf, off, len);
    if (!t.ok || t.tpdu.type !== 'DT') return;
    const atStart = this.upAtStart;
    this.upAtStart = t.tpdu.eot;
    if (!atStart) return;
    const m = this.ackPdu;
    if (readS7(buf, t.tpdu.dataOff, t.tpdu.dataLen, m) !== undefined) return;
    const isAnswer =
      m.rosctr === Rosctr.ACK ||
      m.rosctr === Rosctr.ACK_DATA ||
      (m.rosctr === Rosctr.USERDATA && m.ud?.type === 0x8);
    if (!isAnswer) return;
    const p = this.takePending(m.pduRef);
    if (p === undefined) return;
    const error = m.rosctr === Rosctr.USERDATA ? (m.ud?.errorCode ?? 0) : (m.errorClass << 8) | m.errorCode;
    const result = error === 0 ? 'ok' : `error 0x${error.toString(16).padStart(4, '0')}`;
    this.answered(p, result);
  }
}
