/**
 * IEEE C37.118.2 parser: the common frame header and CRC (§6.2, Annex B), command frames
 * (§6.6) and the station names and IDCODEs of configuration frames (CFG-1/2 §6.4, CFG-3 §6.5).
 * Pure; never throws. Not parsed: data frame measurements, header frame text, CFG-3 fields
 * past the first station's name, extended command data.
 */
import {
  FrameType,
  HEADER_LEN,
  MAX_STATIONS,
  MIN_FRAME,
  SYNC,
  SynError,
  type SynErrorCode,
} from './consts.js';

export interface SynFrame {
  type: number;
  version: number;
  size: number;
  idcode: number;
  soc: number;
  fracsec: number;
  /** Command frames only. */
  command?: number;
}

export type SynParse = { ok: true; msg: SynFrame } | { ok: false; code: SynErrorCode; detail: string };

const fail = (code: SynErrorCode, detail: string): SynParse => ({ ok: false, code, detail });

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-CCITT (Annex B): polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR. */
export function crcCcitt(buf: Buffer, off: number, len: number): number {
  let crc = 0xffff;
  for (let i = off; i < off + len; i++)
    crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >>> 8) ^ buf[i]!) & 0xff]!;
  return crc;
}

/** SYNC byte, reserved bit clear, known frame type, version 1-3, size ≥ 16. */
export function plausible(buf: Buffer, off: number, avail: number): boolean {
  if (avail < 4 || buf[off] !== SYNC) return false;
  const b = buf[off + 1]!;
  const type = (b >>> 4) & 0x07;
  const v = b & 0x0f;
  return (
    (b & 0x80) === 0 && type <= FrameType.CFG3 && v >= 1 && v <= 3 && buf.readUInt16BE(off + 2) >= MIN_FRAME
  );
}

/** Stream framer measure: FRAMESIZE, 0 while unknown, -1 without the SYNC byte. */
export function measureFrame(buf: Buffer, off: number, avail: number): number {
  if (avail < 4) return 0;
  return plausible(buf, off, avail) ? buf.readUInt16BE(off + 2) : -1;
}

/** One frame in `buf[off, off + len)` (exactly FRAMESIZE bytes are read). */
export function parseFrame(buf: Buffer, off: number, len: number): SynParse {
  const end = Math.min(off + len, buf.length);
  const n = end - off;
  if (n < 4) return fail(SynError.TOO_SHORT, `${n} bytes`);
  if (!plausible(buf, off, n))
    return fail(
      SynError.BAD_SYNC,
      `0x${buf.readUInt16BE(off).toString(16)} size ${buf.readUInt16BE(off + 2)}`,
    );
  const size = buf.readUInt16BE(off + 2);
  if (size > n) return fail(SynError.BAD_LENGTH, `FRAMESIZE ${size} in ${n} bytes`);
  const crc = buf.readUInt16BE(off + size - 2);
  if (crcCcitt(buf, off, size - 2) !== crc)
    return fail(SynError.CRC_MISMATCH, `frame type ${(buf[off + 1]! >>> 4) & 7}`);
  const f: SynFrame = {
    type: (buf[off + 1]! >>> 4) & 0x07,
    version: buf[off + 1]! & 0x0f,
    size,
    idcode: buf.readUInt16BE(off + 4),
    soc: buf.readUInt32BE(off + 6),
    fracsec: buf.readUInt32BE(off + 10),
  };
  if (f.type === FrameType.COMMAND) {
    if (size < HEADER_LEN + 4) return fail(SynError.BAD_LENGTH, `command frame of ${size} bytes`);
    f.command = buf.readUInt16BE(off + HEADER_LEN);
  }
  return { ok: true, msg: f };
}

export interface Station {
  name: string;
  idcode: number;
}

/** Station names and IDCODEs of a CFG-1/2 (§6.4) or the first of a CFG-3 (§6.5); an error text when malformed. */
export function parseStations(buf: Buffer, off: number, size: number, type: number): Station[] | string {
  const end = off + size - 2;
  if (end > buf.length) return 'frame past the buffer';
  if (type === FrameType.CFG3) {
    // CONT_IDX (2), TIME_BASE (4), NUM_PMU (2), then STN as a length-prefixed name, IDCODE (2).
    let p = off + HEADER_LEN + 8;
    if (p + 1 > end) return 'CFG-3 cut short';
    const l = buf[p]!;
    if (p + 1 + l + 2 > end) return 'CFG-3 station name past the frame';
    const name = text(buf, p + 1, l);
    p += 1 + l;
    return [{ name, idcode: buf.readUInt16BE(p) }];
  }
  let p = off + HEADER_LEN + 4;
  if (p + 2 > end) return 'configuration cut short';
  const num = buf.readUInt16BE(p);
  p += 2;
  const out: Station[] = [];
  for (let i = 0; i < num && i < MAX_STATIONS; i++) {
    if (p + 26 > end) return `PMU ${i + 1} of ${num} past the frame`;
    const name = text(buf, p, 16);
    const idcode = buf.readUInt16BE(p + 16);
    const ph = buf.readUInt16BE(p + 20);
    const an = buf.readUInt16BE(p + 22);
    const dg = buf.readUInt16BE(p + 24);
    out.push({ name, idcode });
    // names 16 × (PHNMR + ANNMR + 16 × DGNMR), units 4 × (PHNMR + ANNMR + DGNMR), FNOM, CFGCNT.
    p += 26 + 16 * (ph + an + 16 * dg) + 4 * (ph + an + dg) + 4;
  }
  return out;
}

function text(buf: Buffer, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) {
    const c = buf[i]!;
    if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  }
  return s.trim();
}
