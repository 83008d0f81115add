/** Beckhoff ADS/AMS parser unit tests (AMS/TCP and AMS headers, device info, UDP service); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { adsUdp, ams, deviceInfo, indexData } from './build.js';
import { readWriteKind } from './consts.js';
import { indexOf, measureAmsTcp, parseAdsUdp, parseAms, parseDeviceInfo } from './parse.js';

const plc = '5.13.117.96.1.1';
const ews = '192.168.1.199.1.1';

describe('ads parse (ADS specification)', () => {
  it('reads an AMS read-state request: net ids, ports, command, flags, invoke id', () => {
    const b = ams({
      target: plc,
      targetPort: 10000,
      source: ews,
      sourcePort: 32771,
      command: 4,
      invokeId: 12,
    });
    expect(measureAmsTcp(b, 0, b.length)).toBe(38);
    const r = parseAms(b, 6, b.length - 6);
    expect(r).toEqual({
      ok: true,
      msg: {
        target: plc,
        targetPort: 10000,
        source: ews,
        sourcePort: 32771,
        command: 4,
        flags: 4,
        response: false,
        error: 0,
        invokeId: 12,
        dataOff: 38,
        dataLen: 0,
      },
    });
  });

  it('reads index group/offset and the device info response', () => {
    const b = ams({
      target: plc,
      targetPort: 851,
      source: ews,
      sourcePort: 1,
      command: 2,
      invokeId: 1,
      data: indexData(0x4020, 0, 4),
    });
    const r = parseAms(b, 6, b.length - 6);
    expect(r.ok && indexOf(b, r.msg)).toEqual([0x4020, 0]);
    const d = deviceInfo('Plc30 App', 3, 1, 4024);
    expect(parseDeviceInfo(d, 0, d.length)).toEqual({ result: 0, version: '3.1.4024', name: 'Plc30 App' });
    expect([0xf003, 0xf080, 0xf081, 0x4020].map(readWriteKind)).toEqual(['read', 'read', 'write', 'write']);
  });

  it('reads UDP add route tags and leaves the password out', () => {
    const b = adsUdp(1, 6, ews, 10000, [
      [12, Buffer.from('EWS-01\0')],
      [13, Buffer.from('Administrator\0')],
      [2, Buffer.from('1\0')],
    ]);
    const m = parseAdsUdp(b, 0, b.length);
    expect(typeof m).toBe('object');
    if (typeof m === 'string') return;
    expect(m).toMatchObject({ service: 6, netId: ews, port: 10000 });
    expect([...m.tags.keys()]).toEqual([12, 13]);
  });

  it('rejects bad headers and lengths', () => {
    expect(measureAmsTcp(Buffer.from([1, 0, 0, 0, 0, 0]), 0, 6)).toBe(-1);
    expect(measureAmsTcp(Buffer.from([0, 0, 4, 0, 0, 0]), 0, 6)).toBe(-1);
    const b = ams({
      target: plc,
      targetPort: 851,
      source: ews,
      sourcePort: 1,
      command: 2,
      invokeId: 1,
      data: indexData(1, 2, 3),
    });
    expect(parseAms(b, 6, b.length - 7)).toMatchObject({ ok: false, code: 'bad_length' });
    expect(parseAms(b, 6, 10)).toMatchObject({ ok: false, code: 'too_short' });
    expect(parseAdsUdp(Buffer.alloc(30), 0, 30)).toBe('bad magic');
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      ams({
        target: plc,
        targetPort: 851,
        source: ews,
        sourcePort: 1,
        command: 1,
        response: true,
        invokeId: 2,
        data: deviceInfo('x', 1, 2, 3),
      }),
      adsUdp(1, 0x80000001, plc, 10000, [
        [5, Buffer.from('CX-01\0')],
        [3, Buffer.from([3, 1, 0xb8, 0x0f])],
      ]),
    ];
    const all = (b: Buffer, o: number, l: number) => {
      const r = parseAms(b, o + 6, l - 6);
      if (r.ok) {
        indexOf(b, r.msg);
        parseDeviceInfo(b, r.msg.dataOff, r.msg.dataLen);
      }
      return parseAdsUdp(b, o, l);
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, measureAmsTcp], seed: 48898 });
  });
});
