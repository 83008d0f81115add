/**
 * Modbus/TCP parser.
 *
 * Specs: Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3 (MBAP header); Modbus
 * Application Protocol Specification v1.1b3 §6.1–§6.21 (request and response PDUs of the public
 * function codes 1–8, 11, 12, 15–17, 20–24, 43/13, 43/14), §7 (exception responses), §6.21
 * (Read Device Identification objects), §6.13 (Report Server ID). UMAS (function 90): the
 * header only (session key, sub-function, 0xfe/0xfd verdict) and the READ_ID model name.
 *
 * Pure: bytes in, fields or an error value out; never throws. The analyzer's hot path calls
 * `decodeRequest` / `decodeResponse` with a reused fields object (no allocation); the
 * `parse*` functions wrap them for tests and fuzzing. Not parsed: register and coil values,
 * diagnostics data beyond the first word, file record data, CANopen references (43/13), UMAS
 * payloads other than READ_ID, serial-line (RTU/ASCII) framing.
 */
import {
  DEVICE_ID_OBJECTS,
  EXCEPTION_BIT,
  EXCEPTION_NAMES,
  Fc,
  MAX_FOLLOWED_LENGTH,
  MBAP_HEADER,
  Mei,
  UMAS_READ_ID_NAME_OFFSETS,
  Umas,
} from './consts.js';

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

export interface DeviceIdObject {
  id: number;
  value: string;
}

export interface DeviceId {
  readCode: number;
  conformity: number;
  moreFollows: boolean;
  nextObject: number;
  objects: DeviceIdObject[];
}

/**
 * §6.21 Read Device Identification response PDU (`buf[off]` = 43): MEI 14, read code,
 * conformity level, more follows, next object id, object count, then id / length / value.
 */
export function parseDeviceId(
  buf: Buffer,
  off: number,
  len: number,
): { ok: true; msg: DeviceId } | ParseError {
  if (len < 7) return { ok: false, code: 'truncated', detail: `${len} bytes` };
  if (buf[off] !== Fc.ENCAPSULATED_INTERFACE || buf[off + 1] !== Mei.READ_DEVICE_ID) {
    return { ok: false, code: 'not_device_id', detail: `function ${buf[off]} MEI ${buf[off + 1]}` };
  }
  const count = buf[off + 6]!;
  const objects: DeviceIdObject[] = [];
  let pos = off + 7;
  const end = off + len;
  for (let i = 0; i < count; i++) {
    if (end - pos < 2) return { ok: false, code: 'truncated', detail: `object ${i} of ${count}` };
    const id = buf[pos]!;
    const n = buf[pos + 1]!;
    if (end - pos - 2 < n) return { ok: false, code: 'truncated', detail: `object ${id} of ${n} bytes` };
    objects.push({ id, value: text(buf, pos + 2, n) });
    pos += 2 + n;
  }
  if (pos !== end)
    return { ok: false, code: 'trailing_bytes', detail: `${end - pos} bytes after the objects` };
  return {
    ok: true,
    msg: {
      readCode: buf[off + 2]!,
      conformity: buf[off + 3]!,
      moreFollows: buf[off + 4] === 0xff,
      nextObject: buf[off + 5]!,
      objects,
    },
  };
}

/** Device identification objects as fact keys (generic and `modbus.*`); empty values skipped. */
export function deviceIdFacts(objects: readonly DeviceIdObject[]): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const o of objects) {
    const keys = DEVICE_ID_OBJECTS[o.id];
    if (keys === undefined || o.value === '') continue;
    if (keys[0] !== undefined) facts[keys[0]] = o.value;
    facts[keys[1]] = o.value;
  }
  return facts;
}

/**
 * §6.13 Report Server ID response PDU (`buf[off]` = 17): byte count, then a device-specific
 * server id, a run indicator (0x00 / 0xff) and device-specific data. The id's length is not
 * told, so the text is the longest printable ASCII run of at least 3 characters, if any.
 */
export function serverIdText(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 2 || buf[off] !== Fc.REPORT_SERVER_ID) return undefined;
  const end = Math.min(off + len, off + 2 + buf[off + 1]!);
  let best: string | undefined;
  let start = -1;
  for (let i = off + 2; i <= end; i++) {
    const c = i < end ? buf[i]! : 0;
    if (c >= 0x20 && c < 0x7f) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      const s = buf.toString('latin1', start, i).trim();
      if (s.length >= 3 && (best === undefined || s.length > best.length)) best = s;
      start = -1;
    }
  }
  return best;
}

/**
 * UMAS READ_ID response PDU (0x5a, session, 0xfe, data): the PLC model name (e.g.
 * "140 CPU 311 10"), when one of the known layouts holds printable text.
 */
export function umasModelName(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 4 || buf[off] !== Fc.UMAS || buf[off + 2] !== Umas.RESPONSE_OK) return undefined;
  const data = off + 3;
  const end = off + len;
  for (const at of UMAS_READ_ID_NAME_OFFSETS) {
    if (data + at >= end) continue;
    const n = buf[data + at]!;
    if (n < 2 || n > 64 || data + at + 1 + n > end) continue;
    let printable = true;
    for (let i = data + at + 1; i < data + at + 1 + n && printable; i++) {
      const c = buf[i]!;
      printable = (c >= 0x20 && c < 0x7f) || (c === 0 && i > data + at + 1);
    }
    if (!printable) continue;
    const s = text(buf, data + at + 1, n);
    if (s.length >= 2) return s;
  }
  return undefined;
}

/** Text of an identity field: latin1, cut at the first NUL, trimmed. */
function text(buf: Buffer, off: number, n: number): string {
  let end = off;
  while (end < off + n && buf[end] !== 0) end++;
  return buf.toString('latin1', off, end).trim();
}
