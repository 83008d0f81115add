/**
 * Modbus identity parsers: Read Device Identification (Modbus Application Protocol
 * Specification v1.1b3 §6.21, function 43 / MEI 14), Report Server ID (§6.13, function 17)
 * and the model name in a UMAS READ_ID answer (function 90; layouts in consts.ts).
 *
 * Pure: bytes in, values or an error value out; never throws. Rare path (identity answers),
 * so these allocate freely. Not parsed: device id objects beyond 0–6 (kept as raw objects but
 * given no fact key), the binary part of a server id, other UMAS answers.
 */
import { DEVICE_ID_OBJECTS, Fc, Mei, UMAS_READ_ID_NAME_OFFSETS, Umas } from './consts.js';

export type ParseError = { ok: false; code: string; detail: string };

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
