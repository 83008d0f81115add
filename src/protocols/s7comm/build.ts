/**
 * S7comm PDU builders for the project's own traces (golden tests, the plant simulator), in
 * the layout parse.ts reads (public Wireshark S7comm dissector): header, Job / Ack_Data
 * parameters, userdata parameter and data, SZL identity records. Wrap them with
 * `cotp/build.ts` `dt()`. Not on the capture path.
 */
import { Area, Func, PROTOCOL_ID, Rosctr } from './consts.js';

/** Header + parameter + data; Ack and Ack_Data carry error class and code. */
export function s7(
  rosctr: number,
  pduRef: number,
  param: Buffer,
  data: Buffer = Buffer.alloc(0),
  error = 0,
): Buffer {
  const ack = rosctr === Rosctr.ACK || rosctr === Rosctr.ACK_DATA;
  const h = Buffer.alloc(ack ? 12 : 10);
  h[0] = PROTOCOL_ID;
  h[1] = rosctr;
  h.writeUInt16BE(pduRef, 4);
  h.writeUInt16BE(param.length, 6);
  h.writeUInt16BE(data.length, 8);
  if (ack) h.writeUInt16BE(error, 10);
  return Buffer.concat([h, param, data]);
}

export function setupJob(pduRef: number, pduLength = 480): Buffer {
  return s7(Rosctr.JOB, pduRef, setupParam(pduLength));
}

export function setupAck(pduRef: number, pduLength = 240): Buffer {
  return s7(Rosctr.ACK_DATA, pduRef, setupParam(pduLength));
}

function setupParam(pduLength: number): Buffer {
  const p = Buffer.from([Func.SETUP_COMMUNICATION, 0, 0, 1, 0, 1, 0, 0]);
  p.writeUInt16BE(pduLength, 6);
  return p;
}

/** An S7ANY item: area, DB number, byte.bit address, transport size, count. */
export interface AnyItem {
  area: number;
  db?: number;
  byte: number;
  bit?: number;
  size: number;
  count: number;
}

function itemSpec(it: AnyItem): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x12;
  b[1] = 10;
  b[2] = 0x10;
  b[3] = it.size;
  b.writeUInt16BE(it.count, 4);
  b.writeUInt16BE(it.db ?? 0, 6);
  b[8] = it.area;
  const addr = it.area === Area.TIMER || it.area === Area.COUNTER ? it.byte : it.byte * 8 + (it.bit ?? 0);
  b.writeUIntBE(addr, 9, 3);
  return b;
}

export function readVarJob(pduRef: number, items: AnyItem[]): Buffer {
  return s7(
    Rosctr.JOB,
    pduRef,
    Buffer.concat([Buffer.from([Func.READ_VAR, items.length]), ...items.map(itemSpec)]),
  );
}

/** Read Var Ack_Data: per item a value (return code 0xff, byte/word transport 4, length in bits) or a failing return code. */
export function readVarAck(pduRef: number, results: (Buffer | number)[]): Buffer {
  const parts: Buffer[] = [];
  results.forEach((r, i) => {
    if (typeof r === 'number') {
      parts.push(Buffer.from([r, 0, 0, 0]));
      return;
    }
    const h = Buffer.from([0xff, 4, 0, 0]);
    h.writeUInt16BE(r.length * 8, 2);
    parts.push(h, r);
    if (r.length % 2 === 1 && i < results.length - 1) parts.push(Buffer.alloc(1));
  });
  return s7(Rosctr.ACK_DATA, pduRef, Buffer.from([Func.READ_VAR, results.length]), Buffer.concat(parts));
}

export function writeVarJob(pduRef: number, items: AnyItem[], values: Buffer[]): Buffer {
  const data = values.map((v, i) => {
    const h = Buffer.from([0, 4, 0, 0]);
    h.writeUInt16BE(v.length * 8, 2);
    return Buffer.concat([
      h,
      v,
      v.length % 2 === 1 && i < values.length - 1 ? Buffer.alloc(1) : Buffer.alloc(0),
    ]);
  });
  const param = Buffer.concat([Buffer.from([Func.WRITE_VAR, items.length]), ...items.map(itemSpec)]);
  return s7(Rosctr.JOB, pduRef, param, Buffer.concat(data));
}

export function writeVarAck(pduRef: number, codes: number[]): Buffer {
  return s7(Rosctr.ACK_DATA, pduRef, Buffer.from([Func.WRITE_VAR, codes.length]), Buffer.from(codes));
}

/** Up/download jobs naming a file: `_0A00001P` is DB1, passive. */
export function blockJob(func: number, pduRef: number, file: string): Buffer {
  const p = Buffer.alloc(9);
  p[0] = func;
  p[8] = file.length;
  return s7(Rosctr.JOB, pduRef, Buffer.concat([p, Buffer.from(file, 'latin1')]));
}

/**
 * Request download job as STEP 7 sends it: the file name, then the length part — "1", the
 * block's load-memory length and its MC7 code length as six decimal digits each
 * (`1a 00 01 00 00 00 00 00 09 _0A00001P 0d 1000500000400`).
 */
export function requestDownloadJob(
  pduRef: number,
  file: string,
  loadLength: number,
  mc7Length: number,
): Buffer {
  const head = Buffer.from([Func.REQUEST_DOWNLOAD, 0, 0x01, 0, 0, 0, 0, 0, file.length]);
  const lengths = `1${digits6(loadLength)}${digits6(mc7Length)}`;
  return s7(
    Rosctr.JOB,
    pduRef,
    Buffer.concat([
      head,
      Buffer.from(file, 'latin1'),
      Buffer.from([lengths.length]),
      Buffer.from(lengths, 'latin1'),
    ]),
  );
}

/**
 * The programming device's Ack_Data to the PLC's Download block job: one piece of the block
 * (data: piece length, 0x00fb, bytes); `more` sets function status bit 0, more pieces follow.
 */
export function downloadBlockAck(pduRef: number, piece: Buffer, more: boolean): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(piece.length, 0);
  head.writeUInt16BE(0x00fb, 2);
  return s7(
    Rosctr.ACK_DATA,
    pduRef,
    Buffer.from([Func.DOWNLOAD_BLOCK, more ? 1 : 0]),
    Buffer.concat([head, piece]),
  );
}

function digits6(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999)
    throw new Error(`block length ${n} does not fit six digits`);
  return String(n).padStart(6, '0');
}

/** Ack_Data carrying just the function (download/upload acknowledgements, PI service, stop). */
export function ackData(pduRef: number, func: number, error = 0): Buffer {
  return s7(Rosctr.ACK_DATA, pduRef, Buffer.from([func]), Buffer.alloc(0), error);
}

/** Ack without parameters (a job refused: error class and code). */
export function ack(pduRef: number, error: number): Buffer {
  return s7(Rosctr.ACK, pduRef, Buffer.alloc(0), Buffer.alloc(0), error);
}

export function piServiceJob(pduRef: number, service: string, args: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.from([Func.PI_SERVICE, 0, 0, 0, 0, 0, 0, 0xfd, 0, 0]);
  head.writeUInt16BE(args.length, 8);
  return s7(
    Rosctr.JOB,
    pduRef,
    Buffer.concat([head, args, Buffer.from([service.length]), Buffer.from(service, 'latin1')]),
  );
}

export function plcStopJob(pduRef: number): Buffer {
  const name = Buffer.from('P_PROGRAM', 'latin1');
  return s7(
    Rosctr.JOB,
    pduRef,
    Buffer.concat([Buffer.from([Func.PLC_STOP, 0, 0, 0, 0, 0, name.length]), name]),
  );
}

/** A userdata request: method 0x11, type 4, group, subfunction, sequence; data with return code 0xff, octet string. */
export function userdataRequest(
  pduRef: number,
  group: number,
  subfunc: number,
  data: Buffer,
  seq = 0,
): Buffer {
  const param = Buffer.from([0x00, 0x01, 0x12, 0x04, 0x11, 0x40 | group, subfunc, seq]);
  return s7(Rosctr.USERDATA, pduRef, param, udData(0xff, data));
}

export interface UdResponseOptions {
  dataUnitRef?: number;
  last?: boolean;
  error?: number;
  returnCode?: number;
}

/** A userdata response: method 0x12, type 8, with data unit reference, last-unit flag and error code. */
export function userdataResponse(
  pduRef: number,
  group: number,
  subfunc: number,
  data: Buffer,
  o: UdResponseOptions = {},
): Buffer {
  const param = Buffer.from([
    0x00,
    0x01,
    0x12,
    0x08,
    0x12,
    0x80 | group,
    subfunc,
    1,
    o.dataUnitRef ?? 0,
    o.last === false ? 1 : 0,
    0,
    0,
  ]);
  param.writeUInt16BE(o.error ?? 0, 10);
  return s7(Rosctr.USERDATA, pduRef, param, udData(o.returnCode ?? (data.length > 0 ? 0xff : 0x0a), data));
}

/** "Next data unit, please": a request with the extended parameter and method 0x12. */
export function userdataContinue(
  pduRef: number,
  group: number,
  subfunc: number,
  dataUnitRef: number,
): Buffer {
  const param = Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x40 | group, subfunc, 1, dataUnitRef, 0, 0, 0]);
  return s7(Rosctr.USERDATA, pduRef, param, Buffer.from([0x0a, 0, 0, 0]));
}

function udData(returnCode: number, data: Buffer): Buffer {
  const h = Buffer.from([returnCode, data.length > 0 ? 0x09 : 0, 0, 0]);
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}

export function szlRequestData(id: number, index: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(index, 2);
  return b;
}

/** SZL data: id, index, record length, count, records. */
export function szlData(id: number, index: number, recLen: number, records: Buffer[]): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(index, 2);
  h.writeUInt16BE(recLen, 4);
  h.writeUInt16BE(records.length, 6);
  return Buffer.concat([h, ...records]);
}

/** SZL xy11 record: index, order number (20 chars), module type id, Ausbg, Ausbe. */
export function moduleRecord(index: number, mlfb: string, ausbg: number, ausbe: number): Buffer {
  const b = Buffer.alloc(28, 0x20);
  b.writeUInt16BE(index, 0);
  b.write(mlfb.slice(0, 20), 2, 'latin1');
  b.writeUInt16BE(0x00c0, 22);
  b.writeUInt16BE(ausbg, 24);
  b.writeUInt16BE(ausbe, 26);
  return b;
}

/** SZL xy1C record: index and 32 bytes of text, NUL-padded. */
export function componentRecord(index: number, text: string): Buffer {
  const b = Buffer.alloc(34);
  b.writeUInt16BE(index, 0);
  b.write(text.slice(0, 32), 2, 'latin1');
  return b;
}
