/**
 * The OSI upper layers between COTP and MMS, unwrapped to find the MMS PDU of a TSDU.
 *
 * Specs: ITU-T X.225 / ISO 8327-1 §8.3 (session SPDUs: SI, LI — one octet, or 0xFF and two —
 * then PI/PGI parameters; CONNECT 13 and ACCEPT 14 carry the presentation PPDU in PGI 193
 * User Data (or 194 Extended User Data); DATA TRANSFER 1 follows GIVE TOKENS 1 and its user
 * information follows its header; FINISH 9 / DISCONNECT 10 / ABORT 25 / REFUSE 12 carry User
 * Data too), ITU-T X.226 / ISO 8823-1 §8.2 (CP-type and CPA-PPDU: SET with normal-mode
 * parameters [2] holding user data; User-data: fully-encoded-data [APPLICATION 1] of PDV-lists
 * whose single-ASN1-type [0] holds the application PDU), ITU-T X.227 / ISO 8650-1 (ACSE:
 * AARQ [APPLICATION 0] / AARE [APPLICATION 1] with user-information [30] EXTERNAL whose
 * single-ASN1-type [0] is the MMS initiate PDU; RLRQ/RLRE/ABRT carry none here).
 *
 * Pure; never throws; allocates only the result. Not handled: presentation contexts other
 * than by tag (ACSE PDUs are APPLICATION-class, MMS PDUs context-class), simply-encoded-data,
 * octet-aligned PDVs, session segmentation (Enclosure item), expedited data.
 */
import { Cls, findChild, readTlv, Tlv } from './ber.js';

export const Spdu = {
  GIVE_TOKENS_OR_DATA: 1,
  NOT_FINISHED: 8,
  FINISH: 9,
  DISCONNECT: 10,
  REFUSE: 12,
  CONNECT: 13,
  ACCEPT: 14,
  ABORT: 25,
  ABORT_ACCEPT: 26,
} as const;

/** Session parameter codes carrying the presentation PPDU. */
const PGI_USER_DATA = 193;
const PI_EXTENDED_USER_DATA = 194;

export type UpperErrorCode = 'bad_spdu' | 'bad_ppdu' | 'no_user_data';

export interface UpperPdu {
  spdu: number;
  /** ACSE APDU tag found (0 AARQ, 1 AARE, 2 RLRQ, 3 RLRE, 4 ABRT), or -1. */
  acse: number;
  /** The MMS PDU, when there is one. */
  mmsOff: number;
  mmsLen: number;
}

export type UpperParse = { ok: true; pdu: UpperPdu } | { ok: false; code: UpperErrorCode; detail: string };

const t1 = new Tlv();
const t2 = new Tlv();

function fail(code: UpperErrorCode, detail: string): UpperParse {
  return { ok: false, code, detail };
}

/** Session SPDU(s), presentation PPDU and, when present, ACSE, down to the MMS PDU. */
export function parseUpper(buf: Buffer, off: number, len: number): UpperParse {
  const end = Math.min(off + len, buf.length);
  const s = spdu(buf, off, end);
  if (s === undefined) return fail('bad_spdu', `SPDU ${buf[off]} of bad length`);
  const pdu: UpperPdu = { spdu: buf[off]!, acse: -1, mmsOff: -1, mmsLen: 0 };
  let userOff: number;
  let userEnd: number;
  if (pdu.spdu === Spdu.GIVE_TOKENS_OR_DATA) {
    // GIVE TOKENS (usually empty) then DATA TRANSFER, user information after the second; or
    // a lone DATA TRANSFER.
    userOff = s.next;
    userEnd = end;
    if (buf[s.next] === Spdu.GIVE_TOKENS_OR_DATA) {
      const dt = spdu(buf, s.next, end);
      if (dt === undefined) return fail('bad_spdu', 'DATA TRANSFER SPDU of bad length');
      userOff = dt.next;
    }
  } else {
    const ud = userData(buf, s.paramOff, s.next);
    if (ud === undefined) {
      // FINISH/DISCONNECT/ABORT may carry nothing; CONNECT/ACCEPT must.
      if (pdu.spdu === Spdu.CONNECT || pdu.spdu === Spdu.ACCEPT)
        return fail('no_user_data', `SPDU ${pdu.spdu}`);
      return { ok: true, pdu };
    }
    [userOff, userEnd] = ud;
  }
  if (userOff >= userEnd) return { ok: true, pdu };
  // CONNECT / ACCEPT: CP-type / CPA-PPDU SET → normal-mode parameters [2] → user data.
  if (pdu.spdu === Spdu.CONNECT || pdu.spdu === Spdu.ACCEPT) {
    if (!readTlv(buf, userOff, userEnd, t1) || t1.cls !== Cls.UNIVERSAL || t1.tag !== 17)
      return fail('bad_ppdu', 'CP/CPA PPDU is not a SET');
    if (!findChild(buf, t1.off, t1.end, Cls.CONTEXT, 2, t2))
      return fail('bad_ppdu', 'no normal-mode parameters');
    userOff = t2.off;
    userEnd = t2.end;
    if (!findChild(buf, userOff, userEnd, Cls.APPLICATION, 1, t1)) return fail('bad_ppdu', 'no user data');
  } else if (!readTlv(buf, userOff, userEnd, t1) || t1.cls !== Cls.APPLICATION || t1.tag !== 1) {
    return fail('bad_ppdu', 'user data is not fully-encoded-data');
  }
  // Fully-encoded-data: PDV-list SEQUENCE { [transfer syntax], context id, single-ASN1-type [0] }.
  if (!findChild(buf, t1.off, t1.end, Cls.UNIVERSAL, 16, t2)) return fail('bad_ppdu', 'no PDV-list');
  if (!findChild(buf, t2.off, t2.end, Cls.CONTEXT, 0, t1)) return { ok: true, pdu };
  const appOff = t1.off;
  const appEnd = t1.end;
  if (!readTlv(buf, appOff, appEnd, t2)) return fail('bad_ppdu', 'bad presentation data value');
  if (t2.cls === Cls.APPLICATION) {
    pdu.acse = t2.tag;
    // AARQ / AARE: user-information [30] → EXTERNAL → single-ASN1-type [0] → MMS initiate PDU.
    if ((t2.tag === 0 || t2.tag === 1) && findChild(buf, t2.off, t2.end, Cls.CONTEXT, 30, t1)) {
      if (
        findChild(buf, t1.off, t1.end, Cls.UNIVERSAL, 8, t2) &&
        findChild(buf, t2.off, t2.end, Cls.CONTEXT, 0, t1)
      ) {
        pdu.mmsOff = t1.off;
        pdu.mmsLen = t1.end - t1.off;
      }
    }
    return { ok: true, pdu };
  }
  pdu.mmsOff = t2.start;
  pdu.mmsLen = t2.next - t2.start;
  return { ok: true, pdu };
}

/** One SPDU header: parameters from `paramOff`, next SPDU at `next`. */
function spdu(buf: Buffer, off: number, end: number): { paramOff: number; next: number } | undefined {
  if (off + 2 > end) return undefined;
  let li = buf[off + 1]!;
  let p = off + 2;
  if (li === 0xff) {
    if (p + 2 > end) return undefined;
    li = buf.readUInt16BE(p);
    p += 2;
  }
  if (p + li > end) return undefined;
  return { paramOff: p, next: p + li };
}

/** The User Data (or Extended User Data) parameter among an SPDU's parameters. */
function userData(buf: Buffer, off: number, end: number): [number, number] | undefined {
  let p = off;
  for (let i = 0; i < 64 && p + 2 <= end; i++) {
    const code = buf[p]!;
    let l = buf[p + 1]!;
    let v = p + 2;
    if (l === 0xff) {
      if (v + 2 > end) return undefined;
      l = buf.readUInt16BE(v);
      v += 2;
    }
    if (v + l > end) return undefined;
    if (code === PGI_USER_DATA || code === PI_EXTENDED_USER_DATA) return [v, v + l];
    p = v + l;
  }
  return undefined;
}
