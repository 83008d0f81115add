/** MELSEC parser unit tests (SLMP 3E/4E binary frames, SH-080956ENG §4-§5; MELSOFT frames); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { cpuModel, deviceRange, melsoft, slmpRequest, slmpResponse } from './build.js';
import { kindByRange } from './consts.js';
import { deviceTarget, measureMelsec, parseCpuModel, parseMelsec } from './parse.js';

const { parse, ok } = wholeBuffer(parseMelsec);

describe('melsec parse (SLMP §4, MELSOFT)', () => {
  it('reads a 3E batch read request from the spec example layout', () => {
    // 5000 | net 00 | PC ff | I/O 03ff | station 00 | length 000c | timer 0010 | 0401 | 0000 | D100 x10
    const b = Buffer.from('500000ffff03000c00100001040000640000a80a00', 'hex');
    const m = ok(b);
    expect(m).toMatchObject({
      framing: 'slmp3e',
      response: false,
      command: 0x0401,
      subcommand: 0,
      serial: -1,
    });
    expect(deviceTarget(b, m.dataOff, m.dataLen, m.subcommand)).toBe('D100 (10)');
    expect(b).toEqual(slmpRequest(0x0401, 0, deviceRange(0xa8, 100, 10)));
  });

  it('reads 4E serials, end codes and hex-addressed devices', () => {
    const req = ok(slmpRequest(0x1401, 0, deviceRange(0x9d, 0x20, 1), 0x1234));
    expect(req).toMatchObject({ framing: 'slmp4e', command: 0x1401, serial: 0x1234 });
    const b = slmpRequest(0x1401, 0, deviceRange(0x9d, 0x20, 1));
    const m = ok(b);
    expect(deviceTarget(b, m.dataOff, m.dataLen, 0)).toBe('Y20 (1)');
    const wide = Buffer.from([100, 0, 0, 0, 0xa8, 0, 2, 0]);
    expect(deviceTarget(wide, 0, 8, 2)).toBe('D100 (2)');
    expect(ok(slmpResponse(0xc059, Buffer.alloc(0), 7))).toMatchObject({
      response: true,
      status: 0xc059,
      serial: 7,
    });
  });

  it('reads the CPU model of a read type name response', () => {
    const b = slmpResponse(0, cpuModel('Q03UDVCPU', 0x0366));
    const m = ok(b);
    expect(parseCpuModel(b, m.dataOff, m.dataLen)).toEqual({ model: 'Q03UDVCPU', code: 0x0366 });
    expect(parseCpuModel(Buffer.from('\x01abc'.padEnd(16)), 0, 16)).toBeUndefined();
  });

  it('reads MELSOFT requests and responses (command echoed, status)', () => {
    const req = ok(melsoft({ seq: 3, command: 0x0121, data: Buffer.from([0, 1]) }));
    expect(req).toMatchObject({ framing: 'melsoft', response: false, command: 0x0121, serial: 3 });
    const b = melsoft({ response: true, seq: 3, command: 0x0121, data: cpuModel('FX5U-32MT/ES', 0x4a29) });
    const rsp = ok(b);
    expect(rsp).toMatchObject({ response: true, command: 0x0121, status: 0 });
    expect(parseCpuModel(b, rsp.dataOff, rsp.dataLen)).toEqual({ model: 'FX5U-32MT/ES', code: 0x4a29 });
    expect(ok(Buffer.from('5a000001', 'hex'))).toMatchObject({ framing: 'discovery', command: 0x5a00 });
  });

  it('measures frames and rejects others', () => {
    const b = slmpRequest(0x1002, 0, Buffer.from([1, 0]));
    expect(measureMelsec(b, 0, 5)).toBe(0);
    expect(measureMelsec(b, 0, b.length)).toBe(b.length);
    expect(measureMelsec(Buffer.from('GET /'), 0, 5)).toBe(-1);
    expect(parse(Buffer.from('GET / HTTP/1.1'))).toMatchObject({ ok: false, code: 'bad_header' });
    expect(parse(b.subarray(0, b.length - 1))).toMatchObject({ ok: false, code: 'bad_length' });
    expect(parse(Buffer.from([0x50]))).toMatchObject({ ok: false, code: 'too_short' });
  });

  it('classifies commands outside the tables by group', () => {
    expect([0x0402, 0x1410, 0x1007, 0x1827, 0x0b2a].map(kindByRange)).toEqual([
      'read',
      'write',
      'control',
      'program',
      'other',
    ]);
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      slmpRequest(0x0401, 0, deviceRange(0xa8, 1, 1), 9),
      slmpResponse(0, cpuModel('R04CPU', 0x4800)),
      melsoft({ response: true, seq: 1, command: 0x0121, data: cpuModel('FX5U', 1) }),
    ];
    const all = (b: Buffer, o: number, l: number) => {
      const r = parseMelsec(b, o, l);
      if (r.ok) {
        deviceTarget(b, r.msg.dataOff, r.msg.dataLen, r.msg.subcommand);
        parseCpuModel(b, r.msg.dataOff, r.msg.dataLen);
      }
      return r;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, measureMelsec], seed: 5007 });
  });
});
