/**
 * Omron FINS frame builders (W227 §3-1 header, §5 commands; W421 §7-4 FINS/TCP) for the
 * project's own traces: golden tests and the plant simulator. Not on the capture path.
 */
import { FINS_TCP_MAGIC, TcpCmd } from './consts.js';

export type Node = [net: number, node: number, unit: number];

/** A FINS command (ICF 0x80) or response (ICF 0xc0, end code first in `data`). */
export function fins(o: {
  response?: boolean;
  dest: Node;
  src: Node;
  sid: number;
  command: number;
  data?: Buffer;
  endCode?: number;
  noResponse?: boolean;
}): Buffer {
  const h = Buffer.from([
    0x80 | (o.response ? 0x40 : 0) | (o.noResponse ? 1 : 0),
    0,
    2,
    ...o.dest,
    ...o.src,
    o.sid & 0xff,
    o.command >>> 8,
    o.command & 0xff,
  ]);
  const end = o.response ? Buffer.from([(o.endCode ?? 0) >>> 8, (o.endCode ?? 0) & 0xff]) : Buffer.alloc(0);
  return Buffer.concat([h, end, o.data ?? Buffer.alloc(0)]);
}

/** Memory area read/write data: area code, word, bit, count (then values for writes). */
export function areaAddress(
  area: number,
  word: number,
  bit: number,
  count: number,
  values: Buffer = Buffer.alloc(0),
): Buffer {
  return Buffer.concat([
    Buffer.from([area, word >>> 8, word & 0xff, bit, count >>> 8, count & 0xff]),
    values,
  ]);
}

/** Controller data read response data: 20-byte model, 20-byte version, 40 bytes system use. */
export function controllerData(model: string, version: string): Buffer {
  const b = Buffer.alloc(80);
  b.write(model, 0, 'latin1');
  b.write(version, 20, 'latin1');
  return b;
}

/** FINS/TCP envelope. */
export function finsTcp(command: number, payload: Buffer, errorCode = 0): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(FINS_TCP_MAGIC, 0);
  h.writeUInt32BE(8 + payload.length, 4);
  h.writeUInt32BE(command, 8);
  h.writeUInt32BE(errorCode, 12);
  return Buffer.concat([h, payload]);
}

/** Node address data send from the client (0 = ask the server to assign one) and the reply. */
export function nodeAddressRequest(client = 0): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(client, 0);
  return finsTcp(TcpCmd.NODE_ADDRESS_CLIENT, b);
}

export function nodeAddressReply(client: number, server: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(client, 0);
  b.writeUInt32BE(server, 4);
  return finsTcp(TcpCmd.NODE_ADDRESS_SERVER, b);
}
