/**
 * Omron FINS parser: the FINS/TCP envelope (W421 §7-4: "FINS", length, command, error code),
 * the FINS header (W227 §3-1: ICF, RSV, GCT, DNA, DA1, DA2, SNA, SA1, SA2, SID), the command
 * code (MRC/SRC), a response's end code (MRES/SRES), the memory area address of memory area
 * commands (§5-3-2) and the controller data read response (§5-3-12: model and version).
 *
 * Pure: bytes in, a message or an error value out; never throws. Not parsed: command data of
 * other commands, multiple-area reads item by item, FINS/TCP error frames beyond their code.
 */
import {
  AREAS,
  FINS_HEADER,
  FINS_TCP_HEADER,
  FINS_TCP_MAGIC,
  FinsError,
  type FinsErrorCode,
  Icf,
  MAX_FRAME,
} from './consts.js';

export interface FinsFrame {
  icf: number;
  response: boolean;
  /** DNA.DA1.DA2 and SNA.SA1.SA2 as numbers. */
  dest: [number, number, number];
  src: [number, number, number];
  sid: number;
  /** MRC << 8 | SRC; -1 when the frame ends after the header. */
  command: number;
  /** Responses: MRES << 8 | SRES. */
  endCode?: number;
  /** Data after the command code (and end code), as offsets into the buffer. */
  dataOff: number;
  dataLen: number;
}

export type FinsParse = { ok: true; msg: FinsFrame } | { ok: false; code: FinsErrorCode; detail: string };

const fail = (code: FinsErrorCode, detail: string): FinsParse => ({ ok: false, code, detail });

/** Plausible FINS header: ICF reserved bits clear, RSV 0, gateway count 0-7 (W227 §3-1). */
export function plausibleHeader(buf: Buffer, off: number, len: number): boolean {
  return len >= FINS_HEADER + 2 && (buf[off]! & 0x3e) === 0 && buf[off + 1] === 0 && buf[off + 2]! <= 7;
}

/** A FINS frame (header, command, data) in `buf[off, off + len)`. */
export function parseFins(buf: Buffer, off: number, len: number): FinsParse {
  const end = Math.min(off + len, buf.length);
  const n = end - off;
  if (n < FINS_HEADER + 2) return fail(FinsError.TOO_SHORT, `${n} bytes`);
  if (!plausibleHeader(buf, off, n))
    return fail(
      FinsError.BAD_HEADER,
      `ICF 0x${buf[off]!.toString(16)} RSV ${buf[off + 1]} GCT ${buf[off + 2]}`,
    );
  const icf = buf[off]!;
  const response = (icf & Icf.RESPONSE) !== 0;
  const f: FinsFrame = {
    icf,
    response,
    dest: [buf[off + 3]!, buf[off + 4]!, buf[off + 5]!],
    src: [buf[off + 6]!, buf[off + 7]!, buf[off + 8]!],
    sid: buf[off + 9]!,
    command: buf.readUInt16BE(off + 10),
    dataOff: off + 12,
    dataLen: n - 12,
  };
  if (response && f.dataLen >= 2) {
    f.endCode = buf.readUInt16BE(f.dataOff);
    f.dataOff += 2;
    f.dataLen -= 2;
  }
  return { ok: true, msg: f };
}

export interface FinsTcpHeader {
  /** Bytes after the length field. */
  length: number;
  command: number;
  errorCode: number;
}

/** FINS/TCP header (16 bytes, big-endian). */
export function parseFinsTcpHeader(buf: Buffer, off: number, len: number): FinsTcpHeader | undefined {
  if (len < FINS_TCP_HEADER || off + FINS_TCP_HEADER > buf.length || buf.readUInt32BE(off) !== FINS_TCP_MAGIC)
    return undefined;
  return {
    length: buf.readUInt32BE(off + 4),
    command: buf.readUInt32BE(off + 8),
    errorCode: buf.readUInt32BE(off + 12),
  };
}

/** Stream framer measure for FINS/TCP: 8 + the length field. */
export function measureFinsTcp(buf: Buffer, off: number, avail: number): number {
  if (avail < 8) return 0;
  if (buf.readUInt32BE(off) !== FINS_TCP_MAGIC) return -1;
  const l = buf.readUInt32BE(off + 4);
  return l < 8 || l > MAX_FRAME ? -1 : 8 + l;
}

/** Memory area address of commands 0101/0102/0103 (area, word, bit, count), e.g. "D100 (10)". */
export function areaTarget(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 6 || off + 6 > buf.length) return undefined;
  const code = buf[off]!;
  const word = buf.readUInt16BE(off + 1);
  const bit = buf[off + 3]!;
  const count = buf.readUInt16BE(off + 4);
  const area =
    AREAS[code] ?? (code >= 0xa0 && code <= 0xac ? [`E${(code - 0xa0).toString(16)}`, false] : undefined);
  const name = area ? area[0] : `area 0x${code.toString(16).padStart(2, '0')}`;
  const at = area?.[1] ? `${word}.${String(bit).padStart(2, '0')}` : String(word);
  return `${name}${at} (${count})`;
}

export interface ControllerData {
  model: string;
  version: string;
}

/** Controller data read response (W227 §5-3-12): 20-byte model, 20-byte version, ASCII. */
export function parseControllerData(buf: Buffer, off: number, len: number): ControllerData | undefined {
  if (len < 40 || off + 40 > buf.length) return undefined;
  const model = ascii(buf, off, 20);
  const version = ascii(buf, off + 20, 10);
  return model ? { model, version } : undefined;
}

/** Printable ASCII up to the first NUL, trimmed. */
function ascii(buf: Buffer, off: number, len: number): string {
  let out = '';
  for (let i = off; i < off + len; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
  }
  return out.trim();
}
