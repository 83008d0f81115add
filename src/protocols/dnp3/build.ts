/**
 * DNP3 message builder for the project's own traces (golden tests, the plant simulator):
 * link frames with CRCs (IEEE 1815-2012 §9.2), transport segmentation (§8.2), application
 * fragments (§4.2) and the objects the tests use (Annex A). Not on the capture path.
 */
import { crcDnp } from './parse.js';

export interface LinkOptions {
  /** DIR: true from the master. */
  fromMaster: boolean;
  dest: number;
  src: number;
  /** Link function (primary 4 unconfirmed user data unless said). */
  func?: number;
  prm?: boolean;
}

/** One link frame around `user` (at most 250 octets), with the header and block CRCs. */
export function linkFrame(o: LinkOptions, user: Buffer = Buffer.alloc(0)): Buffer {
  if (user.length > 250) throw new Error(`user data of ${user.length} bytes`);
  const h = Buffer.alloc(10);
  h[0] = 0x05;
  h[1] = 0x64;
  h[2] = 5 + user.length;
  h[3] = (o.fromMaster ? 0x80 : 0) | ((o.prm ?? true) ? 0x40 : 0) | ((o.func ?? 4) & 0x0f);
  h.writeUInt16LE(o.dest, 4);
  h.writeUInt16LE(o.src, 6);
  h.writeUInt16LE(crcDnp(h, 0, 8), 8);
  const parts: Buffer[] = [h];
  for (let q = 0; q < user.length; q += 16) {
    const block = user.subarray(q, Math.min(q + 16, user.length));
    const crc = Buffer.alloc(2);
    crc.writeUInt16LE(crcDnp(block, 0, block.length), 0);
    parts.push(block, crc);
  }
  return Buffer.concat(parts);
}

/** A fragment cut into transport segments (249 octets each at most), one link frame each. */
export function frames(o: LinkOptions, fragment: Buffer, firstSeq = 0, maxSegment = 249): Buffer[] {
  const out: Buffer[] = [];
  let seq = firstSeq;
  for (let q = 0; q === 0 || q < fragment.length; q += maxSegment) {
    const piece = fragment.subarray(q, Math.min(q + maxSegment, fragment.length));
    const fir = q === 0 ? 0x40 : 0;
    const fin = q + maxSegment >= fragment.length ? 0x80 : 0;
    out.push(linkFrame(o, Buffer.concat([Buffer.from([fin | fir | (seq & 0x3f)]), piece])));
    seq++;
  }
  return out;
}

export interface AppFlags {
  fir?: boolean;
  fin?: boolean;
  con?: boolean;
  uns?: boolean;
}

function control(seq: number, f: AppFlags): number {
  return (
    ((f.fir ?? true) ? 0x80 : 0) |
    ((f.fin ?? true) ? 0x40 : 0) |
    (f.con ? 0x20 : 0) |
    (f.uns ? 0x10 : 0) |
    (seq & 0x0f)
  );
}

/** A request fragment: control, function code, object headers and data. */
export function request(fc: number, seq: number, objects: Buffer[] = [], f: AppFlags = {}): Buffer {
  return Buffer.concat([Buffer.from([control(seq, f), fc]), ...objects]);
}

/** A response (129) or unsolicited response (130, UNS set) with IIN1 << 8 | IIN2. */
export function response(
  fc: number,
  seq: number,
  iin: number,
  objects: Buffer[] = [],
  f: AppFlags = {},
): Buffer {
  const flags = fc === 130 ? { uns: true, con: true, ...f } : f;
  return Buffer.concat([Buffer.from([control(seq, flags), fc, iin >>> 8, iin & 0xff]), ...objects]);
}

/** Object header with qualifier 0x06 (all objects): class reads, "g30v0 all". */
export function allObjects(group: number, variation: number): Buffer {
  return Buffer.from([group, variation, 0x06]);
}

/** Object header with 8-bit start/stop (qualifier 0x00), followed by `data` if any. */
export function startStop(
  group: number,
  variation: number,
  start: number,
  stop: number,
  data?: Buffer,
): Buffer {
  return Buffer.concat([Buffer.from([group, variation, 0x00, start, stop]), data ?? Buffer.alloc(0)]);
}

/** Object header with a 1-octet count (qualifier 0x07) and data. */
export function counted(group: number, variation: number, count: number, data?: Buffer): Buffer {
  return Buffer.concat([Buffer.from([group, variation, 0x07, count]), data ?? Buffer.alloc(0)]);
}

/** CROB (g12v1) control codes: latch on/off, pulse on/off; trip/close in bits 7–6. */
export const CrobCode = {
  PULSE_ON: 1,
  PULSE_OFF: 2,
  LATCH_ON: 3,
  LATCH_OFF: 4,
  CLOSE: 0x40,
  TRIP: 0x80,
} as const;

/** g12v1 objects with 2-octet index prefixes and a 2-octet count (qualifier 0x28). */
export function crob(points: { index: number; code: number; status?: number }[]): Buffer {
  const h = Buffer.from([12, 1, 0x28, points.length & 0xff, points.length >>> 8]);
  const parts = [h];
  for (const p of points) {
    const o = Buffer.alloc(13);
    o.writeUInt16LE(p.index, 0);
    o[2] = p.code;
    o[3] = 1; // count
    o.writeUInt32LE(100, 4); // on time
    o.writeUInt32LE(100, 8); // off time
    o[12] = p.status ?? 0;
    parts.push(o);
  }
  return Buffer.concat(parts);
}

/** g50v1 time write (qualifier 0x07, count 1): 48-bit milliseconds since the epoch. */
export function timeWrite(ms: number): Buffer {
  const t = Buffer.alloc(6);
  t.writeUIntLE(ms, 0, 6);
  return counted(50, 1, 1, t);
}

/** g80v1 write clearing IIN1.7 (device restart): start/stop 7-7, one packed bit 0. */
export function clearRestart(): Buffer {
  return startStop(80, 1, 7, 7, Buffer.from([0]));
}

/** g70v3 file command (open) with a 2-octet object size prefix (qualifier 0x5B). */
export function fileOpen(name: string, mode: 1 | 2 | 3, requestId = 1): Buffer {
  const n = Buffer.from(name, 'latin1');
  const o = Buffer.alloc(26 + n.length);
  o.writeUInt16LE(26, 0);
  o.writeUInt16LE(n.length, 2);
  o.writeUInt16LE(0o644, 10); // permissions
  o.writeUInt16LE(mode, 20);
  o.writeUInt16LE(1024, 22);
  o.writeUInt16LE(requestId, 24);
  n.copy(o, 26);
  return freeFormat(70, 3, o);
}

/** g70v4 file command status (handle, size, max block, request id, status). */
export function fileStatus(handle: number, status: number, requestId = 1): Buffer {
  const o = Buffer.alloc(13);
  o.writeUInt32LE(handle, 0);
  o.writeUInt16LE(1024, 8);
  o.writeUInt16LE(requestId, 10);
  o[12] = status;
  return freeFormat(70, 4, o);
}

/** One object with a 2-octet size prefix, 1-octet count (qualifier 0x5B). */
export function freeFormat(group: number, variation: number, object: Buffer): Buffer {
  const h = Buffer.from([group, variation, 0x5b, 1, object.length & 0xff, object.length >>> 8]);
  return Buffer.concat([h, object]);
}

/** g0 device attribute `variation` as a visible string (data type 1), §A.1. */
export function attribute(variation: number, text: string): Buffer {
  const v = Buffer.from(text, 'latin1');
  return startStop(0, variation, 0, 0, Buffer.concat([Buffer.from([1, v.length]), v]));
}
