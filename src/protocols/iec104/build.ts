/**
 * IEC 60870-5-104 message builders for the project's own traces (golden tests, the plant
 * simulator): APCI frames (IEC 60870-5-104 §5) around ASDUs (IEC 60870-5-101 §7.2, with the
 * 104 field sizes of §7: 2-octet COT, 2-octet common address, 3-octet IOA). Not on the
 * capture path.
 */
import { COT_NEGATIVE, COT_TEST, START } from './consts.js';

/** U-format frame: STARTDT / STOPDT / TESTFR act or con (0x07, 0x0b, 0x13, 0x23, 0x43, 0x83). */
export function uFrame(fn: number): Buffer {
  return Buffer.from([START, 4, fn, 0, 0, 0]);
}

/** S-format frame acknowledging up to `recvSeq`. */
export function sFrame(recvSeq: number): Buffer {
  const b = Buffer.from([START, 4, 1, 0, 0, 0]);
  b.writeUInt16LE((recvSeq << 1) & 0xfffe, 4);
  return b;
}

/** I-format frame carrying `asdu`. */
export function iFrame(sendSeq: number, recvSeq: number, asdu: Buffer): Buffer {
  const h = Buffer.alloc(6);
  h[0] = START;
  h[1] = 4 + asdu.length;
  h.writeUInt16LE((sendSeq << 1) & 0xfffe, 2);
  h.writeUInt16LE((recvSeq << 1) & 0xfffe, 4);
  return Buffer.concat([h, asdu]);
}

export interface AsduSpec {
  type: number;
  cause: number;
  negative?: boolean;
  test?: boolean;
  originator?: number;
  ca: number;
  /** One address per object (SQ = 0), or with `sequence` the first of consecutive elements. */
  objects: { ioa: number; element: Buffer }[];
  sequence?: boolean;
}

export function asdu(s: AsduSpec): Buffer {
  const h = Buffer.alloc(6);
  h[0] = s.type;
  h[1] = (s.sequence ? 0x80 : 0) | (s.objects.length & 0x7f);
  h[2] = (s.cause & 0x3f) | (s.negative ? COT_NEGATIVE : 0) | (s.test ? COT_TEST : 0);
  h[3] = s.originator ?? 0;
  h.writeUInt16LE(s.ca, 4);
  const parts: Buffer[] = [h];
  s.objects.forEach((o, i) => {
    if (!s.sequence || i === 0) {
      const a = Buffer.alloc(3);
      a.writeUIntLE(o.ioa, 0, 3);
      parts.push(a);
    }
    parts.push(o.element);
  });
  return Buffer.concat(parts);
}

/** SCO / DCO: state, select (S/E bit 7), qualifier 0. */
export function commandElement(state: number, select: boolean): Buffer {
  return Buffer.from([(select ? 0x80 : 0) | (state & 0x03)]);
}

/** Short float and QDS (M_ME_NC_1) or QOS (C_SE_NC_1, select in bit 7). */
export function floatElement(value: number, qualifier = 0): Buffer {
  const b = Buffer.alloc(5);
  b.writeFloatLE(value, 0);
  b[4] = qualifier;
  return b;
}

/** CP56Time2a (IEC 60870-5-101 §7.2.6.18) for a UTC date. */
export function cp56(d: Date): Buffer {
  const b = Buffer.alloc(7);
  b.writeUInt16LE(d.getUTCSeconds() * 1000 + d.getUTCMilliseconds(), 0);
  b[2] = d.getUTCMinutes();
  b[3] = d.getUTCHours();
  b[4] = ((((d.getUTCDay() + 6) % 7) + 1) << 5) | d.getUTCDate();
  b[5] = d.getUTCMonth() + 1;
  b[6] = d.getUTCFullYear() % 100;
  return b;
}

/** Single byte qualifier elements: QOI (interrogation, 20 = station), QCC, QRP, COI, SIQ. */
export function byteElement(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}
