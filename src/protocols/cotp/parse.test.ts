/** TPKT/COTP parser and probe: RFC 1006 §6, X.224 §13 — built TPDUs, real ones from the public captures, never-throws. */
import { describe, expect, it } from 'vitest';
import { describePublicCaptures } from '../testing/captures.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { cc, cr, dr, dt, s7Tsap, tpkt } from './build.js';
import { probeIsoTransport } from './index.js';
import { measureTpkt, parseCotp, parseTpkt, tsapText } from './parse.js';
import { publicTsdus } from './testing/tsdus.js';

const ok = (b: Buffer) => {
  const r = parseTpkt(b, 0, b.length);
  if (!r.ok) throw new Error(`${r.code}: ${r.detail}`);
  return r.tpdu;
};

const tiaCr = cr({
  srcRef: 0x11,
  callingTsap: Buffer.from([0x06, 0x00]),
  calledTsap: Buffer.from('SIMATIC-ROOT-ES', 'latin1'),
  tpduSizeCode: 10,
});

describe('TPKT framing (RFC 1006 §6)', () => {
  it('measures the TPKT length, asks for more below 4 bytes, rejects other versions and short lengths', () => {
    const m = dt(Buffer.from([0x32, 1]));
    expect(measureTpkt(m, 0, m.length)).toBe(m.length);
    expect(measureTpkt(m, 0, 3)).toBe(0);
    expect(measureTpkt(Buffer.from([3, 0, 0, 6]), 0, 4)).toBe(-1);
    expect(measureTpkt(Buffer.from([4, 0, 0, 9]), 0, 4)).toBe(-1);
    expect(measureTpkt(Buffer.from([0x16]), 0, 1)).toBe(-1);
  });

  it('rejects a TPKT whose length runs past the bytes, and a wrong version', () => {
    const m = dt(Buffer.from([0x32, 1, 2, 3]));
    expect(parseTpkt(m, 0, m.length - 1)).toMatchObject({ ok: false, code: 'bad_tpkt' });
    const v2 = Buffer.from(m);
    v2[0] = 2;
    expect(parseTpkt(v2, 0, v2.length)).toMatchObject({ ok: false, code: 'bad_tpkt' });
  });
});

describe('COTP TPDUs (X.224 §13)', () => {
  it('CR: references, class, TSAPs as hex, TPDU size', () => {
    expect(
      ok(cr({ srcRef: 1, callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(1, 0, 2), tpduSizeCode: 10 })),
    ).toEqual({
      type: 'CR',
      dstRef: 0,
      srcRef: 1,
      cls: 0,
      callingTsap: '0100',
      calledTsap: '0102',
      tpduSize: 1024,
    });
    expect(ok(tiaCr)).toMatchObject({
      type: 'CR',
      calledTsap: Buffer.from('SIMATIC-ROOT-ES').toString('hex'),
    });
    expect(ok(cc({ dstRef: 0x11, srcRef: 7 }))).toEqual({ type: 'CC', dstRef: 0x11, srcRef: 7, cls: 0 });
  });

  it('DT class 0 (LI 2) and classes 2–4 (LI 4, with a destination reference): EOT, number, user data', () => {
    const m = dt(Buffer.from('abc'), false, 5);
    expect(ok(m)).toEqual({ type: 'DT', eot: false, nr: 5, dataOff: 7, dataLen: 3 });
    const c4 = Buffer.from([4, 0xf0, 0x12, 0x34, 0x80, 0x32]);
    expect(parseCotp(c4, 0, c4.length)).toEqual({
      ok: true,
      tpdu: { type: 'DT', eot: true, nr: 0, dataOff: 5, dataLen: 1 },
    });
  });

  it('DR reason; ED; types without contents; errors for bad LI and unknown codes', () => {
    expect(ok(dr(7, 0x11, 0x80))).toEqual({ type: 'DR', dstRef: 7, srcRef: 0x11, reason: 0x80 });
    expect(ok(tpkt(Buffer.from([2, 0x10, 0x80, 0x32])))).toMatchObject({ type: 'ED', eot: true, dataLen: 1 });
    expect(ok(tpkt(Buffer.from([4, 0x70, 0, 1, 0x01])))).toEqual({ type: 'ER' });
    expect(parseTpkt(tpkt(Buffer.from([9, 0xf0, 0x80])), 0, 10)).toMatchObject({ ok: false, code: 'bad_li' });
    expect(parseTpkt(tpkt(Buffer.from([2, 0x30, 0x80])), 0, 7)).toMatchObject({
      ok: false,
      code: 'unknown_tpdu',
    });
    expect(parseTpkt(tpkt(Buffer.from([3, 0xe0, 0, 0])), 0, 8)).toMatchObject({ ok: false, code: 'bad_li' });
  });

  it('tsapText: printable TSAPs as text, binary ones not', () => {
    expect(tsapText(Buffer.from('SIMATIC-ROOT-HMI').toString('hex'))).toBe('SIMATIC-ROOT-HMI');
    expect(tsapText('0102')).toBeUndefined();
  });

  it('never throws on truncations and mutations', () => {
    const samples = [
      tiaCr,
      cc({ srcRef: 3, calledTsap: s7Tsap(1, 0, 2) }),
      dt(Buffer.from([0x32, 1, 0, 0])),
      dr(1, 2),
    ];
    neverThrowsOnTruncations(samples, parseTpkt);
    neverThrowsOnMutations({
      samples,
      parsers: [parseTpkt, parseCotp, measureTpkt, probeIsoTransport],
      seed: 102,
    });
  });
});

describe('probe (strict, for ISO transport on other ports)', () => {
  it('yes for a CR naming both TSAPs and for a DT carrying S7comm, S7comm-plus or a session SPDU', () => {
    expect(probeIsoTransport(tiaCr, 0, tiaCr.length)).toBe('yes');
    for (const first of [0x32, 0x72, 0x0d, 0x01]) {
      const m = dt(Buffer.from([first, 0, 0, 0]));
      expect(probeIsoTransport(m, 0, m.length)).toBe('yes');
    }
  });

  it("no for RDP's X.224 CR (no TSAPs), other payloads and non-TPKT bytes; more while cut short", () => {
    const rdp = tpkt(
      Buffer.concat([Buffer.from([0x26, 0xe0, 0, 0, 0, 0, 0]), Buffer.from('Cookie: mstshash=eltons\r\n')]),
    );
    rdp[4] = rdp.length - 5;
    expect(probeIsoTransport(rdp, 0, rdp.length)).toBe('no');
    const mcs = dt(Buffer.from([0x7f, 0x65, 0x82]));
    expect(probeIsoTransport(mcs, 0, mcs.length)).toBe('no');
    expect(probeIsoTransport(Buffer.from('GET / HTTP/1.1'), 0, 14)).toBe('no');
    expect(probeIsoTransport(tiaCr, 0, 5)).toBe('more');
    expect(probeIsoTransport(tiaCr, 0, 12)).toBe('more');
  });
});

describePublicCaptures('COTP parser', () => {
  it('every TPDU of the port-102 captures parses; DT fragments reassemble into S7comm, S7comm-plus and session TSDUs', async () => {
    const firsts = new Set<number>();
    for (const path of [
      's7comm/snap7_s300_everything.pcapng',
      's7comm/s7_1200_uploading_ob1.pcap',
      'iec61850/mms_identify_areva.pcap',
    ]) {
      const { tsdus, malformed } = await publicTsdus(path);
      expect(malformed).toBe(0);
      expect(tsdus.length).toBeGreaterThan(20);
      for (const t of tsdus) firsts.add(t.data[0]!);
    }
    expect([...firsts].sort((a, b) => a - b)).toEqual([0x01, 0x0d, 0x0e, 0x32, 0x72]);
  });
});
