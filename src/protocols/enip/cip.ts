/**
 * CIP message parser: explicit request and response framing, padded EPATHs, Multiple Service
 * Packet, Unconnected Send and Forward Open / Forward Close. Pure and never throws.
 *
 * Spec: CIP Networks Library Vol 1 — §2-4.1/2-4.2 (Message Router request: service, path size in
 * words, padded EPATH, data; response: service|0x80, reserved, general status, additional status
 * size in words, additional status, data), Appendix C-1 (EPATH segments: port C-1.4.2, logical
 * C-1.4.3 with 8/16/32-bit formats and the electronic key, network C-1.4.4, symbolic C-1.4.5,
 * data C-1.4.6 incl. the ANSI extended symbol 0x91), §2-5 / A-4.10 (Multiple Service Packet:
 * count and offsets from the count), §3-5.5.2 (Unconnected Send: priority/tick, timeout ticks,
 * embedded message size, message, pad, route path size, reserved, route path), §3-5.5.1 /
 * §3-5.5.3 (Forward Open, Large Forward Open, Forward Close requests and replies).
 * Not parsed: packed (unpadded) EPATHs, extended logical segments (type 7), network segment
 * contents, safety segments, connection parameters beyond the ids and the path.
 */
import { hex, type Parsed } from './parse.js';

function fail(code: string, detail: string): { ok: false; code: string; detail: string } {
  return { ok: false, code, detail };
}

/** What a padded EPATH names; -1 where a logical part is absent. */
export interface Epath {
  cls: number;
  inst: number;
  attr: number;
  member: number;
  point: number;
  /** Tag name from symbolic segments, with array indexes from member segments that follow. */
  symbol: string | undefined;
  /** Port segments as "port P link L" hops, joined with " > ". */
  route: string | undefined;
}

/** Parse an EPATH that fills `len` bytes (padded format, as CIP over EtherNet/IP carries it). */
export function parseEpath(buf: Buffer, off: number, len: number): Parsed<Epath> {
  const p: Epath = {
    cls: -1,
    inst: -1,
    attr: -1,
    member: -1,
    point: -1,
    symbol: undefined,
    route: undefined,
  };
  let pos = off;
  const end = off + len;
  // Whether the last segment was a symbol or an index of one: members after it are indexes.
  let afterSymbol = false;
  let indexes: string | undefined;
  while (pos < end) {
    const seg = buf[pos]!;
    const type = seg >> 5;
    if (type === 0) {
      // Port segment (C-1.4.2).
      const extLink = (seg & 0x10) !== 0;
      let port = seg & 0x0f;
      let q = pos + 1;
      let linkSize = 1;
      if (extLink) {
        if (q >= end) return fail('bad_path', 'port segment without its link address size');
        linkSize = buf[q++]!;
      }
      if (port === 0x0f) {
        if (q + 2 > end) return fail('bad_path', 'port segment without its extended port');
        port = buf.readUInt16LE(q);
        q += 2;
      }
      if (q + linkSize > end) return fail('bad_path', 'port segment link address runs off the path');
      let linkEnd = q + linkSize;
      while (extLink && linkEnd > q && buf[linkEnd - 1] === 0) linkEnd--;
      const link = extLink ? buf.toString('latin1', q, linkEnd) : String(buf[q]);
      q += linkSize;
      if ((q - pos) & 1) q++;
      const hop = `port ${port} link ${link}`;
      p.route = p.route === undefined ? hop : `${p.route} > ${hop}`;
      pos = q;
      afterSymbol = false;
      continue;
    }
    if (type === 1) {
      // Logical segment (C-1.4.3).
      const ltype = (seg >> 2) & 7;
      const format = seg & 3;
      if (ltype === 5) {
        // Special: electronic key (0x34, key format 4, 8 bytes).
        if (seg !== 0x34 || pos + 10 > end) return fail('bad_path', `special segment 0x${hex(seg, 2)}`);
        pos += 10;
        continue;
      }
      if (ltype === 7) return fail('bad_path', 'extended logical segment');
      let v: number;
      if (format === 0) {
        if (pos + 2 > end) return fail('bad_path', '8-bit logical segment runs off the path');
        v = buf[pos + 1]!;
        pos += 2;
      } else if (format === 1) {
        if (pos + 4 > end) return fail('bad_path', '16-bit logical segment runs off the path');
        v = buf.readUInt16LE(pos + 2);
        pos += 4;
      } else if (format === 2 && ltype !== 6) {
        if (pos + 6 > end) return fail('bad_path', '32-bit logical segment runs off the path');
        v = buf.readUInt32LE(pos + 2);
        pos += 6;
      } else {
        return fail('bad_path', `logical segment 0x${hex(seg, 2)} has a reserved format`);
      }
      if (ltype === 2 && afterSymbol) {
        indexes = indexes === undefined ? String(v) : `${indexes},${v}`;
        continue;
      }
      if (indexes !== undefined) p.symbol = withIndexes(p.symbol, indexes);
      indexes = undefined;
      afterSymbol = false;
      if (ltype === 0) p.cls = v;
      else if (ltype === 1) p.inst = v;
      else if (ltype === 2) p.member = v;
      else if (ltype === 3) p.point = v;
      else if (ltype === 4) p.attr = v;
      // Service ID segments (type 6) name nothing the target needs.
      continue;
    }
    if (type === 2) {
      // Network segment (C-1.4.4): one data byte, or a size in words and the data.
      if (pos + 2 > end) return fail('bad_path', 'network segment runs off the path');
      pos += seg & 0x10 ? 2 + buf[pos + 1]! * 2 : 2;
      if (pos > end) return fail('bad_path', 'network segment data runs off the path');
      continue;
    }
    if (type === 3 || seg === 0x91) {
      // Symbolic segment (C-1.4.5) or ANSI extended symbol data segment (C-1.4.6.2).
      if (indexes !== undefined) p.symbol = withIndexes(p.symbol, indexes);
      indexes = undefined;
      const r = symbolSegment(buf, pos, end);
      if (typeof r === 'string') return fail('bad_path', r);
      p.symbol = p.symbol === undefined ? r.name : `${p.symbol}.${r.name}`;
      pos = r.next;
      afterSymbol = true;
      continue;
    }
    if (seg === 0x80) {
      // Simple data segment: a size in words and the data.
      if (pos + 2 > end) return fail('bad_path', 'data segment runs off the path');
      pos += 2 + buf[pos + 1]! * 2;
      if (pos > end) return fail('bad_path', 'data segment data runs off the path');
      continue;
    }
    return fail('bad_path', `segment 0x${hex(seg, 2)} at path byte ${pos - off}`);
  }
  if (indexes !== undefined) p.symbol = withIndexes(p.symbol, indexes);
  return { ok: true, msg: p };
}

function withIndexes(symbol: string | undefined, indexes: string): string {
  return `${symbol ?? ''}[${indexes}]`;
}

function symbolSegment(buf: Buffer, pos: number, end: number): { name: string; next: number } | string {
  const seg = buf[pos]!;
  if (seg === 0x91) {
    if (pos + 2 > end) return 'symbol segment without its length';
    const n = buf[pos + 1]!;
    const stop = pos + 2 + n;
    if (stop > end) return 'symbol runs off the path';
    return { name: buf.toString('latin1', pos + 2, stop), next: stop + (n & 1) };
  }
  const size = seg & 0x1f;
  if (size > 0) {
    const stop = pos + 1 + size;
    if (stop > end) return 'symbol runs off the path';
    return { name: buf.toString('latin1', pos + 1, stop), next: stop + ((1 + size) & 1) };
  }
  // Extended string formats: double/triple-byte characters, or a numeric symbol.
  if (pos + 2 > end) return 'extended symbol without its format';
  const fmt = buf[pos + 1]!;
  const kind = fmt >> 5;
  const n = fmt & 0x1f;
  let bytes: number;
  if (kind === 1) bytes = n * 2;
  else if (kind === 2) bytes = n * 3;
  else if (kind === 6 && n >= 6 && n <= 8) bytes = n === 6 ? 1 : n === 7 ? 2 : 4;
  else return `extended symbol format 0x${hex(fmt, 2)}`;
  const stop = pos + 2 + bytes;
  if (stop > end) return 'extended symbol runs off the path';
  let name: string;
  if (kind === 6)
    name = String(
      bytes === 1 ? buf[pos + 2] : bytes === 2 ? buf.readUInt16LE(pos + 2) : buf.readUInt32LE(pos + 2),
    );
  else name = `#${buf.toString('hex', pos + 2, stop)}`;
  return { name, next: stop + ((stop - pos) & 1) };
}

export interface CipRequest {
  service: number;
  path: Epath;
  dataOff: number;
  dataLen: number;
}

/** A Message Router request: service, path size in words, padded EPATH, data. */
export function parseCipRequest(buf: Buffer, off: number, len: number): Parsed<CipRequest> {
  if (len < 2) return fail('bad_cip', `request of ${len} bytes`);
  const service = buf[off]!;
  if (service & 0x80) return fail('bad_cip', `request with the reply bit set (0x${hex(service, 2)})`);
  const pathLen = buf[off + 1]! * 2;
  if (2 + pathLen > len) return fail('bad_cip', `path of ${pathLen} bytes, ${len - 2} present`);
  const path = parseEpath(buf, off + 2, pathLen);
  if (!path.ok) return path;
  return {
    ok: true,
    msg: { service, path: path.msg, dataOff: off + 2 + pathLen, dataLen: len - 2 - pathLen },
  };
}

export interface CipResponse {
  /** The request's service (the reply bit cleared). */
  service: number;
  status: number;
  /** The first additional status word, or -1. */
  extStatus: number;
  dataOff: number;
  dataLen: number;
}

/** A Message Router response: service|0x80, reserved, general status, additional status words, data. */
export function parseCipResponse(buf: Buffer, off: number, len: number): Parsed<CipResponse> {
  if (len < 4) return fail('bad_cip', `response of ${len} bytes`);
  const service = buf[off]!;
  if (!(service & 0x80)) return fail('bad_cip', `response without the reply bit (0x${hex(service, 2)})`);
  const ext = buf[off + 3]! * 2;
  if (4 + ext > len) return fail('bad_cip', `${ext} bytes of additional status, ${len - 4} present`);
  return {
    ok: true,
    msg: {
      service: service & 0x7f,
      status: buf[off + 2]!,
      extStatus: ext >= 2 ? buf.readUInt16LE(off + 4) : -1,
      dataOff: off + 4 + ext,
      dataLen: len - 4 - ext,
    },
  };
}

/** The embedded messages of a Multiple Service Packet request or reply data, as [offset, length] pairs. */
export function parseMultiple(buf: Buffer, off: number, len: number): Parsed<number[]> {
  if (len < 2) return fail('bad_multiple', 'no service count');
  const count = buf.readUInt16LE(off);
  if (count === 0 || 2 + count * 2 > len) return fail('bad_multiple', `${count} services in ${len} bytes`);
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const start = buf.readUInt16LE(off + 2 + i * 2);
    const stop = i + 1 < count ? buf.readUInt16LE(off + 4 + i * 2) : len;
    if (start < 2 + count * 2 || start < prev || stop < start || stop > len) {
      return fail('bad_multiple', `service ${i + 1} of ${count} at offset ${start}`);
    }
    out.push(off + start, stop - start);
    prev = start;
  }
  return { ok: true, msg: out };
}

export interface UnconnectedSend {
  msgOff: number;
  msgLen: number;
  route: Epath;
}

/** Unconnected Send request data (after its own path to the Connection Manager). */
export function parseUnconnectedSend(buf: Buffer, off: number, len: number): Parsed<UnconnectedSend> {
  if (len < 4) return fail('bad_unconnected_send', `${len} bytes of data`);
  const msgLen = buf.readUInt16LE(off + 2);
  const after = 4 + msgLen + (msgLen & 1);
  if (after + 2 > len) return fail('bad_unconnected_send', `embedded message of ${msgLen} bytes in ${len}`);
  const routeLen = buf[off + after]! * 2;
  if (after + 2 + routeLen > len) return fail('bad_unconnected_send', `route path of ${routeLen} bytes`);
  const route = parseEpath(buf, off + after + 2, routeLen);
  if (!route.ok) return route;
  return { ok: true, msg: { msgOff: off + 4, msgLen, route: route.msg } };
}

/** What names a connection across Forward Open and Forward Close (§3-5.5.1.1): serial, vendor, originator serial. */
export interface ConnectionTriad {
  serial: number;
  vendor: number;
  origSerial: number;
}

export interface ForwardOpen extends ConnectionTriad {
  otId: number;
  toId: number;
  path: Epath;
}

/** Forward Open (0x54) or Large Forward Open (0x5B, 32-bit network parameters) request data. */
export function parseForwardOpen(buf: Buffer, off: number, len: number, large: boolean): Parsed<ForwardOpen> {
  const fixed = large ? 40 : 36;
  if (len < fixed) return fail('bad_forward_open', `${len} bytes of data`);
  const pathLen = buf[off + fixed - 1]! * 2;
  if (fixed + pathLen > len) return fail('bad_forward_open', `connection path of ${pathLen} bytes`);
  const path = parseEpath(buf, off + fixed, pathLen);
  if (!path.ok) return path;
  return {
    ok: true,
    msg: {
      otId: buf.readUInt32LE(off + 2),
      toId: buf.readUInt32LE(off + 6),
      serial: buf.readUInt16LE(off + 10),
      vendor: buf.readUInt16LE(off + 12),
      origSerial: buf.readUInt32LE(off + 14),
      path: path.msg,
    },
  };
}

/** Successful Forward Open reply: the connection ids the target settled on, and the triad. */
export function parseForwardOpenReply(
  buf: Buffer,
  off: number,
  len: number,
): Parsed<ConnectionTriad & { otId: number; toId: number }> {
  if (len < 26) return fail('bad_forward_open', `reply of ${len} bytes`);
  return {
    ok: true,
    msg: {
      otId: buf.readUInt32LE(off),
      toId: buf.readUInt32LE(off + 4),
      serial: buf.readUInt16LE(off + 8),
      vendor: buf.readUInt16LE(off + 10),
      origSerial: buf.readUInt32LE(off + 12),
    },
  };
}

/** Forward Close (0x4E on class 0x06) request data. */
export function parseForwardClose(
  buf: Buffer,
  off: number,
  len: number,
): Parsed<ConnectionTriad & { path: Epath }> {
  if (len < 12) return fail('bad_forward_close', `${len} bytes of data`);
  const pathLen = buf[off + 10]! * 2;
  if (12 + pathLen > len) return fail('bad_forward_close', `connection path of ${pathLen} bytes`);
  const path = parseEpath(buf, off + 12, pathLen);
  if (!path.ok) return path;
  return {
    ok: true,
    msg: {
      serial: buf.readUInt16LE(off + 2),
      vendor: buf.readUInt16LE(off + 4),
      origSerial: buf.readUInt32LE(off + 6),
      path: path.msg,
    },
  };
}
