/**
 * IEC 60870-5-104 parser.
 *
 * Specs: IEC 60870-5-104:2006 §5 (APCI: start octet 0x68, APDU length 4–253, I / S / U control
 * fields with 15-bit send and receive sequence numbers), §7 (ASDU addressing: 2-octet cause of
 * transmission with originator address, 2-octet common address, 3-octet information object
 * address); IEC 60870-5-101:2003 §7.2 (data unit identifier: type id, variable structure
 * qualifier with SQ bit and object count, cause with test and P/N bits), §7.3 (element sizes,
 * checked against the APDU length).
 *
 * Pure: bytes in, fields or an error value out; never throws. The analyzer decodes into one
 * reused fields object (`decodeApdu`); `parseApdu` wraps it for tests and fuzzing. Not parsed:
 * information element values (measured values, time tags, qualifiers other than the
 * command select/execute bit), file segment contents, the 101 link layer.
 */
import {
  ASDU_HEADER,
  COT_CAUSE,
  IOA_SIZE,
  MAX_APDU_LENGTH,
  MIN_APDU_LENGTH,
  SELECT_OCTET,
  START,
  TYPES,
  Type,
  U_NAMES,
} from './consts.js';

/**
 * StreamFramer measure. An APDU: 2 + its length octet. Bytes that cannot start one are cut as
 * one run up to the next start octet (the analyzer reports them), and so is a start octet with
 * an impossible length together with what follows it up to the next start octet: the stream
 * carries its own sync marker, so it is never lost. 0 when more bytes are needed.
 */
export function measureApdu(buf: Buffer, off: number, avail: number): number {
  if (avail < 1) return 0;
  if (buf[off] !== START) return runTo(buf, off, avail, 0);
  if (avail < 2) return 0;
  const length = buf[off + 1]!;
  if (length < MIN_APDU_LENGTH || length > MAX_APDU_LENGTH) return runTo(buf, off, avail, 1);
  return 2 + length;
}

/** Bytes from `off` to the next start octet at or after `off + from`, or to the end. */
function runTo(buf: Buffer, off: number, avail: number, from: number): number {
  // At most 255 bytes per run: the framer caps messages.
  avail = Math.min(avail, 255);
  if (from >= avail) return avail;
  // Searched within the delivery only (the buffer may be a whole capture chunk).
  const i = buf.subarray(off + from, off + avail).indexOf(START);
  return i < 0 ? avail : from + i;
}

export const Format = { I: 0, S: 1, U: 3 } as const;

/** One APDU's fields; ASDU fields are -1 for S and U frames. */
export interface ApduFields {
  /** 0 I, 1 S, 3 U. */
  format: number;
  /** I: N(S). */
  sendSeq: number;
  /** I and S: N(R). */
  recvSeq: number;
  /** U: control octet 1 (0x07 STARTDT act, …). */
  uFunction: number;
  type: number;
  /** SQ = 1: one address, consecutive elements. */
  sequence: boolean;
  count: number;
  /** Cause of transmission octet (test bit, P/N bit, cause). */
  cot: number;
  originator: number;
  commonAddress: number;
  /** Address of the first information object (-1 if none). */
  ioa: number;
  /** Select (1) or execute (0) for select-before-operate commands, else -1. */
  select: number;
}

export function newApduFields(): ApduFields {
  return {
    format: 0,
    sendSeq: -1,
    recvSeq: -1,
    uFunction: -1,
    type: -1,
    sequence: false,
    count: 0,
    cot: 0,
    originator: 0,
    commonAddress: -1,
    ioa: -1,
    select: -1,
  };
}

/**
 * Reads one APDU (`buf[off]` = 0x68, `len` = 2 + its length octet) into `f`. Returns the
 * anomaly code (without prefix) when malformed, else undefined. Header fields decoded before
 * the fault stay in `f` (an I-frame's sequence numbers survive a bad ASDU).
 */
export function decodeApdu(buf: Buffer, off: number, len: number, f: ApduFields): string | undefined {
  f.sendSeq = f.recvSeq = f.uFunction = f.type = f.commonAddress = f.ioa = f.select = -1;
  f.count = 0;
  f.cot = 0;
  f.sequence = false;
  if (len < 2 + MIN_APDU_LENGTH) return 'truncated';
  if (buf[off] !== START) return 'bad_start_byte';
  const length = buf[off + 1]!;
  if (length < MIN_APDU_LENGTH || length > MAX_APDU_LENGTH || len !== 2 + length) return 'invalid_length';
  const c1 = buf[off + 2]!;
  if ((c1 & 1) === 0) {
    f.format = 0;
    f.sendSeq = buf.readUInt16LE(off + 2) >>> 1;
    f.recvSeq = buf.readUInt16LE(off + 4) >>> 1;
    return decodeAsdu(buf, off + 6, len - 6, f);
  }
  f.format = c1 & 3;
  if (f.format === 1) {
    f.recvSeq = buf.readUInt16LE(off + 4) >>> 1;
    if (c1 !== 1 || buf[off + 3] !== 0) return 'invalid_s_frame';
  } else {
    f.uFunction = c1;
    if (U_NAMES[c1] === undefined || buf[off + 3] !== 0 || buf.readUInt16LE(off + 4) !== 0) {
      return 'invalid_u_frame';
    }
  }
  return length === MIN_APDU_LENGTH ? undefined : 'invalid_length';
}

/** The ASDU of an I-frame: data unit identifier, then the information objects. */
function decodeAsdu(buf: Buffer, off: number, len: number, f: ApduFields): string | undefined {
  if (len < ASDU_HEADER) return 'truncated_asdu';
  f.type = buf[off]!;
  const vsq = buf[off + 1]!;
  f.sequence = (vsq & 0x80) !== 0;
  f.count = vsq & 0x7f;
  f.cot = buf[off + 2]!;
  f.originator = buf[off + 3]!;
  f.commonAddress = buf.readUInt16LE(off + 4);
  const objects = len - ASDU_HEADER;
  if (objects >= IOA_SIZE) f.ioa = buf.readUIntLE(off + ASDU_HEADER, IOA_SIZE);
  const info = TYPES[f.type];
  if (info === undefined) return 'unknown_type';
  if ((f.cot & COT_CAUSE) === 0) return 'invalid_cause';
  if (f.count === 0) return 'invalid_asdu_length';
  let want: number;
  if (info[1] < 0) {
    // F_SG_NA_1: one object, NOF 2, NOS 1, LOS 1, then LOS octets of segment.
    if (f.type !== Type.F_SG_NA_1 || f.count !== 1 || objects < IOA_SIZE + 4) return 'invalid_asdu_length';
    want = IOA_SIZE + 4 + buf[off + ASDU_HEADER + IOA_SIZE + 3]!;
  } else {
    want = f.sequence ? IOA_SIZE + f.count * info[1] : f.count * (IOA_SIZE + info[1]);
  }
  if (objects !== want) return 'invalid_asdu_length';
  const s = SELECT_OCTET[f.type];
  if (s !== undefined) f.select = buf[off + ASDU_HEADER + IOA_SIZE + s]! >>> 7;
  return undefined;
}

export type ParseError = { ok: false; code: string; detail: string };

/** One APDU as a fresh fields object (tests, fuzzing; the analyzer decodes in place). */
export function parseApdu(buf: Buffer, off: number, len: number): { ok: true; msg: ApduFields } | ParseError {
  const f = newApduFields();
  const err = decodeApdu(buf, off, len, f);
  if (err !== undefined) return { ok: false, code: err, detail: `${len} bytes, type ${f.type}` };
  return { ok: true, msg: f };
}

/** "ca 3", "ca 3 ioa 4501", "ca 3 ioa 1300-1301" (SQ = 1), "ca 3 ioa 1 (+1 more)", "… select". */
export function targetOf(ca: number, ioa: number, count: number, sequence: boolean, select: number): string {
  let t = `ca ${ca}`;
  if (ioa > 0 || count > 1) t += ` ioa ${ioa}`;
  if (count > 1) t += sequence ? `-${ioa + count - 1}` : ` (+${count - 1} more)`;
  if (select === 1) t += ' select';
  return t;
}
