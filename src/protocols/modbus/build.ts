/**
 * Modbus/TCP message builder for the project's own traces (golden tests, the sample plant):
 * MBAP header (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3) around PDUs of
 * the Modbus Application Protocol Specification v1.1b3 §6. Not on the capture path.
 */

/** MBAP header + PDU: transaction id, protocol 0, length = unit id + PDU. */
export function mbap(transaction: number, unit: number, pdu: Buffer): Buffer {
  const h = Buffer.alloc(7);
  h.writeUInt16BE(transaction & 0xffff, 0);
  h.writeUInt16BE(0, 2);
  h.writeUInt16BE(pdu.length + 1, 4);
  h[6] = unit;
  return Buffer.concat([h, pdu]);
}

function u16s(...v: number[]): Buffer {
  const b = Buffer.alloc(v.length * 2);
  v.forEach((x, i) => {
    b.writeUInt16BE(x & 0xffff, i * 2);
  });
  return b;
}

/** FC 1/2/3/4 request: start address and quantity. */
export function readRequest(fc: 1 | 2 | 3 | 4, address: number, quantity: number): Buffer {
  return Buffer.concat([Buffer.from([fc]), u16s(address, quantity)]);
}

/** FC 3/4 response with register values. */
export function readRegistersResponse(fc: 3 | 4, values: number[]): Buffer {
  return Buffer.concat([Buffer.from([fc, values.length * 2]), u16s(...values)]);
}

/** FC 1/2 response with bit values. */
export function readBitsResponse(fc: 1 | 2, bits: boolean[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((on, i) => {
    if (on) bytes[i >> 3]! |= 1 << (i & 7);
  });
  return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
}

/** FC 6: write single register (the response echoes the request). */
export function writeSingleRegister(address: number, value: number): Buffer {
  return Buffer.concat([Buffer.from([6]), u16s(address, value)]);
}

/** FC 16: write multiple registers. */
export function writeMultipleRegisters(address: number, values: number[]): Buffer {
  return Buffer.concat([
    Buffer.from([16]),
    u16s(address, values.length),
    Buffer.from([values.length * 2]),
    u16s(...values),
  ]);
}

export function writeMultipleResponse(address: number, quantity: number): Buffer {
  return Buffer.concat([Buffer.from([16]), u16s(address, quantity)]);
}

/** FC 43 / MEI 14: Read Device Identification request (§6.21). */
export function readDeviceIdRequest(code: 1 | 2 | 3 | 4 = 1, objectId = 0): Buffer {
  return Buffer.from([43, 14, code, objectId]);
}

/** FC 43 / MEI 14 response carrying the given objects (0 vendor, 1 product code, 2 revision, ...). */
export function readDeviceIdResponse(objects: [number, string][], code: 1 | 2 | 3 | 4 = 1): Buffer {
  const parts: Buffer[] = [Buffer.from([43, 14, code, 0x01, 0x00, 0x00, objects.length])];
  for (const [id, text] of objects) {
    const v = Buffer.from(text, 'latin1');
    parts.push(Buffer.from([id, v.length]), v);
  }
  return Buffer.concat(parts);
}

/** An exception response: function code with the high bit set, and the exception code. */
export function exception(fc: number, code: number): Buffer {
  return Buffer.from([fc | 0x80, code]);
}
