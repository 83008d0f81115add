import { TLSSocket } from 'node:tls';
import { EXCEPTION_BIT, Fc, MAX_MBAP_LENGTH, MBAP_HEADER } from '../../../protocols/modbus/consts.js';
import { CODE, kindOf, TargetCache } from '../../../protocols/modbus/ops.js';
import {
  decodeRequest,
  decodeResponse,
  newRequestFields,
  newResponseFields,
} from '../../../protocols/modbus/parse.js';
import { type OperationAction, operationAction } from '../../policy/actions.js';
import { malformed, OperationSession } from '../session.js';
import { readHalfTarget, requestTarget } from './targets.js';

/** Exception codes (§7): 01 illegal function for a refused operation, 03 for a malformed one. */
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_DATA_VALUE = 3;

/** Requests tracked for their results at once. */
const MAX_PENDING = 256;

/** The asset's side is read into one buffer per session (room for 60 whole ADUs). */
const ASSET_READ_BUFFER = 16 * 1024;

export class ModbusSession extends OperationSession {
  readonly protocol = 'modbus';
  private clientRest: Buffer | null = null;
  private upRest: Buffer | null = null;
  /** Where the asset's bytes are read; undefined while a write to the client still holds it. */
  private upBuffer: Buffer | undefined;
  private readonly req = newRequestFields();
  private readonly res = newResponseFields();
  protected override readonly maxPending = MAX_PENDING;
  private readonly targets = new TargetCache();
  private readonly clientTls = this.client instanceof TLSSocket;

  open(): void {
    // Read into a buffer of our own (no buffer made and no stream event per read); a new one
    // only when a write to the client has been queued from the last.
    this.connectUpstream({
      onread: {
        buffer: () => (this.upBuffer ??= Buffer.allocUnsafe(ASSET_READ_BUFFER)),
        callback: (n: number) => {
          this.fromAsset(this.upBuffer!, n);
          return true;
        },
      },
    });
    this.client.on('data', (c: Buffer) => this.fromClient(c));
  }

  private fromClient(chunk: Buffer): void {
    const buf = this.clientRest === null ? chunk : Buffer.concat([this.clientRest, chunk]);
    this.clientRest = null;
    let off = 0;
    const up = this.upstream!;
    // Allowed ADUs next to each other go to the asset in one write; a refused one splits the run.
    let run = -1;
    while (buf.length - off > MBAP_HEADER) {
      const length = buf.readUInt16BE(off + 4);
      if (buf[off + 2] !== 0 || buf[off + 3] !== 0 || length < 2 || length > MAX_MBAP_LENGTH) {
        if (run >= 0) up.write(buf.subarray(run, off));
        this.badFrame(buf, off, length);
        return;
      }
      const total = 6 + length;
      if (buf.length - off < total) break;
      if (this.request(buf, off, total)) {
        if (run < 0) run = off;
      } else if (run >= 0) {
        up.write(buf.subarray(run, off));
        run = -1;
      }
      if (this.isEnded) return;
      off += total;
    }
    if (run >= 0) up.write(run === 0 && off === buf.length ? buf : buf.subarray(run, off));
    // At most one partial ADU (≤ 260 bytes) is ever held.
    if (off < buf.length) this.clientRest = Buffer.from(buf.subarray(off));
  }

  /** Decide one request ADU; true when it is to be forwarded. */
  private request(buf: Buffer, off: number, total: number): boolean {
    const ts = this.deps.clock();
    const tid = buf.readUInt16BE(off);
    const unit = buf[off + 6]!;
    const f = this.req;
    const err = decodeRequest(buf, off + MBAP_HEADER, total - MBAP_HEADER, f);
    const fc = f.fc;
    if (err !== undefined || fc & EXCEPTION_BIT) {
      const d = malformed();
      this.recordOp(
        `modbus:${err ?? 'exception_in_request'}`,
        CODE[fc & 0xff]!,
        `unit ${unit}`,
        d,
        'denied',
        ts,
      );
      this.deny(tid, unit, fc, ILLEGAL_DATA_VALUE);
      return false;
    }
    const action: OperationAction = operationAction('modbus', kindOf(fc, f.sub));
    let d = this.check(action, requestTarget(unit, f));
    if (d.allow && fc === Fc.READ_WRITE_MULTIPLE_REGISTERS) {
      const r = this.check('modbus:read', readHalfTarget(unit, f));
      if (!r.allow) d = r;
    }
    const target = this.targets.get(unit, fc, f.sub, f.a, f.q, f.a2, f.q2);
    const code = CODE[fc]!;
    if (!d.allow) {
      this.recordOp(action, code, target, d, 'denied', ts);
      this.deny(tid, unit, fc, ILLEGAL_FUNCTION);
      return false;
    }
    this.forwarded(tid, action, code, target, d, ts);
    return true;
  }

  private deny(tid: number, unit: number, fc: number, exception: number): void {
    if (this.denyMode === 'drop') return;
    const r = Buffer.allocUnsafe(9);
    r.writeUInt16BE(tid, 0);
    r.writeUInt16BE(0, 2);
    r.writeUInt16BE(3, 4);
    r[6] = unit;
    r[7] = (fc | EXCEPTION_BIT) & 0xff;
    r[8] = exception;
    this.client.write(r);
  }

  private badFrame(buf: Buffer, off: number, length: number): void {
    const protocol = buf.readUInt16BE(off + 2);
    const why =
      protocol !== 0
        ? `protocol id ${protocol}`
        : length > MAX_MBAP_LENGTH
          ? `oversized ADU (length ${length})`
          : `length ${length}`;
    this.recordOp('modbus:frame', 'none', why, malformed(), 'denied', this.deps.clock());
    this.end(`malformed request: ${why}`);
  }

  private fromAsset(read: Buffer, n: number): void {
    const buf =
      this.upRest === null ? read.subarray(0, n) : Buffer.concat([this.upRest, read.subarray(0, n)]);
    this.upRest = null;
    let off = 0;
    while (buf.length - off > MBAP_HEADER) {
      const length = buf.readUInt16BE(off + 4);
      if (buf[off + 2] !== 0 || buf[off + 3] !== 0 || length < 2 || length > MAX_MBAP_LENGTH) {
        this.end('malformed response from the asset');
        return;
      }
      const total = 6 + length;
      if (buf.length - off < total) break;
      this.response(buf, off, total);
      off += total;
    }
    // Whole ADUs go to the client in one write; a partial one waits for its rest.
    if (off > 0) this.toClient(off === buf.length ? buf : buf.subarray(0, off), buf.buffer === read.buffer);
    if (off < buf.length) this.upRest = Buffer.from(buf.subarray(off));
  }

  /**
   * Bytes for the client, maybe a view of the read buffer, which the next read overwrites. A
   * write queued behind earlier bytes keeps what it was given, and so may TLS (its writes
   * complete later): those get a copy. Over plain TCP, bytes the kernel did not take at once are
   * sent from where they are: the next read goes into a new buffer.
   */
  private toClient(bytes: Buffer, inReadBuffer: boolean): void {
    const c = this.client;
    if (!inReadBuffer) c.write(bytes);
    else if (this.clientTls || c.writableLength > 0) c.write(Buffer.from(bytes));
    else {
      c.write(bytes);
      if (c.writableLength > 0) this.upBuffer = undefined;
    }
  }

  private response(buf: Buffer, off: number, total: number): void {
    const p = this.takePending(buf.readUInt16BE(off));
    if (p === undefined) return;
    const r = this.res;
    const err = decodeResponse(buf, off + MBAP_HEADER, total - MBAP_HEADER, r);
    const result =
      r.exception !== 0 ? `exception ${r.exception}` : err !== undefined ? `malformed ${err}` : 'ok';
    this.answered(p, result);
  }
}
