/** IEC 60870-5-104 parser unit tests (APCI §5, ASDU §7 / IEC 60870-5-101 §7.2–§7.3); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { itNeverThrows, wholeBuffer } from '../testing/parsers.js';
import * as b from './build.js';
import { Cot, UFunction } from './consts.js';
import { measureApdu, parseApdu, targetOf } from './parse.js';
import { commandKey, PendingCommands } from './pending.js';

const { parse, ok } = wholeBuffer(parseApdu);

const interrogation = b.asdu({
  type: 100,
  cause: Cot.ACTIVATION,
  ca: 3,
  objects: [{ ioa: 0, element: b.byteElement(20) }],
});

describe('iec104 parse', () => {
  it('U frames: STARTDT / STOPDT / TESTFR act and con (§5.3)', () => {
    for (const fn of Object.values(UFunction)) {
      expect(ok(b.uFrame(fn))).toMatchObject({ format: 3, uFunction: fn, type: -1 });
    }
    expect(parse(Buffer.from([0x68, 4, 0x0f, 0, 0, 0]))).toMatchObject({
      ok: false,
      code: 'invalid_u_frame',
    });
    expect(parse(Buffer.from([0x68, 4, 0x07, 0, 1, 0]))).toMatchObject({
      ok: false,
      code: 'invalid_u_frame',
    });
    expect(parse(Buffer.from([0x68, 5, 0x07, 0, 0, 0, 0]))).toMatchObject({
      ok: false,
      code: 'invalid_length',
    });
  });

  it('S frames carry N(R) (§5.2)', () => {
    expect(ok(b.sFrame(1234))).toMatchObject({ format: 1, recvSeq: 1234, sendSeq: -1 });
    expect(parse(Buffer.from([0x68, 4, 1, 1, 0, 0]))).toMatchObject({ ok: false, code: 'invalid_s_frame' });
  });

  it('I frames: sequence numbers and the data unit identifier (§5.1, §7)', () => {
    const m = ok(b.iFrame(77, 20, interrogation));
    expect(m).toMatchObject({
      format: 0,
      sendSeq: 77,
      recvSeq: 20,
      type: 100,
      count: 1,
      sequence: false,
      cot: 6,
      commonAddress: 3,
      ioa: 0,
    });
    // M_ME_NC_1, two objects with their own addresses.
    const two = b.asdu({
      type: 13,
      cause: Cot.PERIODIC,
      ca: 3,
      objects: [
        { ioa: 1300, element: b.floatElement(30) },
        { ioa: 1301, element: b.floatElement(709) },
      ],
    });
    expect(ok(b.iFrame(32767, 0, two))).toMatchObject({ type: 13, count: 2, ioa: 1300, sendSeq: 32767 });
    // M_SP_NA_1 with SQ = 1: one address, nine elements.
    const seq = b.asdu({
      type: 1,
      cause: 20,
      ca: 37133,
      sequence: true,
      objects: Array.from({ length: 9 }, (_, i) => ({ ioa: 1 + i, element: b.byteElement(i & 1) })),
    });
    expect(ok(b.iFrame(2, 1, seq))).toMatchObject({ type: 1, count: 9, sequence: true, ioa: 1 });
  });

  it('cause of transmission: test and negative bits, originator; select/execute of commands', () => {
    const neg = b.asdu({
      type: 45,
      cause: Cot.ACTIVATION_CON,
      negative: true,
      test: true,
      originator: 4,
      ca: 37133,
      objects: [{ ioa: 22222, element: b.commandElement(1, true) }],
    });
    expect(ok(b.iFrame(0, 0, neg))).toMatchObject({ cot: 0xc7, originator: 4, select: 1, ioa: 22222 });
    const setpoint = b.asdu({
      type: 50,
      cause: Cot.ACTIVATION,
      ca: 3,
      objects: [{ ioa: 5020, element: b.floatElement(12, 0) }],
    });
    expect(ok(b.iFrame(0, 0, setpoint))).toMatchObject({ select: 0 });
    const bitstring = b.asdu({ type: 51, cause: 6, ca: 3, objects: [{ ioa: 1, element: Buffer.alloc(4) }] });
    expect(ok(b.iFrame(0, 0, bitstring))).toMatchObject({ select: -1 });
    const sync = b.asdu({ type: 103, cause: 6, ca: 1, objects: [{ ioa: 0, element: b.cp56(new Date(0)) }] });
    expect(ok(b.iFrame(0, 0, sync))).toMatchObject({ type: 103 });
  });

  it('malformed ASDUs: truncated, unknown type, length against VSQ, cause 0', () => {
    expect(parse(Buffer.from([0x68, 6, 0, 0, 0, 0, 24, 24]))).toMatchObject({
      ok: false,
      code: 'truncated_asdu',
    });
    const unknown = b.asdu({ type: 42, cause: 3, ca: 1, objects: [{ ioa: 1, element: Buffer.alloc(1) }] });
    expect(parse(b.iFrame(0, 0, unknown))).toMatchObject({ ok: false, code: 'unknown_type' });
    const short = b.asdu({ type: 13, cause: 3, ca: 1, objects: [{ ioa: 1, element: Buffer.alloc(4) }] });
    expect(parse(b.iFrame(0, 0, short))).toMatchObject({ ok: false, code: 'invalid_asdu_length' });
    const noCause = b.asdu({ type: 1, cause: 0, ca: 1, objects: [{ ioa: 1, element: Buffer.alloc(1) }] });
    expect(parse(b.iFrame(0, 0, noCause))).toMatchObject({ ok: false, code: 'invalid_cause' });
    const lengthOff = b.iFrame(0, 0, interrogation);
    expect(parse(lengthOff.subarray(0, lengthOff.length - 1))).toMatchObject({
      ok: false,
      code: 'invalid_length',
    });
    // F_SG_NA_1: the segment length octet sizes the object.
    const seg = Buffer.concat([Buffer.from([1, 0, 1, 3]), Buffer.from('abc')]);
    const file = b.asdu({ type: 125, cause: Cot.FILE_TRANSFER, ca: 1, objects: [{ ioa: 7, element: seg }] });
    expect(ok(b.iFrame(0, 0, file))).toMatchObject({ type: 125, ioa: 7 });
    expect(parse(b.iFrame(0, 0, file.subarray(0, file.length - 1)))).toMatchObject({
      code: 'invalid_asdu_length',
    });
  });

  it('measure: APDU length, runs of bytes before a start octet, impossible lengths', () => {
    const i = b.iFrame(0, 0, interrogation);
    expect(measureApdu(i, 0, i.length)).toBe(i.length);
    expect(measureApdu(i, 0, 1)).toBe(0);
    const junk = Buffer.concat([Buffer.from([1, 2, 3]), i]);
    expect(measureApdu(junk, 0, junk.length)).toBe(3);
    expect(measureApdu(Buffer.from([9, 9]), 0, 2)).toBe(2);
    const badLen = Buffer.concat([Buffer.from([0x68, 2, 2]), i]);
    expect(measureApdu(badLen, 0, badLen.length)).toBe(3);
    expect(measureApdu(Buffer.alloc(600, 1), 0, 600)).toBe(255);
  });

  it('targets and the pending table', () => {
    expect(targetOf(3, 0, 1, false, -1)).toBe('ca 3');
    expect(targetOf(3, 4501, 1, false, 1)).toBe('ca 3 ioa 4501 select');
    expect(targetOf(3, 1300, 2, false, -1)).toBe('ca 3 ioa 1300 (+1 more)');
    expect(targetOf(3, 1, 9, true, -1)).toBe('ca 3 ioa 1-9');
    const t = new PendingCommands(1);
    const evicted: number[] = [];
    t.add(() => {}).key = commandKey(45, 3, 1);
    t.add((o) => evicted.push(o.key)).key = commandKey(46, 3, 1);
    expect(evicted).toEqual([commandKey(45, 3, 1)]);
    expect(commandKey(127, 65535, 0xffffff)).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(t.take(commandKey(46, 3, 1))?.key).toBe(commandKey(46, 3, 1));
    expect(t.size).toBe(0);
  });
});

describe('iec104 parse never throws', () => {
  const samples = [
    b.uFrame(UFunction.STARTDT_ACT),
    b.sFrame(5),
    b.iFrame(1, 2, interrogation),
    b.iFrame(
      3,
      4,
      b.asdu({ type: 13, cause: 3, ca: 3, objects: [{ ioa: 1300, element: b.floatElement(1.5) }] }),
    ),
    b.iFrame(
      5,
      6,
      b.asdu({ type: 125, cause: 13, ca: 1, objects: [{ ioa: 7, element: Buffer.from([1, 0, 1, 1, 9]) }] }),
    ),
  ];
  const measure = (buf: Buffer, off: number, len: number) => measureApdu(buf, off, len);

  itNeverThrows({
    samples,
    parsers: [parseApdu, measure],
    seed: 0x104,
    shape: (r) => {
      if (r.length > 2) {
        r[0] = 0x68;
        r[1] = r.length - 2;
      }
    },
  });
});
