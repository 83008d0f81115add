/** Modbus/TCP parser unit tests (MBAP §3.1.3, PDUs §6, exceptions §7, device id §6.21); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { itNeverThrows, type ParseFn, wholeBuffer } from '../testing/parsers.js';
import * as b from './build.js';
import { deviceIdFacts, parseDeviceId, serverIdText, umasModelName } from './identity.js';
import { CODE, kindOf, TargetCache, targetOf } from './ops.js';
import {
  decodeRequest,
  decodeResponse,
  measureMbap,
  newRequestFields,
  newResponseFields,
  parseAdu,
  parseRequest,
  parseResponse,
} from './parse.js';
import { PendingTable, pendingKey } from './pending.js';

const req = wholeBuffer(parseRequest);
const res = wholeBuffer(parseResponse);

/** Request PDU → anomaly code (undefined when well formed). */
function requestError(pdu: Buffer): string | undefined {
  return decodeRequest(pdu, 0, pdu.length, newRequestFields());
}
function responseError(pdu: Buffer): string | undefined {
  return decodeResponse(pdu, 0, pdu.length, newResponseFields());
}

describe('modbus parse', () => {
  it('MBAP: transaction, protocol 0, length = unit + PDU (§3.1.3); the framer measure', () => {
    const adu = b.mbap(0x1234, 17, b.readRequest(3, 0, 10));
    expect(req.ok(adu)).toEqual({
      transaction: 0x1234,
      unit: 17,
      fc: 3,
      pduOff: 7,
      pduLen: 5,
      fields: { fc: 3, sub: -1, a: 0, q: 10, a2: -1, q2: -1 },
    });
    expect(measureMbap(adu, 0, 5)).toBe(0);
    expect(measureMbap(adu, 0, 6)).toBe(12);
    const badProto = Buffer.from(adu);
    badProto[3] = 1;
    expect(measureMbap(badProto, 0, 12)).toBe(-1);
    expect(parseAdu(badProto, 0, 12)).toMatchObject({ ok: false, code: 'invalid_protocol_id' });
    const badLen = Buffer.from(adu);
    badLen.writeUInt16BE(1, 4);
    expect(measureMbap(badLen, 0, 12)).toBe(-1);
    expect(parseAdu(badLen, 0, 12)).toMatchObject({ ok: false, code: 'invalid_length' });
    expect(parseAdu(adu, 0, 7)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('requests: fields per function code (§6.1–§6.21)', () => {
    const f = (pdu: Buffer) => req.ok(b.mbap(1, 1, pdu)).fields;
    expect(f(b.readRequest(1, 100, 16))).toMatchObject({ fc: 1, a: 100, q: 16 });
    expect(f(b.writeSingleCoil(7, true))).toMatchObject({ fc: 5, a: 7, q: 1 });
    expect(f(b.writeSingleRegister(40, 1250))).toMatchObject({ fc: 6, a: 40, q: 1 });
    expect(f(b.writeMultipleCoils(0, [true, false, true]))).toMatchObject({ fc: 15, a: 0, q: 3 });
    expect(f(b.writeMultipleRegisters(40, [1, 2]))).toMatchObject({ fc: 16, a: 40, q: 2 });
    expect(f(b.diagnostics(1, 0xff00))).toMatchObject({ fc: 8, sub: 1, a: 0xff00 });
    expect(f(b.bare(17))).toMatchObject({ fc: 17, sub: -1 });
    expect(
      f(
        b.readFileRecord([
          [4, 1, 2],
          [3, 9, 2],
        ]),
      ),
    ).toMatchObject({ fc: 20, a: 4, a2: 1, q2: 2, q: 2 });
    expect(f(b.writeFileRecord([[4, 7, [1, 2, 3]]]))).toMatchObject({ fc: 21, a: 4, a2: 7, q2: 3, q: 1 });
    expect(f(b.maskWriteRegister(4, 0xf2, 0x25))).toMatchObject({ fc: 22, a: 4, q: 1 });
    expect(f(b.readWriteMultiple(3, 6, 14, [0xff, 0xff, 0xff]))).toMatchObject({
      fc: 23,
      a: 3,
      q: 6,
      a2: 14,
      q2: 3,
    });
    expect(f(b.readFifo(0x4de))).toMatchObject({ fc: 24, a: 0x4de });
    expect(f(b.readDeviceIdRequest(1, 0))).toMatchObject({ fc: 43, sub: 14, a: 1, q: 0 });
    expect(f(b.umas(0, 0x41))).toMatchObject({ fc: 90, sub: 0x41, a: 0 });
    // Unknown and user-defined codes are not malformed.
    expect(f(Buffer.from([100, 1, 2, 3]))).toMatchObject({ fc: 100 });
  });

  it('requests too short or long for their function code, bad byte counts', () => {
    expect(requestError(Buffer.from([3, 0, 0, 0]))).toBe('pdu_too_short');
    expect(requestError(Buffer.from([6, 0, 0, 0, 0, 0, 0]))).toBe('pdu_too_long');
    expect(requestError(Buffer.from([11, 0, 0, 0, 0]))).toBe('pdu_too_long');
    expect(requestError(Buffer.from([16, 0, 0, 0, 1, 2, 0]))).toBe('invalid_byte_count');
    expect(requestError(Buffer.from([22, 0, 0, 0, 0]))).toBe('pdu_too_short');
    expect(requestError(Buffer.from([20, 6, 6, 0, 1, 0, 2, 0]))).toBe('invalid_byte_count');
    expect(requestError(Buffer.from([43, 14, 1, 0, 0]))).toBe('pdu_too_long');
    expect(requestError(Buffer.from([0x83, 2]))).toBe('exception_in_request');
    expect(requestError(Buffer.alloc(0))).toBe('pdu_too_short');
    expect(requestError(b.readWriteMultiple(0, 1, 2, [5]))).toBeUndefined();
  });

  it('responses: byte counts, fixed sizes, exceptions (§7)', () => {
    expect(res.ok(b.mbap(1, 1, b.readRegistersResponse(3, [1, 2, 3]))).fields).toEqual({
      fc: 3,
      exception: 0,
      sub: -1,
    });
    expect(res.ok(b.mbap(1, 1, b.exception(3, 2))).fields).toEqual({ fc: 0x83, exception: 2, sub: -1 });
    expect(res.ok(b.mbap(1, 1, b.umasResponse(1, false))).fields).toEqual({
      fc: 90,
      exception: 0,
      sub: 0xfd,
    });
    expect(responseError(b.readBitsResponse(1, [true, false]))).toBeUndefined();
    expect(responseError(Buffer.from([3, 3, 0, 1, 2]))).toBe('invalid_byte_count');
    expect(responseError(Buffer.from([3, 4, 0, 1]))).toBe('invalid_byte_count');
    expect(responseError(Buffer.from([5, 0, 1, 0xff]))).toBe('pdu_too_short');
    expect(responseError(Buffer.from([0x81, 6, 0]))).toBe('pdu_too_long');
    expect(responseError(Buffer.from([0x81, 9]))).toBe('invalid_exception_code');
    expect(responseError(b.readFifoResponse([1, 2]))).toBeUndefined();
    expect(responseError(Buffer.from([24, 0, 6, 0, 2, 0, 1]))).toBe('invalid_byte_count');
    expect(responseError(b.readFileRecordResponse([[1, 2]]))).toBeUndefined();
    expect(responseError(b.commEventCounterResponse(0xffff, 3))).toBeUndefined();
    expect(responseError(b.exceptionStatusResponse(0x15))).toBeUndefined();
    expect(responseError(b.readDeviceIdResponse([[0, 'ACME']]).subarray(0, 9))).toBe('invalid_device_id');
  });

  it('read device identification objects → facts (§6.21)', () => {
    const pdu = b.readDeviceIdResponse([
      [0, 'Schneider Electric'],
      [1, 'BMX P34 2020'],
      [2, 'v3.10'],
      [3, 'www.se.com'],
      [4, 'Modicon M340'],
      [5, 'CPU 2020\0\0'],
      [6, 'Line 3'],
      [0x80, 'private'],
    ]);
    const d = parseDeviceId(pdu, 0, pdu.length);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.msg).toMatchObject({ readCode: 1, conformity: 1, moreFollows: false, nextObject: 0 });
    expect(deviceIdFacts(d.msg.objects)).toEqual({
      vendor: 'Schneider Electric',
      'modbus.vendor_name': 'Schneider Electric',
      model: 'BMX P34 2020',
      'modbus.product_code': 'BMX P34 2020',
      firmware: 'v3.10',
      'modbus.revision': 'v3.10',
      'modbus.vendor_url': 'www.se.com',
      'modbus.product_name': 'Modicon M340',
      'modbus.model_name': 'CPU 2020',
      'modbus.user_application_name': 'Line 3',
    });
    expect(parseDeviceId(pdu, 0, pdu.length - 1)).toMatchObject({ ok: false, code: 'truncated' });
    expect(parseDeviceId(Buffer.concat([pdu, Buffer.from([0])]), 0, pdu.length + 1)).toMatchObject({
      ok: false,
      code: 'trailing_bytes',
    });
  });

  it('report server id: the longest printable run (§6.13); UMAS READ_ID model', () => {
    const r = b.reportServerIdResponse(Buffer.from([0]), true, 'Wingpath Limited');
    expect(serverIdText(r, 0, r.length)).toBe('Wingpath Limited');
    const binary = b.reportServerIdResponse(Buffer.from([1, 2]), false, '\x01\x02');
    expect(serverIdText(binary, 0, binary.length)).toBeUndefined();
    const u = b.umasResponse(0, true, b.umasReadIdData('140 CPU 311 10'));
    expect(umasModelName(u, 0, u.length)).toBe('140 CPU 311 10');
    const err = b.umasResponse(0, false, b.umasReadIdData('140 CPU 311 10'));
    expect(umasModelName(err, 0, err.length)).toBeUndefined();
    expect(umasModelName(b.umasResponse(0, true, Buffer.alloc(30, 0xff)), 0, 33)).toBeUndefined();
  });

  it('op kinds and targets', () => {
    expect(kindOf(3, -1)).toBe('read');
    expect(kindOf(23, -1)).toBe('write');
    expect(kindOf(8, 1)).toBe('control');
    expect(kindOf(8, 4)).toBe('control');
    expect(kindOf(8, 10)).toBe('diagnostic');
    expect(kindOf(43, 14)).toBe('identify');
    expect(kindOf(43, 13)).toBe('other');
    expect(kindOf(17, -1)).toBe('identify');
    expect(kindOf(90, 0x41)).toBe('control');
    expect(kindOf(90, 0x31)).toBe('program');
    expect(kindOf(90, 0x77)).toBe('other');
    expect(kindOf(125, -1)).toBe('program');
    expect(kindOf(65, -1)).toBe('other');
    expect(CODE[90]).toBe('90');
    expect(targetOf(1, 3, -1, 0, 10, -1, -1)).toBe('unit 1 holding 0-9');
    expect(targetOf(1, 1, -1, 0, 16, -1, -1)).toBe('unit 1 coils 0-15');
    expect(targetOf(1, 5, -1, 7, 1, -1, -1)).toBe('unit 1 coil 7');
    expect(targetOf(1, 1, -1, 7, 0, -1, -1)).toBe('unit 1 coils 7 (quantity 0)');
    expect(targetOf(2, 23, -1, 3, 6, 14, 3)).toBe('unit 2 holding read 3-8 write 14-16');
    expect(targetOf(1, 20, -1, 4, 2, 1, 2)).toBe('unit 1 file 4 record 1 (2 registers) +1 more');
    expect(targetOf(10, 8, 1, 0, -1, -1, -1)).toBe('unit 10 diagnostics 1');
    expect(targetOf(1, 43, 14, 1, 0, -1, -1)).toBe('unit 1 device id code 1 object 0');
    expect(targetOf(0, 90, 0x41, 0, -1, -1, -1)).toBe('unit 0 umas stop plc');
    expect(targetOf(0, 90, 0x77, 0, -1, -1, -1)).toBe('unit 0 umas 0x77');
    expect(targetOf(3, 65, -1, -1, -1, -1, -1)).toBe('unit 3');
  });

  it('target cache: the same text as targetOf, whatever collides', () => {
    const cache = new TargetCache();
    for (let i = 0; i < 5000; i++) {
      const args = [
        i % 7,
        [1, 3, 8, 23, 90][i % 5]!,
        (i % 3) - 1,
        i % 97,
        i % 13,
        (i % 5) - 1,
        (i % 11) - 1,
      ] as const;
      expect(cache.get(...args)).toBe(targetOf(...args));
    }
  });

  it('pending table: oldest first, bounded, evicts the oldest', () => {
    const t = new PendingTable(2);
    const evicted: number[] = [];
    const add = (tid: number) => {
      t.add((o) => evicted.push(o.key)).key = pendingKey(tid, 1);
    };
    add(1);
    add(1);
    add(2);
    expect(evicted).toEqual([pendingKey(1, 1)]);
    expect(t.take(pendingKey(1, 1))?.key).toBe(pendingKey(1, 1));
    expect(t.take(pendingKey(1, 1))).toBeUndefined();
    const left: number[] = [];
    t.drain((r) => left.push(r.key));
    expect(left).toEqual([pendingKey(2, 1)]);
    expect(t.size).toBe(0);
  });
});

describe('modbus parse never throws', () => {
  const samples = [
    b.mbap(1, 1, b.readRequest(3, 0, 10)),
    b.mbap(1, 1, b.readRegistersResponse(3, [1, 2, 3])),
    b.mbap(2, 1, b.writeMultipleRegisters(4, [1, 2])),
    b.mbap(3, 1, b.readWriteMultiple(3, 6, 14, [1, 2, 3])),
    b.mbap(
      4,
      1,
      b.writeFileRecord([
        [4, 7, [1, 2, 3]],
        [4, 9, [1]],
      ]),
    ),
    b.mbap(
      5,
      1,
      b.readDeviceIdResponse([
        [0, 'ACME'],
        [1, 'X-1'],
        [2, '1.0'],
      ]),
    ),
    b.mbap(6, 1, b.reportServerIdResponse(Buffer.from([7]), true, 'ACME PLC')),
    b.mbap(7, 0, b.umasResponse(0, true, b.umasReadIdData('140 CPU 311 10'))),
    b.mbap(8, 1, b.readFifoResponse([1, 2, 3])),
    b.mbap(9, 1, b.exception(16, 2)),
  ];
  const pdu =
    (f: ParseFn): ParseFn =>
    (buf, off, len) =>
      f(buf, off + 7, Math.max(0, len - 7));
  const parsers: ParseFn[] = [
    parseRequest,
    parseResponse,
    parseAdu,
    measureMbap,
    pdu(parseDeviceId),
    pdu(serverIdText),
    pdu(umasModelName),
  ];

  itNeverThrows({
    samples,
    parsers,
    seed: 0x0b05,
    shape: (r) => {
      if (r.length > 4) r[2] = r[3] = 0;
    },
  });
});
