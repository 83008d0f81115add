/**
 * Beckhoff ADS/AMS parser: the AMS/TCP and AMS headers, the index group/offset of read,
 * write and read-write requests, the read device info response (name, version), and the
 * UDP discovery / add-route messages (service, AmsNetId, tags). Pure; never throws.
 * Not parsed: notification samples, ADS payload data, the route password tag (skipped).
 */
import {
  AdsError,
  type AdsErrorCode,
  AMS_HEADER,
  AMS_TCP_HEADER,
  MAX_FRAME,
  MAX_TAGS,
  StateFlag,
  UDP_MAGIC,
} from './consts.js';

export interface AmsMessage {
  target: string;
  targetPort: number;
  source: string;
  sourcePort: number;
  command: number;
  flags: number;
  response: boolean;
  error: number;
  invokeId: number;
  dataOff: number;
  dataLen: number;
}

export type AdsParse = { ok: true; msg: AmsMessage } | { ok: false; code: AdsErrorCode; detail: string };

const fail = (code: AdsErrorCode, detail: string): AdsParse => ({ ok: false, code, detail });

export function netId(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}.${buf[off + 4]}.${buf[off + 5]}`;
}

/** AMS/TCP: reserved 0, length (LE) of the AMS packet; framed length or 0 / -1. */
export function measureAmsTcp(buf: Buffer, off: number, avail: number): number {
  if (avail < AMS_TCP_HEADER) return 0;
  if (buf[off] !== 0 || buf[off + 1] !== 0) return -1;
  const l = buf.readUInt32LE(off + 2);
  return l < AMS_HEADER || l > MAX_FRAME ? -1 : AMS_TCP_HEADER + l;
}

/** An AMS packet (32-byte header and data) at `off`. */
export function parseAms(buf: Buffer, off: number, len: number): AdsParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < AMS_HEADER) return fail(AdsError.TOO_SHORT, `${end - off} bytes`);
  const flags = buf.readUInt16LE(off + 18);
  const cb = buf.readUInt32LE(off + 20);
  if (off + AMS_HEADER + cb > end)
    return fail(AdsError.BAD_LENGTH, `cbData ${cb} past ${end - off - AMS_HEADER} bytes`);
  return {
    ok: true,
    msg: {
      target: netId(buf, off),
      targetPort: buf.readUInt16LE(off + 6),
      source: netId(buf, off + 8),
      sourcePort: buf.readUInt16LE(off + 14),
      command: buf.readUInt16LE(off + 16),
      flags,
      response: (flags & StateFlag.RESPONSE) !== 0,
      error: buf.readUInt32LE(off + 24),
      invokeId: buf.readUInt32LE(off + 28),
      dataOff: off + AMS_HEADER,
      dataLen: cb,
    },
  };
}

/** Index group and offset of read (2), write (3), read-write (9) and add-notification (6) requests. */
export function indexOf(buf: Buffer, m: AmsMessage): [number, number] | undefined {
  if (m.dataLen < 8 || m.dataOff + 8 > buf.length) return undefined;
  return [buf.readUInt32LE(m.dataOff), buf.readUInt32LE(m.dataOff + 4)];
}

/** Read device info response: result (4), major, minor, build (2), device name (16). */
export function parseDeviceInfo(
  buf: Buffer,
  off: number,
  len: number,
): { result: number; version: string; name: string } | undefined {
  if (len < 24 || off + 24 > buf.length) return undefined;
  return {
    result: buf.readUInt32LE(off),
    version: `${buf[off + 4]}.${buf[off + 5]}.${buf.readUInt16LE(off + 6)}`,
    name: text(buf, off + 8, 16),
  };
}

export interface UdpMessage {
  invokeId: number;
  service: number;
  netId: string;
  port: number;
  /** Tag id → value offsets (the password tag is left out). */
  tags: Map<number, [number, number]>;
}

/** UDP 48899 message; an error text when malformed. */
export function parseAdsUdp(buf: Buffer, off: number, len: number): UdpMessage | string {
  const end = Math.min(off + len, buf.length);
  if (end - off < 24) return `${end - off} bytes`;
  if (buf.readUInt32LE(off) !== UDP_MAGIC) return 'bad magic';
  const m: UdpMessage = {
    invokeId: buf.readUInt32LE(off + 4),
    service: buf.readUInt32LE(off + 8),
    netId: netId(buf, off + 12),
    port: buf.readUInt16LE(off + 18),
    tags: new Map(),
  };
  const count = buf.readUInt32LE(off + 20);
  let p = off + 24;
  for (let i = 0; i < count && i < MAX_TAGS; i++) {
    if (p + 4 > end) return `tag ${i + 1} cut short`;
    const id = buf.readUInt16LE(p);
    const l = buf.readUInt16LE(p + 2);
    if (p + 4 + l > end) return `tag ${id} of ${l} bytes past the end`;
    if (id !== 2) m.tags.set(id, [p + 4, l]);
    p += 4 + l;
  }
  return m;
}

export function text(buf: Buffer, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len && i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  }
  return s.trim();
}
