/**
 * EtherNet/IP + CIP message builders for the project's own traces (golden tests, the sample
 * plant). Not on the capture path.
 *
 * Spec: CIP Networks Library Vol 2 §2-3 (encapsulation header), §2-4 (RegisterSession,
 * ListIdentity, SendRRData, SendUnitData), §2-6 (CPF); Vol 1 §2-4 (Message Router request and
 * response), Appendix C (padded EPATH segments), §2-5 (Multiple Service Packet), §3-5.5
 * (Unconnected Send, Forward Open, Forward Close), §5A-2 (Identity attributes).
 */
import { Class, Command, Item, Service } from './consts.js';

export interface EncapOptions {
  session?: number;
  status?: number;
  /** Sender context (written little-endian into its 8 bytes). */
  context?: number | bigint;
  options?: number;
}

export function encap(command: number, body: Buffer, o: EncapOptions = {}): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(command, 0);
  h.writeUInt16LE(body.length, 2);
  h.writeUInt32LE(o.session ?? 0, 4);
  h.writeUInt32LE(o.status ?? 0, 8);
  h.writeBigUInt64LE(BigInt(o.context ?? 0), 12);
  h.writeUInt32LE(o.options ?? 0, 20);
  return Buffer.concat([h, body]);
}

/** A Common Packet Format: item count, then [type, data] items. */
export function cpf(items: readonly [number, Buffer][]): Buffer {
  const parts: Buffer[] = [u16(items.length)];
  for (const [type, data] of items) parts.push(u16(type), u16(data.length), data);
  return Buffer.concat(parts);
}

export function registerSession(o: EncapOptions = {}): Buffer {
  return encap(Command.REGISTER_SESSION, Buffer.from([1, 0, 0, 0]), o);
}

export function listIdentityRequest(o: EncapOptions = {}): Buffer {
  return encap(Command.LIST_IDENTITY, Buffer.alloc(0), o);
}

export interface IdentityValues {
  vendor: number;
  deviceType: number;
  productCode: number;
  major: number;
  minor: number;
  status: number;
  serial: number;
  productName: string;
  state?: number;
}

/** Identity object attributes 1-7 (and 8 when `state` is given), as Get_Attributes_All replies them. */
export function identityAttributes(id: IdentityValues): Buffer {
  const b = Buffer.alloc(15);
  b.writeUInt16LE(id.vendor, 0);
  b.writeUInt16LE(id.deviceType, 2);
  b.writeUInt16LE(id.productCode, 4);
  b[6] = id.major;
  b[7] = id.minor;
  b.writeUInt16LE(id.status, 8);
  b.writeUInt32LE(id.serial >>> 0, 10);
  const name = Buffer.from(id.productName, 'latin1');
  b[14] = name.length;
  return Buffer.concat([b, name, id.state === undefined ? Buffer.alloc(0) : Buffer.from([id.state])]);
}

/** ListIdentity reply with one CIP Identity item; the socket address is big-endian (§2-4.3.2). */
export function listIdentityReply(
  id: IdentityValues,
  ip: string,
  port = 44818,
  o: EncapOptions = {},
): Buffer {
  const sock = Buffer.alloc(16);
  sock.writeUInt16BE(2, 0);
  sock.writeUInt16BE(port, 2);
  Buffer.from(ip.split('.').map(Number)).copy(sock, 4);
  const item = Buffer.concat([u16(1), sock, identityAttributes({ state: 3, ...id })]);
  return encap(Command.LIST_IDENTITY, cpf([[Item.CIP_IDENTITY, item]]), o);
}

/** SendRRData: interface handle 0, timeout, a null address item and the unconnected data. */
export function sendRRData(cip: Buffer, o: EncapOptions = {}, timeout = 10): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4),
    u16(timeout),
    cpf([
      [Item.NULL_ADDRESS, Buffer.alloc(0)],
      [Item.UNCONNECTED_DATA, cip],
    ]),
  ]);
  return encap(Command.SEND_RR_DATA, body, o);
}

/** SendUnitData: the connection id and the sequence count before the CIP message. */
export function sendUnitData(
  connectionId: number,
  sequence: number,
  cip: Buffer,
  o: EncapOptions = {},
): Buffer {
  const addr = Buffer.alloc(4);
  addr.writeUInt32LE(connectionId >>> 0, 0);
  const body = Buffer.concat([
    Buffer.alloc(6),
    cpf([
      [Item.CONNECTED_ADDRESS, addr],
      [Item.CONNECTED_DATA, Buffer.concat([u16(sequence), cip])],
    ]),
  ]);
  return encap(Command.SEND_UNIT_DATA, body, o);
}

/** Padded logical segments, each picking the 8, 16 or 32-bit format its value needs. */
export function logical(p: {
  cls?: number;
  inst?: number;
  attr?: number;
  member?: number;
  point?: number;
}): Buffer {
  const parts: Buffer[] = [];
  const seg = (type: number, v: number | undefined): void => {
    if (v === undefined) return;
    if (v < 0x100) parts.push(Buffer.from([0x20 | (type << 2), v]));
    else if (v < 0x10000) parts.push(Buffer.from([0x21 | (type << 2), 0]), u16(v));
    else {
      const b = Buffer.alloc(6);
      b[0] = 0x22 | (type << 2);
      b.writeUInt32LE(v >>> 0, 2);
      parts.push(b);
    }
  };
  seg(0, p.cls);
  seg(1, p.inst);
  seg(3, p.point);
  seg(2, p.member);
  seg(4, p.attr);
  return Buffer.concat(parts);
}

/** ANSI extended symbol segments for a dotted tag name, `[i]` indexes as member segments. */
export function symbolic(tag: string): Buffer {
  const parts: Buffer[] = [];
  for (const piece of tag.split('.')) {
    const m = /^([^[]+)(?:\[([\d,]+)\])?$/.exec(piece);
    const name = Buffer.from(m?.[1] ?? piece, 'latin1');
    parts.push(Buffer.from([0x91, name.length]), name, Buffer.alloc(name.length & 1));
    for (const idx of m?.[2]?.split(',') ?? []) parts.push(logical({ member: Number(idx) }));
  }
  return Buffer.concat(parts);
}

/** A port segment: port and a one-byte link address (a slot), or an extended (text) link address. */
export function portSegment(port: number, link: number | string): Buffer {
  if (typeof link === 'number') return Buffer.from([port & 0x0f, link]);
  const addr = Buffer.from(link, 'latin1');
  const b = Buffer.concat([Buffer.from([0x10 | (port & 0x0f), addr.length]), addr]);
  return b.length & 1 ? Buffer.concat([b, Buffer.alloc(1)]) : b;
}

export function cipRequest(service: number, path: Buffer, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([service, path.length >> 1]), path, data]);
}

export function cipResponse(
  service: number,
  status = 0,
  data: Buffer = Buffer.alloc(0),
  ext: number[] = [],
): Buffer {
  const h = Buffer.from([service | 0x80, 0, status, ext.length]);
  return Buffer.concat([h, ...ext.map(u16), data]);
}

/** Multiple Service Packet data (request or reply): count, offsets from the count, messages. */
export function multiple(messages: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(2 + messages.length * 2);
  head.writeUInt16LE(messages.length, 0);
  let at = head.length;
  messages.forEach((m, i) => {
    head.writeUInt16LE(at, 2 + i * 2);
    at += m.length;
  });
  return Buffer.concat([head, ...messages]);
}

export function multipleRequest(requests: readonly Buffer[]): Buffer {
  return cipRequest(
    Service.MULTIPLE_SERVICE_PACKET,
    logical({ cls: Class.MESSAGE_ROUTER, inst: 1 }),
    multiple(requests),
  );
}

/** Unconnected Send to the Connection Manager carrying `message` along `route` (port segments). */
export function unconnectedSend(message: Buffer, route: Buffer): Buffer {
  const data = Buffer.concat([
    Buffer.from([0x07, 0xf9]),
    u16(message.length),
    message,
    Buffer.alloc(message.length & 1),
    Buffer.from([route.length >> 1, 0]),
    route,
  ]);
  return cipRequest(Service.UNCONNECTED_SEND, logical({ cls: Class.CONNECTION_MANAGER, inst: 1 }), data);
}

export interface ConnectionParams {
  otId: number;
  toId: number;
  serial: number;
  vendor: number;
  origSerial: number;
}

/** Forward Open (or Large Forward Open) request to the Connection Manager with `path` as connection path. */
export function forwardOpen(c: ConnectionParams, path: Buffer, large = false): Buffer {
  const params = large ? 4 : 2;
  const d = Buffer.alloc(36 + (large ? 4 : 0));
  d[0] = 0x0a;
  d[1] = 0x0e;
  d.writeUInt32LE(c.otId >>> 0, 2);
  d.writeUInt32LE(c.toId >>> 0, 6);
  d.writeUInt16LE(c.serial, 10);
  d.writeUInt16LE(c.vendor, 12);
  d.writeUInt32LE(c.origSerial >>> 0, 14);
  d[18] = 1;
  d.writeUInt32LE(2_000_000, 22);
  d.writeUInt32LE(2_000_000, 26 + params);
  d[34 + 2 * (params - 2)] = 0xa3;
  d[d.length - 1] = path.length >> 1;
  const service = large ? Service.LARGE_FORWARD_OPEN : Service.FORWARD_OPEN;
  return cipRequest(service, logical({ cls: Class.CONNECTION_MANAGER, inst: 1 }), Buffer.concat([d, path]));
}

export function forwardOpenReply(c: ConnectionParams, large = false): Buffer {
  const d = Buffer.alloc(26);
  d.writeUInt32LE(c.otId >>> 0, 0);
  d.writeUInt32LE(c.toId >>> 0, 4);
  d.writeUInt16LE(c.serial, 8);
  d.writeUInt16LE(c.vendor, 10);
  d.writeUInt32LE(c.origSerial >>> 0, 12);
  d.writeUInt32LE(2_000_000, 16);
  d.writeUInt32LE(2_000_000, 20);
  return cipResponse(large ? Service.LARGE_FORWARD_OPEN : Service.FORWARD_OPEN, 0, d);
}

export function forwardClose(c: ConnectionParams, path: Buffer): Buffer {
  const d = Buffer.alloc(12);
  d[0] = 0x0a;
  d[1] = 0x0e;
  d.writeUInt16LE(c.serial, 2);
  d.writeUInt16LE(c.vendor, 4);
  d.writeUInt32LE(c.origSerial >>> 0, 6);
  d[10] = path.length >> 1;
  return cipRequest(
    Service.FORWARD_CLOSE,
    logical({ cls: Class.CONNECTION_MANAGER, inst: 1 }),
    Buffer.concat([d, path]),
  );
}

/** Logix Read Tag request data: the element count. */
export function readTag(tag: string, elements = 1): Buffer {
  return cipRequest(Service.READ_TAG, symbolic(tag), u16(elements));
}

/** Logix Write Tag request data: data type, element count, values. */
export function writeTag(tag: string, type: number, values: Buffer, elements = 1): Buffer {
  return cipRequest(Service.WRITE_TAG, symbolic(tag), Buffer.concat([u16(type), u16(elements), values]));
}

/** Implicit I/O datagram (Vol 2 §3-3): sequenced address item, connected data with a 16-bit sequence. */
export function ioDatagram(connectionId: number, sequence: number, data: Buffer): Buffer {
  const addr = Buffer.alloc(8);
  addr.writeUInt32LE(connectionId >>> 0, 0);
  addr.writeUInt32LE(sequence >>> 0, 4);
  return cpf([
    [Item.SEQUENCED_ADDRESS, addr],
    [Item.CONNECTED_DATA, Buffer.concat([u16(sequence & 0xffff), data])],
  ]);
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff, 0);
  return b;
}
