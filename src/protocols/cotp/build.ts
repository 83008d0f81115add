/**
 * TPKT / COTP builders for the project's own traces (golden tests, the plant simulator):
 * RFC 1006 §6 TPKT around X.224 class-0 TPDUs (§13.3 CR/CC with TSAP and TPDU-size
 * parameters, §13.5 DR, §13.7 DT with the EOT bit). Not on the capture path.
 */
import { EOT, Param, TPKT_VERSION, Tpdu } from './consts.js';

export function tpkt(tpdu: Buffer): Buffer {
  const h = Buffer.from([TPKT_VERSION, 0, 0, 0]);
  h.writeUInt16BE(tpdu.length + 4, 2);
  return Buffer.concat([h, tpdu]);
}

/** One DT TPDU in a TPKT (class 0: LI 2, code, EOT|NR). */
export function dt(payload: Buffer, eot = true, nr = 0): Buffer {
  return tpkt(Buffer.concat([Buffer.from([2, Tpdu.DT, (eot ? EOT : 0) | (nr & 0x7f)]), payload]));
}

/** A TSDU cut into DT TPDUs of at most `max` payload bytes, the last with EOT (concatenated TPKTs). */
export function dtFragments(payload: Buffer, max: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < payload.length; i += max) {
    parts.push(dt(payload.subarray(i, i + max), i + max >= payload.length));
  }
  return Buffer.concat(parts);
}

export interface ConnectOptions {
  dstRef?: number;
  srcRef?: number;
  callingTsap?: Buffer;
  calledTsap?: Buffer;
  /** TPDU size code (7 = 128 … 10 = 1024 bytes). */
  tpduSizeCode?: number;
}

function connect(code: number, o: ConnectOptions): Buffer {
  const params: Buffer[] = [];
  if (o.tpduSizeCode !== undefined) params.push(Buffer.from([Param.TPDU_SIZE, 1, o.tpduSizeCode]));
  if (o.callingTsap) params.push(Buffer.from([Param.CALLING_TSAP, o.callingTsap.length]), o.callingTsap);
  if (o.calledTsap) params.push(Buffer.from([Param.CALLED_TSAP, o.calledTsap.length]), o.calledTsap);
  const p = Buffer.concat(params);
  const fixed = Buffer.alloc(7);
  fixed[0] = 6 + p.length;
  fixed[1] = code;
  fixed.writeUInt16BE(o.dstRef ?? 0, 2);
  fixed.writeUInt16BE(o.srcRef ?? 1, 4);
  fixed[6] = 0; // class 0, no options
  return tpkt(Buffer.concat([fixed, p]));
}

export function cr(o: ConnectOptions): Buffer {
  return connect(Tpdu.CR, o);
}

export function cc(o: ConnectOptions): Buffer {
  return connect(Tpdu.CC, o);
}

export function dr(dstRef: number, srcRef: number, reason = 0x80): Buffer {
  const b = Buffer.alloc(7);
  b[0] = 6;
  b[1] = Tpdu.DR;
  b.writeUInt16BE(dstRef, 2);
  b.writeUInt16BE(srcRef, 4);
  b[6] = reason;
  return tpkt(b);
}

/** An S7 TSAP: connection type (1 PG, 2 OP, 3 S7 basic), then rack × 32 + slot. */
export function s7Tsap(connectionType: number, rack: number, slot: number): Buffer {
  return Buffer.from([connectionType, (rack << 5) | (slot & 0x1f)]);
}
