/**
 * TPKT + COTP parser: ISO transport (X.224 / ISO 8073) carried over TCP.
 *
 * Specs: RFC 1006 §6 (TPKT header), ITU-T X.224 §13.2 (TPDU structure: length indicator,
 * fixed part, variable part of parameters), §13.3 (CR, CC: references, class, parameters),
 * §13.5 (DR), §13.7 (DT: EOT and TPDU-NR; classes 0 and 1 have no destination reference),
 * §13.8 (ED).
 *
 * Pure: bytes in, a TPDU or an error value out; never throws. Not parsed: AK/EA/RJ/ER/DC
 * contents (type only), checksums (class 4), extended formats (32-bit TPDU numbers), the
 * optional parameters of CR/CC other than TPDU size and TSAPs.
 */
import { EOT, Param, TPKT_HEADER, TPKT_MIN, TPKT_VERSION, Tpdu } from './consts.js';

export type CotpErrorCode = 'bad_tpkt' | 'truncated' | 'bad_li' | 'unknown_tpdu';

export interface CotpConnect {
  type: 'CR' | 'CC';
  dstRef: number;
  srcRef: number;
  /** Protocol class (0–4), upper nibble of the class/option octet. */
  cls: number;
  /** TSAPs as hex (`0100`), or undefined when absent. */
  callingTsap?: string;
  calledTsap?: string;
  /** TPDU size parameter as bytes (2^code). */
  tpduSize?: number;
}

export interface CotpData {
  type: 'DT' | 'ED';
  /** Last fragment of the TSDU. */
  eot: boolean;
  nr: number;
  /** User data in the parsed buffer. */
  dataOff: number;
  dataLen: number;
}

export interface CotpDisconnect {
  type: 'DR';
  dstRef: number;
  srcRef: number;
  reason: number;
}

export interface CotpOther {
  type: 'DC' | 'AK' | 'EA' | 'RJ' | 'ER';
}

export type CotpTpdu = CotpConnect | CotpData | CotpDisconnect | CotpOther;

export type CotpParse = { ok: true; tpdu: CotpTpdu } | { ok: false; code: CotpErrorCode; detail: string };

function fail(code: CotpErrorCode, detail: string): CotpParse {
  return { ok: false, code, detail };
}

/** StreamFramer measure: the TPKT length, 0 for more bytes, -1 when this is no TPKT header. */
export function measureTpkt(buf: Buffer, off: number, avail: number): number {
  if (avail < TPKT_HEADER) return avail > 0 && buf[off] !== TPKT_VERSION ? -1 : 0;
  if (buf[off] !== TPKT_VERSION) return -1;
  const len = buf.readUInt16BE(off + 2);
  return len < TPKT_MIN ? -1 : len;
}

const OTHER: Readonly<Record<number, CotpOther['type']>> = {
  [Tpdu.DC]: 'DC',
  [Tpdu.AK]: 'AK',
  [Tpdu.EA]: 'EA',
  [Tpdu.RJ]: 'RJ',
  [Tpdu.ER]: 'ER',
};

/** Parse one TPKT (header included) in `buf[off, off + len)` and the TPDU it carries. */
export function parseTpkt(buf: Buffer, off: number, len: number): CotpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < TPKT_MIN) return fail('truncated', `${end - off} bytes`);
  if (buf[off] !== TPKT_VERSION) return fail('bad_tpkt', `version ${buf[off]}`);
  const tlen = buf.readUInt16BE(off + 2);
  if (tlen < TPKT_MIN || tlen > end - off) return fail('bad_tpkt', `length ${tlen} for ${end - off} bytes`);
  return parseCotp(buf, off + TPKT_HEADER, tlen - TPKT_HEADER);
}

/** Parse one TPDU (no TPKT header) in `buf[off, off + len)`. */
export function parseCotp(buf: Buffer, off: number, len: number): CotpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 2) return fail('truncated', `${end - off} bytes of TPDU`);
  const li = buf[off]!;
  // §13.2.1: LI counts the header after itself; 255 is reserved.
  if (li < 1 || li === 255 || off + 1 + li > end) return fail('bad_li', `LI ${li} for ${end - off} bytes`);
  const hdrEnd = off + 1 + li;
  const code = buf[off + 1]!;
  const type = code & 0xf0;
  switch (type) {
    case Tpdu.DT:
    case Tpdu.ED: {
      // Classes 0/1: LI 2 (code, EOT|NR); classes 2–4: LI 4 (code, DST-REF, EOT|NR).
      const nrAt = li >= 4 ? off + 4 : off + 2;
      if (li < 2 || nrAt >= hdrEnd) return fail('bad_li', `DT with LI ${li}`);
      const nr = buf[nrAt]!;
      return {
        ok: true,
        tpdu: {
          type: type === Tpdu.DT ? 'DT' : 'ED',
          eot: (nr & EOT) !== 0,
          nr: nr & 0x7f,
          dataOff: hdrEnd,
          dataLen: end - hdrEnd,
        },
      };
    }
    case Tpdu.CR:
    case Tpdu.CC:
      return connect(buf, off, hdrEnd, type === Tpdu.CR ? 'CR' : 'CC');
    case Tpdu.DR:
      if (li < 6) return fail('bad_li', `DR with LI ${li}`);
      return {
        ok: true,
        tpdu: {
          type: 'DR',
          dstRef: buf.readUInt16BE(off + 2),
          srcRef: buf.readUInt16BE(off + 4),
          reason: buf[off + 6]!,
        },
      };
    default: {
      const other = OTHER[type];
      if (other === undefined) return fail('unknown_tpdu', `code 0x${code.toString(16).padStart(2, '0')}`);
      return { ok: true, tpdu: { type: other } };
    }
  }
}

function connect(buf: Buffer, off: number, hdrEnd: number, type: 'CR' | 'CC'): CotpParse {
  // Fixed part: code, DST-REF (2), SRC-REF (2), class/option (1).
  if (hdrEnd - off < 7) return fail('bad_li', `${type} with LI ${hdrEnd - off - 1}`);
  const tpdu: CotpConnect = {
    type,
    dstRef: buf.readUInt16BE(off + 2),
    srcRef: buf.readUInt16BE(off + 4),
    cls: buf[off + 6]! >> 4,
  };
  let p = off + 7;
  while (p + 2 <= hdrEnd) {
    const code = buf[p]!;
    const l = buf[p + 1]!;
    const v = p + 2;
    if (v + l > hdrEnd)
      return fail('bad_li', `${type} parameter 0x${code.toString(16)} runs past the header`);
    if (code === Param.CALLING_TSAP) tpdu.callingTsap = buf.toString('hex', v, v + l);
    else if (code === Param.CALLED_TSAP) tpdu.calledTsap = buf.toString('hex', v, v + l);
    else if (code === Param.TPDU_SIZE && l === 1 && buf[v]! >= 7 && buf[v]! <= 13)
      tpdu.tpduSize = 1 << buf[v]!;
    p = v + l;
  }
  return { ok: true, tpdu };
}

/** A TSAP as text when it is printable ASCII (`SIMATIC-ROOT-ES`), else undefined. */
export function tsapText(hex: string): string | undefined {
  if (hex.length < 6) return undefined;
  let s = '';
  for (let i = 0; i < hex.length; i += 2) {
    const c = Number.parseInt(hex.slice(i, i + 2), 16);
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}
