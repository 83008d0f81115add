/** Omron FINS parser unit tests (W227 §3-1 header, §5 commands and end codes; W421 FINS/TCP); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { areaAddress, controllerData, fins, finsTcp, nodeAddressRequest } from './build.js';
import { areaTarget, measureFinsTcp, parseControllerData, parseFins, parseFinsTcpHeader } from './parse.js';

const { parse, ok } = wholeBuffer(parseFins);
const plc: [number, number, number] = [0, 200, 0];
const pc: [number, number, number] = [0, 99, 0];

describe('omron parse (W227 §3, §5)', () => {
  it('reads the header and command of a controller data read (0501)', () => {
    // ICF 0x80, RSV 0, GCT 2, DNA/DA1/DA2 0/0/0, SNA/SA1/SA2 0/0x63/0, SID 0xef, 0501, data 00
    const m = ok(Buffer.from('800002000000006300ef050100', 'hex'));
    expect(m).toMatchObject({
      icf: 0x80,
      response: false,
      dest: [0, 0, 0],
      src: [0, 0x63, 0],
      sid: 0xef,
      command: 0x0501,
      dataLen: 1,
    });
  });

  it('reads a response end code and the controller data', () => {
    const b = fins({
      response: true,
      dest: pc,
      src: plc,
      sid: 5,
      command: 0x0501,
      data: controllerData('CP1L-EL20DR-D', '01.00'),
    });
    const m = ok(b);
    expect(m).toMatchObject({ response: true, endCode: 0, command: 0x0501 });
    expect(parseControllerData(b, m.dataOff, m.dataLen)).toEqual({
      model: 'CP1L-EL20DR-D',
      version: '01.00',
    });
    expect(parseControllerData(b, m.dataOff, 10)).toBeUndefined();
  });

  it('names memory area addresses (§5-3-2)', () => {
    const d = areaAddress(0x82, 100, 0, 10);
    expect(areaTarget(d, 0, d.length)).toBe('D100 (10)');
    const bit = areaAddress(0x30, 12, 3, 1);
    expect(areaTarget(bit, 0, bit.length)).toBe('CIO12.03 (1)');
    const em = areaAddress(0xa2, 7, 0, 2);
    expect(areaTarget(em, 0, em.length)).toBe('E27 (2)');
    expect(areaTarget(Buffer.from([0x82]), 0, 1)).toBeUndefined();
  });

  it('reads the FINS/TCP envelope and measures it', () => {
    const b = finsTcp(2, fins({ dest: plc, src: pc, sid: 1, command: 0x0401 }));
    expect(parseFinsTcpHeader(b, 0, b.length)).toEqual({ length: 8 + 12, command: 2, errorCode: 0 });
    expect(measureFinsTcp(b, 0, 4)).toBe(0);
    expect(measureFinsTcp(b, 0, b.length)).toBe(b.length);
    expect(measureFinsTcp(Buffer.from('GET / HTTP/1.1'), 0, 14)).toBe(-1);
    expect(parseFinsTcpHeader(nodeAddressRequest(), 0, 20)).toMatchObject({ command: 0, length: 12 });
  });

  it('rejects short frames and implausible headers', () => {
    expect(parse(Buffer.alloc(5))).toMatchObject({ ok: false, code: 'too_short' });
    expect(parse(Buffer.from('8e0002000000006300ef0501', 'hex'))).toMatchObject({
      ok: false,
      code: 'bad_header',
    });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      fins({
        response: true,
        dest: pc,
        src: plc,
        sid: 5,
        command: 0x0501,
        data: controllerData('CJ2M', '2.0'),
      }),
      fins({
        dest: plc,
        src: pc,
        sid: 6,
        command: 0x0102,
        data: areaAddress(0x82, 1, 0, 1, Buffer.from([0, 1])),
      }),
    ];
    const all = (b: Buffer, o: number, l: number) => {
      const r = parseFins(b, o, l);
      if (r.ok) {
        parseControllerData(b, r.msg.dataOff, r.msg.dataLen);
        areaTarget(b, r.msg.dataOff, r.msg.dataLen);
      }
      parseFinsTcpHeader(b, o, l);
      return r;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, measureFinsTcp], seed: 9600 });
  });
});
