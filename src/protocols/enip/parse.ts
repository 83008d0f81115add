/**
 * EtherNet/IP encapsulation parser: the 24-byte header, the Common Packet Format, the send-data
 * prefix and the identity a ListIdentity reply item or an Identity object Get_Attributes_All reply
 * carries. Pure: bytes in, a typed message or an error value out; never throws.
 *
 * Spec: CIP Networks Library Vol 2, §2-3 (header: command, length, session handle, status, sender
 * context, options; all little-endian), §2-4.2/2-4.3 (ListIdentity reply, CIP Identity item
 * 0x0C, whose socket address is big-endian), §2-4.7/2-4.8 (SendRRData/SendUnitData: interface
 * handle, timeout, CPF), §2-6 (CPF: item count, then type/length/data items); Vol 1 §5A-2.2
 * (Identity object instance attributes 1-7, 8 for the state).
 * Not parsed: ListServices and ListInterfaces reply contents, CIP Security items, the
 * encapsulation of legacy commands 0x0001-0x0003.
 */
import { Command, HEADER_LEN, Item, knownCommand, knownEncapStatus, MAX_BODY } from './consts.js';

export type Parsed<T> = { ok: true; msg: T } | { ok: false; code: string; detail: string };

function fail(code: string, detail: string): { ok: false; code: string; detail: string } {
  return { ok: false, code, detail };
}

export interface EncapHeader {
  command: number;
  /** Body length as the header states it. */
  length: number;
  session: number;
  status: number;
  /** Sender context, 8 bytes, as two 32-bit halves (echoed by the target: a request key). */
  context0: number;
  context1: number;
  options: number;
  bodyOff: number;
}

/** The header and its body, which must fit in `len` bytes. */
export function parseEncap(buf: Buffer, off: number, len: number): Parsed<EncapHeader> {
  if (len < HEADER_LEN)
    return fail('truncated', `encapsulation header needs ${HEADER_LEN} bytes, got ${len}`);
  const command = buf.readUInt16LE(off);
  const length = buf.readUInt16LE(off + 2);
  if (HEADER_LEN + length > len) {
    return fail(
      'truncated',
      `command 0x${hex(command, 4)} states ${length} body bytes, ${len - HEADER_LEN} present`,
    );
  }
  return {
    ok: true,
    msg: {
      command,
      length,
      session: buf.readUInt32LE(off + 4),
      status: buf.readUInt32LE(off + 8),
      context0: buf.readUInt32LE(off + 12),
      context1: buf.readUInt32LE(off + 16),
      options: buf.readUInt32LE(off + 20),
      bodyOff: off + HEADER_LEN,
    },
  };
}

/**
 * StreamFramer measure: the message length from its first 4 bytes, 0 when fewer are there, -1
 * when the bytes cannot start an encapsulation message (unknown command).
 */
export function measureEncap(buf: Buffer, off: number, avail: number): number {
  if (avail < 4) return 0;
  if (!knownCommand(buf.readUInt16LE(off))) return -1;
  return HEADER_LEN + buf.readUInt16LE(off + 2);
}

/**
 * Whether `buf[off, off+len)` plausibly starts with an encapsulation header: strict enough for a
 * content probe on an unknown port and for finding a message boundary after lost bytes. 'more'
 * while fewer than a header's bytes are there and those agree.
 */
export function plausibleHeader(buf: Buffer, off: number, len: number): 'yes' | 'no' | 'more' {
  if (len < 2) return len === 0 ? 'more' : buf[off] === 0 ? 'no' : 'more';
  const command = buf.readUInt16LE(off);
  // NOP is all zeroes but for its length: too weak to recognise a protocol by.
  if (command === Command.NOP || !knownCommand(command)) return 'no';
  if (len < HEADER_LEN) return 'more';
  const length = buf.readUInt16LE(off + 2);
  const session = buf.readUInt32LE(off + 4);
  if (!knownEncapStatus(buf.readUInt32LE(off + 8)) || buf.readUInt32LE(off + 20) !== 0) return 'no';
  switch (command) {
    case Command.REGISTER_SESSION:
      // Protocol version 1, option flags 0 (§2-4.4).
      if (length !== 4) return 'no';
      if (len >= HEADER_LEN + 4 && (buf.readUInt16LE(off + 24) !== 1 || buf.readUInt16LE(off + 26) !== 0))
        return 'no';
      return 'yes';
    case Command.UNREGISTER_SESSION:
      return length === 0 && session !== 0 ? 'yes' : 'no';
    case Command.SEND_RR_DATA:
    case Command.SEND_UNIT_DATA:
      // Interface handle 0 (CIP), timeout, then a CPF of at least two items.
      if (session === 0 || length < 16) return 'no';
      if (len >= HEADER_LEN + 4 && buf.readUInt32LE(off + 24) !== 0) return 'no';
      if (len >= HEADER_LEN + 8) {
        const items = buf.readUInt16LE(off + 30);
        if (items < 2 || items > 8) return 'no';
      }
      return 'yes';
    default:
      // ListServices / ListIdentity / ListInterfaces: an empty request or a CPF reply.
      if (length === 0) return 'yes';
      if (len >= HEADER_LEN + 2) {
        const items = buf.readUInt16LE(off + 24);
        if (items > 16) return 'no';
      }
      return length >= 2 ? 'yes' : 'no';
  }
}

export interface CpfItem {
  type: number;
  off: number;
  len: number;
}

/** The most CPF items a message may carry before it counts as malformed. */
export const MAX_ITEMS = 16;

/** A Common Packet Format: item count, then items that must exactly fill `len` bytes. */
export function parseCpf(buf: Buffer, off: number, len: number): Parsed<CpfItem[]> {
  if (len < 2) return fail('bad_cpf', 'no item count');
  const count = buf.readUInt16LE(off);
  if (count > MAX_ITEMS) return fail('bad_cpf', `${count} items`);
  const items: CpfItem[] = [];
  let pos = off + 2;
  const end = off + len;
  for (let i = 0; i < count; i++) {
    if (end - pos < 4) return fail('bad_cpf', `item ${i + 1} of ${count} runs off the message`);
    const type = buf.readUInt16LE(pos);
    const n = buf.readUInt16LE(pos + 2);
    if (pos + 4 + n > end)
      return fail('bad_cpf', `item 0x${hex(type, 4)} states ${n} bytes, ${end - pos - 4} left`);
    items.push({ type, off: pos + 4, len: n });
    pos += 4 + n;
  }
  if (pos !== end) return fail('bad_cpf', `${end - pos} bytes after the last item`);
  return { ok: true, msg: items };
}

/** SendRRData / SendUnitData body: interface handle (0 = CIP), timeout, then the CPF. */
export function parseSendData(
  buf: Buffer,
  off: number,
  len: number,
): Parsed<{ iface: number; timeout: number; items: CpfItem[] }> {
  if (len < 6) return fail('bad_cpf', 'send-data body shorter than its 6-byte prefix');
  const r = parseCpf(buf, off + 6, len - 6);
  if (!r.ok) return r;
  return {
    ok: true,
    msg: { iface: buf.readUInt32LE(off), timeout: buf.readUInt16LE(off + 4), items: r.msg },
  };
}

/** Where the CIP data of a send-data body sits; filled by `locateSendData` (no allocation per message). */
export interface SendDataSpan {
  /** The data item (unconnected 0xB2 or connected 0xB1), or -1. */
  dataOff: number;
  dataLen: number;
  /** The connected address item (0xA1), or -1. */
  addrOff: number;
  addrLen: number;
}

/**
 * The send-data body checked as `parseSendData` does, its data item of type `dataType` and its
 * connected address item located into `into`. Returns '' when well formed, else what is wrong.
 */
export function locateSendData(
  buf: Buffer,
  off: number,
  len: number,
  dataType: number,
  into: SendDataSpan,
): string {
  into.dataOff = into.addrOff = -1;
  into.dataLen = into.addrLen = 0;
  if (len < 8) return 'send-data body shorter than its prefix and item count';
  const count = buf.readUInt16LE(off + 6);
  if (count > MAX_ITEMS) return `${count} items`;
  let pos = off + 8;
  const end = off + len;
  for (let i = 0; i < count; i++) {
    if (end - pos < 4) return `item ${i + 1} of ${count} runs off the message`;
    const type = buf.readUInt16LE(pos);
    const n = buf.readUInt16LE(pos + 2);
    if (pos + 4 + n > end) return `item 0x${hex(type, 4)} states ${n} bytes, ${end - pos - 4} left`;
    if (type === dataType && into.dataOff < 0) {
      into.dataOff = pos + 4;
      into.dataLen = n;
    } else if (type === Item.CONNECTED_ADDRESS && into.addrOff < 0) {
      into.addrOff = pos + 4;
      into.addrLen = n;
    }
    pos += 4 + n;
  }
  return pos === end ? '' : `${end - pos} bytes after the last item`;
}

export function findItem(items: readonly CpfItem[], type: number): CpfItem | undefined {
  for (const it of items) if (it.type === type) return it;
  return undefined;
}

/** Identity object attributes 1-7 (Vol 1 §5A-2.2), as a ListIdentity item or Get_Attributes_All carries them. */
export interface Identity {
  vendor: number;
  deviceType: number;
  productCode: number;
  major: number;
  minor: number;
  status: number;
  serial: number;
  productName: string;
  /** Attribute 8 when present, else -1. */
  state: number;
}

/** Attributes 1-7 in order (a state byte after them is the caller's to read). */
export function parseIdentity(buf: Buffer, off: number, len: number): Parsed<Identity> {
  if (len < 15) return fail('bad_identity', `identity attributes need 15 bytes, got ${len}`);
  const nameLen = buf[off + 14]!;
  if (15 + nameLen > len)
    return fail('bad_identity', `product name of ${nameLen} bytes, ${len - 15} present`);
  let name = buf.toString('latin1', off + 15, off + 15 + nameLen);
  const nul = name.indexOf('\0');
  if (nul >= 0) name = name.slice(0, nul);
  return {
    ok: true,
    msg: {
      vendor: buf.readUInt16LE(off),
      deviceType: buf.readUInt16LE(off + 2),
      productCode: buf.readUInt16LE(off + 4),
      major: buf[off + 6]!,
      minor: buf[off + 7]!,
      status: buf.readUInt16LE(off + 8),
      serial: buf.readUInt32LE(off + 10),
      productName: name,
      state: -1,
    },
  };
}

export interface ListIdentityItem {
  protocolVersion: number;
  /** The socket address the device states for itself (big-endian on the wire), as "ip:port". */
  socketAddress: string;
  identity: Identity;
}

/** A CIP Identity item (type 0x0C) of a ListIdentity reply (Vol 2 §2-4.3.2, Table 2-4.4). */
export function parseListIdentityItem(buf: Buffer, off: number, len: number): Parsed<ListIdentityItem> {
  if (len < 18) return fail('bad_identity', `identity item of ${len} bytes`);
  const r = parseIdentity(buf, off + 18, len - 18);
  if (!r.ok) return r;
  const used = 18 + 15 + buf[off + 18 + 14]!;
  if (used < len) r.msg.state = buf[off + used]!;
  const port = buf.readUInt16BE(off + 4);
  const a = off + 6;
  return {
    ok: true,
    msg: {
      protocolVersion: buf.readUInt16LE(off),
      socketAddress: `${buf[a]}.${buf[a + 1]}.${buf[a + 2]}.${buf[a + 3]}:${port}`,
      identity: r.msg,
    },
  };
}

/** Every CIP Identity item of a ListIdentity reply body (a CPF). */
export function parseListIdentityReply(buf: Buffer, off: number, len: number): Parsed<ListIdentityItem[]> {
  const r = parseCpf(buf, off, len);
  if (!r.ok) return r;
  const out: ListIdentityItem[] = [];
  for (const it of r.msg) {
    if (it.type !== Item.CIP_IDENTITY) continue;
    const id = parseListIdentityItem(buf, it.off, it.len);
    if (!id.ok) return id;
    out.push(id.msg);
  }
  return { ok: true, msg: out };
}

export function hex(v: number, digits: number): string {
  return v.toString(16).padStart(digits, '0');
}

/** Upper bound of a whole encapsulation message. */
export const MAX_MESSAGE = HEADER_LEN + MAX_BODY;
