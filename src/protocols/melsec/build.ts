/**
 * MELSEC frame builders: SLMP binary 3E/4E (SH-080956ENG §4) and MELSOFT frames (layout per
 * consts.ts) for the project's own traces: golden tests and the plant simulator. Not on the
 * capture path.
 */

const ROUTE = [0x00, 0xff, 0xff, 0x03, 0x00]; // network 0, PC 0xff, module I/O 0x03ff, station 0

/** SLMP request: 3E, or 4E when `serial` is given. */
export function slmpRequest(
  command: number,
  subcommand: number,
  data: Buffer = Buffer.alloc(0),
  serial?: number,
): Buffer {
  const body = Buffer.alloc(6);
  body.writeUInt16LE(0x0010, 0); // monitoring timer
  body.writeUInt16LE(command, 2);
  body.writeUInt16LE(subcommand, 4);
  return frame(serial === undefined ? 0x5000 : 0x5400, serial, Buffer.concat([body, data]));
}

export function slmpResponse(endCode: number, data: Buffer = Buffer.alloc(0), serial?: number): Buffer {
  const e = Buffer.alloc(2);
  e.writeUInt16LE(endCode, 0);
  return frame(serial === undefined ? 0xd000 : 0xd400, serial, Buffer.concat([e, data]));
}

function frame(sub: number, serial: number | undefined, payload: Buffer): Buffer {
  const head = Buffer.alloc(serial === undefined ? 2 : 6);
  head.writeUInt16BE(sub, 0);
  if (serial !== undefined) head.writeUInt16LE(serial, 2);
  const len = Buffer.alloc(2);
  len.writeUInt16LE(payload.length, 0);
  return Buffer.concat([head, Buffer.from(ROUTE), len, payload]);
}

/** Batch read/write device range (Q/L: 3-byte number, 1-byte code, 2-byte points). */
export function deviceRange(code: number, head: number, points: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntLE(head, 0, 3);
  b[3] = code;
  b.writeUInt16LE(points, 4);
  return b;
}

/** Read type name response data: 16-byte model, 2-byte model code. */
export function cpuModel(model: string, code: number): Buffer {
  const b = Buffer.alloc(18, 0x20);
  b.write(model, 0, 'latin1');
  b.writeUInt16LE(code, 16);
  return b;
}

/** MELSOFT request or response with `command` and command data (after packet reference and size). */
export function melsoft(o: {
  response?: boolean;
  seq: number;
  command: number;
  data?: Buffer;
  status?: number;
}): Buffer {
  const head = Buffer.alloc(0x15);
  head.writeUInt16BE(o.response ? 0xd701 : 0x5701, 0);
  head[2] = o.seq;
  head.writeUInt16BE(0x11, 5);
  const cmdHeader = Buffer.alloc(o.response ? 0x1a : 0x18);
  cmdHeader[0] = 0x1c;
  if (o.response) cmdHeader.writeUInt16BE(o.status ?? 0, 4);
  const cmd = Buffer.alloc(6);
  cmd.writeUInt16BE(o.command, 0);
  cmd.writeUInt16LE(o.seq, 2);
  const data = o.data ?? Buffer.alloc(0);
  const rest = Buffer.concat([cmdHeader, cmd, data]);
  head.writeUInt16LE(rest.length, 0x13);
  return Buffer.concat([head, rest]);
}
