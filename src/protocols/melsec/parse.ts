/**
 * MELSEC parser: SLMP binary 3E/4E frames (SH-080956ENG §4) and MELSOFT engineering frames
 * (header layout per the Nozomi dissector, see consts.ts), plus the MELSOFT discovery pair.
 * Reads the command (requests; MELSOFT responses echo it), the end code or status, the SLMP
 * 4E serial, the MELSOFT sequence byte, batch read/write device ranges (§5.1, Q/L and iQ-R
 * subcommands) and CPU model names (SLMP 0101 response §5.12; MELSOFT 0x0121 response).
 *
 * Pure: bytes in, a message or an error value out; never throws. Not parsed: ASCII SLMP,
 * 1E/QnA frames, MELSOFT footers and authentication parameters, command data beyond the above.
 */
import {
  DEVICES,
  MAX_FRAME,
  MELSOFT_HEAD,
  MELSOFT_REQ_CMD,
  MELSOFT_RSP_CMD,
  MelsecError,
  type MelsecErrorCode,
  Melsoft,
  Sub,
} from './consts.js';

export type Framing = 'slmp3e' | 'slmp4e' | 'melsoft' | 'discovery';

export interface MelsecMessage {
  framing: Framing;
  response: boolean;
  /** Requests (and MELSOFT responses): the command; -1 when the frame does not say. */
  command: number;
  subcommand: number;
  /** 4E serial, MELSOFT sequence byte; -1 otherwise. */
  serial: number;
  /** Responses: SLMP end code or MELSOFT status (0 = success). */
  status: number;
  /** Data after the command fields (requests) or after the end code / command (responses). */
  dataOff: number;
  dataLen: number;
}

export type MelsecParse =
  | { ok: true; msg: MelsecMessage }
  | { ok: false; code: MelsecErrorCode; detail: string };

const fail = (code: MelsecErrorCode, detail: string): MelsecParse => ({ ok: false, code, detail });

/** Whole frame length from the first bytes: >0 length, 0 need more, -1 not a frame we follow. */
export function measureMelsec(buf: Buffer, off: number, avail: number): number {
  if (avail < 2) return 0;
  const sub = buf.readUInt16BE(off);
  let n: number;
  if (sub === Sub.REQ_3E || sub === Sub.RSP_3E) {
    if (avail < 9) return 0;
    n = 9 + buf.readUInt16LE(off + 7);
  } else if (sub === Sub.REQ_4E || sub === Sub.RSP_4E) {
    if (avail < 13) return 0;
    n = 13 + buf.readUInt16LE(off + 11);
  } else if (sub === Melsoft.REQ || sub === Melsoft.RSP) {
    if (avail < MELSOFT_HEAD) return 0;
    n = MELSOFT_HEAD + buf.readUInt16LE(off + 0x13);
  } else return -1;
  return n > MAX_FRAME ? -1 : n;
}

export function parseMelsec(buf: Buffer, off: number, len: number): MelsecParse {
  const end = Math.min(off + len, buf.length);
  const n = end - off;
  if (n < 4) return fail(MelsecError.TOO_SHORT, `${n} bytes`);
  const sub = buf.readUInt16BE(off);
  if (sub === Melsoft.DISCOVER || sub === Melsoft.DISCOVER_RSP) {
    const response = sub === Melsoft.DISCOVER_RSP;
    return {
      ok: true,
      msg: {
        framing: 'discovery',
        response,
        command: sub,
        subcommand: buf.readUInt16BE(off + 2),
        serial: -1,
        status: 0,
        dataOff: off + 4,
        dataLen: n - 4,
      },
    };
  }
  const need = measureMelsec(buf, off, n);
  if (need < 0) return fail(MelsecError.BAD_HEADER, `subheader 0x${sub.toString(16).padStart(4, '0')}`);
  if (need === 0 || need > n) return fail(MelsecError.BAD_LENGTH, `frame of ${need || '?'} bytes in ${n}`);
  if (sub === Melsoft.REQ || sub === Melsoft.RSP) return melsoft(buf, off, need, sub === Melsoft.RSP);
  const four = sub === Sub.REQ_4E || sub === Sub.RSP_4E;
  const response = sub === Sub.RSP_3E || sub === Sub.RSP_4E;
  const base = off + (four ? 4 : 0);
  // network, PC, module I/O (2), station, length (2); then timer or end code (2).
  const body = base + 9;
  if (response) {
    if (need - (body - off) < 2) return fail(MelsecError.BAD_LENGTH, 'no end code');
    return {
      ok: true,
      msg: {
        framing: four ? 'slmp4e' : 'slmp3e',
        response,
        command: -1,
        subcommand: -1,
        serial: four ? buf.readUInt16LE(off + 2) : -1,
        status: buf.readUInt16LE(body),
        dataOff: body + 2,
        dataLen: off + need - body - 2,
      },
    };
  }
  if (need - (body - off) < 6) return fail(MelsecError.BAD_LENGTH, 'request without command');
  return {
    ok: true,
    msg: {
      framing: four ? 'slmp4e' : 'slmp3e',
      response,
      command: buf.readUInt16LE(body + 2),
      subcommand: buf.readUInt16LE(body + 4),
      serial: four ? buf.readUInt16LE(off + 2) : -1,
      status: 0,
      dataOff: body + 6,
      dataLen: off + need - body - 6,
    },
  };
}

function melsoft(buf: Buffer, off: number, n: number, response: boolean): MelsecParse {
  const c = off + (response ? MELSOFT_RSP_CMD : MELSOFT_REQ_CMD);
  if (c + 6 > off + n) return fail(MelsecError.BAD_LENGTH, `MELSOFT frame of ${n} bytes`);
  return {
    ok: true,
    msg: {
      framing: 'melsoft',
      response,
      command: buf.readUInt16BE(c),
      subcommand: -1,
      serial: buf[off + 2]!,
      status: response ? buf.readUInt16BE(off + MELSOFT_HEAD + 4) : 0,
      dataOff: c + 6,
      dataLen: off + n - c - 6,
    },
  };
}

/** Batch read/write range (§5.1): "D100 (10)"; iQ-R subcommands 0002/0003 use 4-byte numbers and 2-byte codes. */
export function deviceTarget(buf: Buffer, off: number, len: number, subcommand: number): string | undefined {
  const wide = subcommand === 0x0002 || subcommand === 0x0003;
  const need = wide ? 8 : 6;
  if (len < need || off + need > buf.length) return undefined;
  const head = wide ? buf.readUInt32LE(off) : buf.readUIntLE(off, 3);
  const code = wide ? buf.readUInt16LE(off + 4) : buf[off + 3]!;
  const points = buf.readUInt16LE(off + (wide ? 6 : 4));
  const d = DEVICES[code];
  if (!d) return `device 0x${code.toString(16)} ${head} (${points})`;
  return `${d[0]}${d[1] ? head.toString(16).toUpperCase() : head} (${points})`;
}

/** CPU model: 16 ASCII bytes (space/NUL padded) then the 2-byte model code (LE). */
export function parseCpuModel(
  buf: Buffer,
  off: number,
  len: number,
): { model: string; code?: number } | undefined {
  if (len < 16 || off + 16 > buf.length) return undefined;
  let model = '';
  for (let i = off; i < off + 16; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    if (c < 0x20 || c > 0x7e) return undefined;
    model += String.fromCharCode(c);
  }
  model = model.trim();
  if (!model) return undefined;
  return len >= 18 && off + 18 <= buf.length ? { model, code: buf.readUInt16LE(off + 16) } : { model };
}
