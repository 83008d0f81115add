/**
 * HART-IP message builder (HCF_SPEC-085 §10.2 header, HCF_SPEC-081 §5 frames with their XOR
 * check byte, HCF_SPEC-127 §6.1 command 0 response) for the project's own traces: golden tests
 * and the plant simulator. Not on the capture path.
 */
import { FrameType, MsgId, MsgType } from './consts.js';

export function hartIp(
  type: number,
  id: number,
  sequence: number,
  body: Buffer = Buffer.alloc(0),
  status = 0,
): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 1;
  h[1] = type;
  h[2] = id;
  h[3] = status;
  h.writeUInt16BE(sequence & 0xffff, 4);
  h.writeUInt16BE(8 + body.length, 6);
  return Buffer.concat([h, body]);
}

/** Session initiate request (primary host, inactivity timer in ms) or its response. */
export function sessionInitiate(sequence: number, response = false, timerMs = 30_000): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 1;
  b.writeUInt32BE(timerMs, 1);
  return hartIp(response ? MsgType.RESPONSE : MsgType.REQUEST, MsgId.SESSION_INITIATE, sequence, b);
}

export type Address = { long: string } | { short: number };

/**
 * A token-passing frame: STX (request) or ACK (response, with response code and device status
 * prepended to `data`). A long address is 10 hex digits (its first byte's top bits: primary master).
 */
export function frame(
  addr: Address,
  command: number,
  data: Buffer,
  ack?: { code: number; status?: number },
): Buffer {
  const long = 'long' in addr;
  const delim = (long ? 0x80 : 0) | (ack ? FrameType.ACK : FrameType.STX);
  const a = long ? Buffer.from(addr.long, 'hex') : Buffer.from([0x80 | (addr.short & 0x3f)]);
  if (long) a[0] = a[0]! | 0x80;
  const body = ack ? Buffer.concat([Buffer.from([ack.code, ack.status ?? 0]), data]) : data;
  const f = Buffer.concat([
    Buffer.from([delim]),
    a,
    Buffer.from([command, body.length]),
    body,
    Buffer.alloc(1),
  ]);
  let x = 0;
  for (let i = 0; i < f.length - 1; i++) x ^= f[i]!;
  f[f.length - 1] = x;
  return f;
}

export function pduRequest(sequence: number, addr: Address, command: number, data = Buffer.alloc(0)): Buffer {
  return hartIp(MsgType.REQUEST, MsgId.TOKEN_PASSING_PDU, sequence, frame(addr, command, data));
}

export function pduResponse(
  sequence: number,
  addr: Address,
  command: number,
  data: Buffer,
  code = 0,
): Buffer {
  return hartIp(
    MsgType.RESPONSE,
    MsgId.TOKEN_PASSING_PDU,
    sequence,
    frame(addr, command, data, { code, status: 0 }),
  );
}

/** Command 0 response data, HART 7 layout (22 bytes). */
export function uniqueIdData(o: {
  deviceType: number;
  manufacturer: number;
  deviceId: string;
  softwareRevision?: number;
}): Buffer {
  const b = Buffer.alloc(22);
  b[0] = 254;
  b.writeUInt16BE(o.deviceType, 1);
  b[3] = 5;
  b[4] = 7;
  b[5] = 4;
  b[6] = o.softwareRevision ?? 1;
  b[7] = 0x0e;
  b[8] = 0x0c;
  Buffer.from(o.deviceId, 'hex').copy(b, 9);
  b[12] = 5;
  b[13] = 2;
  b.writeUInt16BE(o.manufacturer, 17);
  b.writeUInt16BE(o.manufacturer, 19);
  b[21] = 132;
  return b;
}

/** Command 20 response data: 32-byte Latin-1 long tag. */
export function longTagData(tag: string): Buffer {
  const b = Buffer.alloc(32);
  b.write(tag, 'latin1');
  return b;
}
