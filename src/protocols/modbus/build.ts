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

/** FC 5: write single coil (on = 0xff00); the response echoes the request. */
export function writeSingleCoil(address: number, on: boolean): Buffer {
  return Buffer.concat([Buffer.from([5]), u16s(address, on ? 0xff00 : 0)]);
}

/** FC 15: write multiple coils. */
export function writeMultipleCoils(address: number, bits: boolean[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((on, i) => {
    if (on) bytes[i >> 3]! |= 1 << (i & 7);
  });
  return Buffer.concat([Buffer.from([15]), u16s(address, bits.length), Buffer.from([bytes.length]), bytes]);
}

/** FC 15/16 response: start address and quantity written. */
export function writeMultipleAck(fc: 15 | 16, address: number, quantity: number): Buffer {
  return Buffer.concat([Buffer.from([fc]), u16s(address, quantity)]);
}

/** FC 8 diagnostics (§6.8): sub-function and data words; the normal response echoes it. */
export function diagnostics(sub: number, ...data: number[]): Buffer {
  return Buffer.concat([Buffer.from([8]), u16s(sub, ...data)]);
}

/** A PDU of just the function code (7, 11, 12, 17 requests). */
export function bare(fc: number): Buffer {
  return Buffer.from([fc]);
}

/** FC 7 response: the exception status byte. */
export function exceptionStatusResponse(status: number): Buffer {
  return Buffer.from([7, status & 0xff]);
}

/** FC 11 response: status word and event count. */
export function commEventCounterResponse(status: number, count: number): Buffer {
  return Buffer.concat([Buffer.from([11]), u16s(status, count)]);
}

/** FC 17 response: server id bytes, run indicator (0xff on) and additional data (§6.13). */
export function reportServerIdResponse(serverId: Buffer, running: boolean, extra: string): Buffer {
  const data = Buffer.concat([serverId, Buffer.from([running ? 0xff : 0]), Buffer.from(extra, 'latin1')]);
  return Buffer.concat([Buffer.from([17, data.length]), data]);
}

/** FC 20 request: one sub-request per [file, record, length] (reference type 6). */
export function readFileRecord(refs: [file: number, record: number, length: number][]): Buffer {
  const parts = refs.map(([f, r, l]) => Buffer.concat([Buffer.from([6]), u16s(f, r, l)]));
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([20, body.length]), body]);
}

/** FC 21 request (the normal response echoes it): [file, record, register values]. */
export function writeFileRecord(refs: [file: number, record: number, values: number[]][]): Buffer {
  const parts = refs.map(([f, r, v]) => Buffer.concat([Buffer.from([6]), u16s(f, r, v.length, ...v)]));
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([21, body.length]), body]);
}

/** FC 20 response: one sub-response (length, reference type 6, registers) per record. */
export function readFileRecordResponse(records: number[][]): Buffer {
  const parts = records.map((v) => Buffer.concat([Buffer.from([1 + v.length * 2, 6]), u16s(...v)]));
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([20, body.length]), body]);
}

/** FC 22 mask write register (the response echoes it). */
export function maskWriteRegister(address: number, and: number, or: number): Buffer {
  return Buffer.concat([Buffer.from([22]), u16s(address, and, or)]);
}

/** FC 23 read/write multiple registers request. */
export function readWriteMultiple(
  readAddress: number,
  readQuantity: number,
  writeAddress: number,
  values: number[],
): Buffer {
  return Buffer.concat([
    Buffer.from([23]),
    u16s(readAddress, readQuantity, writeAddress, values.length),
    Buffer.from([values.length * 2]),
    u16s(...values),
  ]);
}

/** FC 23 response: the registers read. */
export function readWriteMultipleResponse(values: number[]): Buffer {
  return Buffer.concat([Buffer.from([23, values.length * 2]), u16s(...values)]);
}

/** FC 24 read FIFO queue request and response. */
export function readFifo(address: number): Buffer {
  return Buffer.concat([Buffer.from([24]), u16s(address)]);
}

export function readFifoResponse(values: number[]): Buffer {
  return Buffer.concat([Buffer.from([24]), u16s(2 + values.length * 2, values.length, ...values)]);
}

/** FC 90 (Schneider UMAS) request: session key, sub-function, data. */
export function umas(session: number, code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([90, session, code]), data]);
}

/** FC 90 response: session key, 0xfe (ok) or 0xfd (error), data. */
export function umasResponse(session: number, ok: boolean, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([90, session, ok ? 0xfe : 0xfd]), data]);
}

/** UMAS READ_ID response data in the Quantum layout: 22 bytes of ids, then the model name. */
export function umasReadIdData(model: string): Buffer {
  const name = Buffer.from(model, 'latin1');
  return Buffer.concat([Buffer.alloc(22), Buffer.from([name.length]), name, Buffer.alloc(4)]);
}
