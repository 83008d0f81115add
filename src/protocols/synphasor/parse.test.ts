/** IEEE C37.118.2 parser unit tests (§6.2 header and CRC, §6.4 CFG-2, §6.6 commands); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { command, config2, dataFrame, synFrame } from './build.js';
import { FrameType } from './consts.js';
import { crcCcitt, measureFrame, parseFrame, parseStations } from './parse.js';

const { parse, ok } = wholeBuffer(parseFrame);

describe('synphasor parse (IEEE C37.118.2 §6)', () => {
  it('CRC-CCITT of Annex B: 0x29B1 for "123456789"', () => {
    expect(crcCcitt(Buffer.from('123456789'), 0, 9)).toBe(0x29b1);
  });

  it('reads a command frame: send CFG-2 to IDCODE 241', () => {
    const b = command(241, 5);
    expect(b.subarray(0, 4)).toEqual(Buffer.from([0xaa, 0x41, 0, 18]));
    expect(ok(b)).toEqual({
      type: FrameType.COMMAND,
      version: 1,
      size: 18,
      idcode: 241,
      soc: 0,
      fracsec: 0,
      command: 5,
    });
  });

  it('reads station names and IDCODEs of a CFG-2 with several PMUs', () => {
    const b = config2(7, [
      { name: 'Blue PMU', idcode: 241, phasors: 4 },
      { name: 'Red PMU', idcode: 242, phasors: 1 },
    ]);
    const f = ok(b);
    expect(f).toMatchObject({ type: FrameType.CFG2, idcode: 7 });
    expect(parseStations(b, 0, f.size, f.type)).toEqual([
      { name: 'Blue PMU', idcode: 241 },
      { name: 'Red PMU', idcode: 242 },
    ]);
  });

  it('reads the first station of a CFG-3 (§6.5: length-prefixed name)', () => {
    const name = Buffer.from('Substation A PMU');
    const body = Buffer.concat([
      Buffer.alloc(6),
      Buffer.from([0, 1, name.length]),
      name,
      Buffer.from([0, 9]),
      Buffer.alloc(20),
    ]);
    const b = synFrame(FrameType.CFG3, 9, body);
    expect(parseStations(b, 0, b.length, FrameType.CFG3)).toEqual([{ name: 'Substation A PMU', idcode: 9 }]);
  });

  it('rejects bad sync, short frames, CRC mismatches and configurations past their frame', () => {
    expect(parse(Buffer.from([0x55, 0x01, 0, 16]))).toMatchObject({ ok: false, code: 'bad_sync' });
    expect(parse(Buffer.from([0xaa]))).toMatchObject({ ok: false, code: 'too_short' });
    const d = dataFrame(1, 2);
    expect(parse(d.subarray(0, d.length - 1))).toMatchObject({ ok: false, code: 'bad_length' });
    d[20]! ^= 1;
    expect(parse(d)).toMatchObject({ ok: false, code: 'crc_mismatch' });
    const c = config2(1, [{ name: 'x', idcode: 1, phasors: 1 }]);
    const bad = synFrame(FrameType.CFG2, 1, Buffer.concat([c.subarray(14, 20), Buffer.from([0, 5])]));
    expect(typeof parseStations(bad, 0, bad.length, FrameType.CFG2)).toBe('string');
  });

  it('measures frames by FRAMESIZE', () => {
    const b = dataFrame(1, 4);
    expect(measureFrame(b, 0, 2)).toBe(0);
    expect(measureFrame(b, 0, b.length)).toBe(b.length);
    expect(measureFrame(Buffer.from('GET /'), 0, 5)).toBe(-1);
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [config2(3, [{ name: 'P', idcode: 3, phasors: 2 }]), command(3, 2), dataFrame(3, 2)];
    const all = (b: Buffer, o: number, l: number) => {
      const r = parseFrame(b, o, l);
      if (r.ok) parseStations(b, o, r.msg.size, r.msg.type);
      // Stations are also read from frames whose CRC would fail.
      if (l >= 4) parseStations(b, o, Math.min(l, b.readUInt16BE(o + 2)), FrameType.CFG2);
      if (l >= 4) parseStations(b, o, Math.min(l, b.readUInt16BE(o + 2)), FrameType.CFG3);
      return r;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, measureFrame], seed: 4712 });
  });
});
