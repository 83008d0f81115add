/**
 * Modbus/TCP parser.
 *
 * Specs: Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3 (MBAP header); Modbus
 * Application Protocol Specification v1.1b3 §6.1–§6.21 (request and response PDUs of the public
 * function codes 1–8, 11, 12, 15–17, 20–24, 43/13, 43/14), §7 (exception responses). UMAS
 * (function 90): the header only (session key, sub-function, 0xfe/0xfd verdict). Identity
 * answers (43/14, 17, UMAS READ_ID) are read in identity.ts.
 *
 * Pure: bytes in, fields or an error value out; never throws. The analyzer's hot path calls
 * `decodeRequest` / `decodeResponse` with a reused fields object (no allocation); the
 * `parse*` functions wrap them for tests and fuzzing. Not parsed: register and coil values,
 * diagnostics data beyond the first word, file record data, CANopen references (43/13), UMAS
 * payloads other than READ_ID, serial-line (RTU/ASCII) framing.
 */
import { EXCEPTION_BIT, EXCEPTION_NAMES, Fc, MAX_FOLLOWED_LENGTH, MBAP_HEADER, Mei } from './consts.js';
import { parseDeviceId } from './identity.js';

export type ParseError = { ok: false; code: string; detail: string };

/**
 * StreamFramer measure for the MBAP length: the ADU length, 0 when fewer than 6 bytes are
 * there, -1 for a protocol id other than 0 or a length no ADU can have.
 */
export function measureMbap(buf: Buffer, off: number, avail: number): number {
  if (avail < 6) return 0;
  if (buf[off + 2] !== 0 || buf[off + 3] !== 0) return -1;
  const length = buf.readUInt16BE(off + 4);
  if (length < 2 || length > MAX_FOLLOWED_LENGTH) return -1;
  return 6 + length;
}

/** Why `measureMbap` refused the header at `off` (at least 6 bytes there). */
export function mbapHeaderError(buf: Buffer, off: number): { code: string; detail: string } {
  const protocol = buf.readUInt16BE(off + 2);
  if (protocol !== 0) return { code: 'invalid_protocol_id', detail: `protocol id ${protocol}` };
  return { code: 'invalid_length', detail: `MBAP length ${buf.readUInt16BE(off + 4)}` };
}

/** Fields of a request PDU; -1 where the function code has no such field. */
export interface RequestFields {
  fc: number;
  /** Diagnostics sub-function, MEI type, UMAS sub-function. */
  sub: number;
  /** Start address, file number, diagnostics data word, read device id code, UMAS session. */
  a: number;
  /** Quantity, sub-request count, object id. */
  q: number;
  /** Write start address (23), record number (20/21). */
  a2: number;
  /** Write quantity (23), record length (20/21). */
  q2: number;
}

export function newRequestFields(): RequestFields {
  return { fc: -1, sub: -1, a: -1, q: -1, a2: -1, q2: -1 };
}

/**
 * Reads a request PDU (`buf[off]` is the function code) into `f`. Returns the anomaly code
 * (without prefix) when the PDU is malformed for its function code, else undefined.
 */
export function decodeRequest(buf: Buffer, off: number, len: number, f: RequestFields): string | undefined {
  f.sub = f.a = f.q = f.a2 = f.q2 = -1;
  if (len < 1) {
    f.fc = -1;
    return 'pdu_too_short';
  }
  const fc = buf[off]!;
  f.fc = fc;
  switch (fc) {
    case Fc.READ_COILS:
    case Fc.READ_DISCRETE_INPUTS:
    case Fc.READ_HOLDING_REGISTERS:
    case Fc.READ_INPUT_REGISTERS:
    case Fc.WRITE_SINGLE_COIL:
    case Fc.WRITE_SINGLE_REGISTER:
      if (len < 5) return 'pdu_too_short';
      f.a = buf.readUInt16BE(off + 1);
      f.q = fc <= Fc.READ_INPUT_REGISTERS ? buf.readUInt16BE(off + 3) : 1;
      return len > 5 ? 'pdu_too_long' : undefined;
    case Fc.READ_EXCEPTION_STATUS:
    case Fc.GET_COMM_EVENT_COUNTER:
    case Fc.GET_COMM_EVENT_LOG:
    case Fc.REPORT_SERVER_ID:
      return len > 1 ? 'pdu_too_long' : undefined;
    case Fc.DIAGNOSTICS:
      if (len < 3) return 'pdu_too_short';
      f.sub = buf.readUInt16BE(off + 1);
      if (len >= 5) f.a = buf.readUInt16BE(off + 3);
      return undefined;
    case Fc.WRITE_MULTIPLE_COILS:
    case Fc.WRITE_MULTIPLE_REGISTERS:
      if (len < 6) return 'pdu_too_short';
      f.a = buf.readUInt16BE(off + 1);
      f.q = buf.readUInt16BE(off + 3);
      return len !== 6 + buf[off + 5]! ? 'invalid_byte_count' : undefined;
    case Fc.READ_FILE_RECORD:
    case Fc.WRITE_FILE_RECORD:
      return fileRecordRequest(buf, off, len, f);
    case Fc.MASK_WRITE_REGISTER:
      if (len < 7) return 'pdu_too_short';
      f.a = buf.readUInt16BE(off + 1);
      f.q = 1;
      return len > 7 ? 'pdu_too_long' : undefined;
    case Fc.READ_WRITE_MULTIPLE_REGISTERS:
      if (len < 10) return 'pdu_too_short';
      f.a = buf.readUInt16BE(off + 1);
      f.q = buf.readUInt16BE(off + 3);
      f.a2 = buf.readUInt16BE(off + 5);
      f.q2 = buf.readUInt16BE(off + 7);
      return len !== 10 + buf[off + 9]! ? 'invalid_byte_count' : undefined;
    case Fc.READ_FIFO_QUEUE:
      if (len < 3) return 'pdu_too_short';
      f.a = buf.readUInt16BE(off + 1);
      f.q = 1;
      return len > 3 ? 'pdu_too_long' : undefined;
    case Fc.ENCAPSULATED_INTERFACE:
      if (len < 2) return 'pdu_too_short';
      f.sub = buf[off + 1]!;
      if (f.sub !== Mei.READ_DEVICE_ID) return undefined;
      if (len < 4) return 'pdu_too_short';
      f.a = buf[off + 2]!;
      f.q = buf[off + 3]!;
      return len > 4 ? 'pdu_too_long' : undefined;
    case Fc.UMAS:
      if (len < 3) return 'pdu_too_short';
      f.a = buf[off + 1]!;
      f.sub = buf[off + 2]!;
      return undefined;
    default:
      return fc & EXCEPTION_BIT ? 'exception_in_request' : undefined;
  }
}

/** §6.14 / §6.15: byte count, then sub-requests (reference type 6, file, record, length[, data]). */
function fileRecordRequest(buf: Buffer, off: number, len: number, f: RequestFields): string | undefined {
  if (len < 2) return 'pdu_too_short';
  const count = buf[off + 1]!;
  if (len !== 2 + count) return 'invalid_byte_count';
  if (count < 7) return 'invalid_byte_count';
  f.a = buf.readUInt16BE(off + 3);
  f.a2 = buf.readUInt16BE(off + 5);
  f.q2 = buf.readUInt16BE(off + 7);
  if (f.fc === Fc.READ_FILE_RECORD) {
    f.q = Math.floor(count / 7);
    return count % 7 !== 0 ? 'invalid_byte_count' : undefined;
  }
  // Write: each sub-request carries its record data (2 bytes per register).
  let pos = off + 2;
  const end = off + len;
  let n = 0;
  while (pos < end) {
    if (end - pos < 7) return 'invalid_byte_count';
    pos += 7 + 2 * buf.readUInt16BE(pos + 5);
    n++;
  }
  f.q = n;
  return pos !== end ? 'invalid_byte_count' : undefined;
}

/** Fields of a response PDU. */
export interface ResponseFields {
  fc: number;
  /** Exception code of an exception response, else 0. */
  exception: number;
  /** Diagnostics sub-function echoed, MEI type, UMAS verdict byte (0xfe ok, 0xfd error); else -1. */
  sub: number;
}

export function newResponseFields(): ResponseFields {
  return { fc: -1, exception: 0, sub: -1 };
}

/** Reads a response PDU into `f`; returns the anomaly code when malformed for its function code. */
export function decodeResponse(buf: Buffer, off: number, len: number, f: ResponseFields): string | undefined {
  f.exception = 0;
  f.sub = -1;
  if (len < 1) {
    f.fc = -1;
    return 'pdu_too_short';
  }
  const fc = buf[off]!;
  f.fc = fc;
  if (fc & EXCEPTION_BIT) {
    if (len < 2) return 'pdu_too_short';
    f.exception = buf[off + 1]!;
    if (len > 2) return 'pdu_too_long';
    return EXCEPTION_NAMES[f.exception] === undefined ? 'invalid_exception_code' : undefined;
  }
  switch (fc) {
    case Fc.READ_COILS:
    case Fc.READ_DISCRETE_INPUTS:
    case Fc.REPORT_SERVER_ID:
    case Fc.READ_FILE_RECORD:
    case Fc.WRITE_FILE_RECORD:
      return byteCounted(buf, off, len, 1, false);
    case Fc.READ_HOLDING_REGISTERS:
    case Fc.READ_INPUT_REGISTERS:
    case Fc.READ_WRITE_MULTIPLE_REGISTERS:
      return byteCounted(buf, off, len, 1, true);
    case Fc.GET_COMM_EVENT_LOG:
      return byteCounted(buf, off, len, 6, false);
    case Fc.WRITE_SINGLE_COIL:
    case Fc.WRITE_SINGLE_REGISTER:
    case Fc.WRITE_MULTIPLE_COILS:
    case Fc.WRITE_MULTIPLE_REGISTERS:
    case Fc.GET_COMM_EVENT_COUNTER:
      return exactly(len, 5);
    case Fc.READ_EXCEPTION_STATUS:
      return exactly(len, 2);
    case Fc.MASK_WRITE_REGISTER:
      return exactly(len, 7);
    case Fc.DIAGNOSTICS:
      if (len < 3) return 'pdu_too_short';
      f.sub = buf.readUInt16BE(off + 1);
      return undefined;
    case Fc.READ_FIFO_QUEUE: {
      if (len < 5) return 'pdu_too_short';
      const count = buf.readUInt16BE(off + 1);
      if (len !== 3 + count) return 'invalid_byte_count';
      return count !== 2 + 2 * buf.readUInt16BE(off + 3) ? 'invalid_byte_count' : undefined;
    }
    case Fc.ENCAPSULATED_INTERFACE:
      if (len < 2) return 'pdu_too_short';
      f.sub = buf[off + 1]!;
      if (f.sub !== Mei.READ_DEVICE_ID) return undefined;
      return parseDeviceId(buf, off, len).ok ? undefined : 'invalid_device_id';
    case Fc.UMAS:
      if (len < 3) return 'pdu_too_short';
      f.sub = buf[off + 2]!;
      return undefined;
    default:
      return undefined;
  }
}

function exactly(len: number, want: number): string | undefined {
  return len < want ? 'pdu_too_short' : len > want ? 'pdu_too_long' : undefined;
}

/** Function code, byte count, that many bytes (at least `min`; even for registers). */
function byteCounted(buf: Buffer, off: number, len: number, min: number, even: boolean): string | undefined {
  if (len < 2) return 'pdu_too_short';
  const count = buf[off + 1]!;
  if (len !== 2 + count || count < min || (even && count % 2 !== 0)) return 'invalid_byte_count';
  return undefined;
}

/** One ADU: MBAP header and the PDU's place. */
export interface ModbusAdu {
  transaction: number;
  unit: number;
  /** Function code byte as sent (with the exception bit). */
  fc: number;
  pduOff: number;
  pduLen: number;
}

/** One whole ADU in `buf[off, off + len)`: protocol id 0, length matching, a function code. */
export function parseAdu(buf: Buffer, off: number, len: number): { ok: true; msg: ModbusAdu } | ParseError {
  if (len < MBAP_HEADER + 1) return { ok: false, code: 'truncated', detail: `${len} bytes` };
  const protocol = buf.readUInt16BE(off + 2);
  if (protocol !== 0) return { ok: false, code: 'invalid_protocol_id', detail: `protocol id ${protocol}` };
  const length = buf.readUInt16BE(off + 4);
  if (length !== len - 6) {
    return { ok: false, code: 'invalid_length', detail: `MBAP length ${length} for ${len - 6} bytes` };
  }
  return {
    ok: true,
    msg: {
      transaction: buf.readUInt16BE(off),
      unit: buf[off + 6]!,
      fc: buf[off + 7]!,
      pduOff: off + MBAP_HEADER,
      pduLen: len - MBAP_HEADER,
    },
  };
}

/** A request ADU with its decoded fields (tests, fuzzing; the analyzer decodes in place). */
export function parseRequest(
  buf: Buffer,
  off: number,
  len: number,
): { ok: true; msg: ModbusAdu & { fields: RequestFields } } | ParseError {
  const r = parseAdu(buf, off, len);
  if (!r.ok) return r;
  const fields = newRequestFields();
  const err = decodeRequest(buf, r.msg.pduOff, r.msg.pduLen, fields);
  if (err !== undefined) return { ok: false, code: err, detail: `function ${r.msg.fc}` };
  return { ok: true, msg: { ...r.msg, fields } };
}

/** A response ADU with its decoded fields. */
export function parseResponse(
  buf: Buffer,
  off: number,
  len: number,
): { ok: true; msg: ModbusAdu & { fields: ResponseFields } } | ParseError {
  const r = parseAdu(buf, off, len);
  if (!r.ok) return r;
  const fields = newResponseFields();
  const err = decodeResponse(buf, r.msg.pduOff, r.msg.pduLen, fields);
  if (err !== undefined) return { ok: false, code: err, detail: `function ${r.msg.fc}` };
  return { ok: true, msg: { ...r.msg, fields } };
}
