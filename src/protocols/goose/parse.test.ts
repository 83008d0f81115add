/** GOOSE parser unit tests (IEC 61850-8-1 §C.2, Annex A; IEC TR 61850-90-5 §11.3), real frames, never-throws checks. */
import { describe, expect, it } from 'vitest';
import { describePublicCaptures } from '../testing/captures.js';
import { publicFrames } from '../testing/frames.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { berTlv, gooseApdu, goosePdu, rGoose } from './build.js';
import { ETHERTYPE_GOOSE, PduTag } from './consts.js';
import { type GoosePdu, parseGooseFrame, parseGoosePdu, parseRGoose, text } from './parse.js';

const frame = wholeBuffer(parseGooseFrame);
const rg = wholeBuffer(parseRGoose);

const fields = {
  gocbRef: 'IED1LD0/LLN0$GO$gcbTrip',
  datSet: 'IED1LD0/LLN0$dsTrip',
  goId: 'IED1_TRIP',
  stNum: 7,
  sqNum: 0x80000000,
  confRev: 3,
  booleans: [true, false, true],
};

function strings(buf: Buffer, p: GoosePdu) {
  return {
    gocbRef: text(buf, p.gocbRefOff, p.gocbRefLen),
    datSet: text(buf, p.datSetOff, p.datSetLen),
    goId: p.goIdLen < 0 ? undefined : text(buf, p.goIdOff, p.goIdLen),
  };
}

describe('goose parse (IEC 61850-8-1)', () => {
  it('reads the header and every goosePdu field', () => {
    const b = Buffer.concat([
      gooseApdu(0x3001, goosePdu({ ...fields, t: 1_700_000_000.5 })),
      Buffer.alloc(6),
    ]);
    const m = frame.ok(b);
    expect(m.appid).toBe(0x3001);
    expect(m.simulated).toBe(false);
    expect(strings(b, m.pdu)).toEqual({ gocbRef: fields.gocbRef, datSet: fields.datSet, goId: 'IED1_TRIP' });
    expect(m.pdu).toMatchObject({
      timeAllowedToLive: 2000,
      t: 1_700_000_000,
      stNum: 7,
      // a 5-byte INTEGER with its leading zero
      sqNum: 0x80000000,
      simulation: false,
      confRev: 3,
      ndsCom: false,
      numDatSetEntries: 3,
      allDataCount: 3,
      secured: false,
    });
  });

  it('reads the Ed2 simulate bit and the PDU simulation flag; goID is optional', () => {
    const pdu = goosePdu({ ...fields, goId: undefined, simulation: true });
    const m = frame.ok(gooseApdu(1, pdu, true));
    expect(m.simulated).toBe(true);
    expect(m.pdu.simulation).toBe(true);
    expect(m.pdu.goIdLen).toBe(-1);
  });

  it('rejects bad lengths, tags and missing mandatory fields', () => {
    const good = gooseApdu(1, goosePdu(fields));
    const longer = Buffer.from(good);
    longer.writeUInt16BE(good.length + 1, 2);
    expect(frame.parse(longer)).toMatchObject({ ok: false, code: 'bad_length' });
    expect(frame.parse(good.subarray(0, 9))).toMatchObject({ ok: false, code: 'truncated' });
    const mngt = Buffer.from(good);
    mngt[8] = 0x62;
    expect(frame.parse(mngt)).toMatchObject({ ok: false, code: 'bad_pdu' });
    const noSt = berTlv(
      0x61,
      Buffer.concat([berTlv(PduTag.GOCB_REF, Buffer.from('x')), berTlv(PduTag.SQ_NUM, Buffer.from([1]))]),
    );
    expect(wholeBuffer(parseGoosePdu).parse(noSt)).toMatchObject({ ok: false, code: 'bad_pdu' });
    const cut = berTlv(0x61, Buffer.from([PduTag.GOCB_REF, 0x20, 0x41]));
    expect(wholeBuffer(parseGoosePdu).parse(cut)).toMatchObject({ ok: false, code: 'truncated' });
    const badLen = berTlv(0x61, Buffer.from([PduTag.GOCB_REF, 0x85, 1, 1, 1, 1, 1]));
    expect(wholeBuffer(parseGoosePdu).parse(badLen)).toMatchObject({ ok: false, code: 'bad_ber' });
  });

  it('reads an unsecured R-GOOSE datagram (IEC TR 61850-90-5 §11.3)', () => {
    const b = rGoose(38470, 0, goosePdu(fields), true);
    const m = rg.ok(b);
    expect(m).toMatchObject({ sessionId: 0xa1, spduNumber: 38470, version: 2, keyId: 0, encrypted: false });
    expect(m.payloads).toHaveLength(1);
    expect(m.payloads[0]).toMatchObject({ tag: 0x81, simulation: true, appid: 0 });
    const p = m.payloads[0]!.pdu!;
    expect(p.ok && strings(b, p.msg).gocbRef).toBe(fields.gocbRef);
    const wrongLi = Buffer.from(b);
    wrongLi[3] = 30;
    expect(rg.parse(wrongLi)).toMatchObject({ ok: false, code: 'bad_session' });
    const iv = Buffer.from(b);
    iv[26] = 1;
    iv[5] = 22;
    iv[3] = 24;
    expect(rg.ok(iv)).toMatchObject({ encrypted: true, payloads: [] });
  });

  it('never throws on truncations and mutations', () => {
    const samples = [
      gooseApdu(0x3001, goosePdu(fields)),
      gooseApdu(2, goosePdu({ ...fields, booleans: Array(40).fill(true) })),
    ];
    neverThrowsOnTruncations(samples, parseGooseFrame);
    const r = [rGoose(1, 1, goosePdu(fields))];
    neverThrowsOnTruncations(r, parseRGoose);
    neverThrowsOnMutations({ samples, parsers: [parseGooseFrame], seed: 0x600e });
    neverThrowsOnMutations({
      samples: r,
      parsers: [parseRGoose],
      seed: 0x600f,
      shape: (b) => {
        // Past the session checks: CLTP UD, GOOSE session, the common header id.
        if (b.length > 30) Buffer.from([1, 0x40, 0xa1, 23, 0x80, 21]).copy(b);
      },
    });
  });
});

describePublicCaptures('goose parse', () => {
  it('goose.pcap: a GE F650 publishes gcb01 (tshark frame 1: stNum 1, sqNum 10, 8 entries)', async () => {
    const frames = (await publicFrames('iec61850/goose.pcap')).filter((f) => f.ethertype === ETHERTYPE_GOOSE);
    expect(frames).toHaveLength(8);
    const b = frames[0]!.payload;
    const m = frame.ok(b);
    expect(m.appid).toBe(1);
    expect(strings(b, m.pdu)).toEqual({
      gocbRef: 'GEDeviceF650/LLN0$GO$gcb01',
      datSet: 'GEDeviceF650/LLN0$GOOSE1',
      goId: 'F650_GOOSE1',
    });
    expect(m.pdu).toMatchObject({
      timeAllowedToLive: 40000,
      stNum: 1,
      sqNum: 10,
      confRev: 1,
      numDatSetEntries: 8,
      allDataCount: 8,
    });
  });

  it('routable_goose_ge.pcap: R-GOOSE from a GE UR (tshark frame 1: SPDU 38470, stNum 4275)', async () => {
    const frames = (await publicFrames('iec61850/routable_goose_ge.pcap')).filter((f) => f.dstPort === 102);
    expect(frames).toHaveLength(11);
    const b = frames[0]!.payload;
    const m = rg.ok(b);
    expect(m.spduNumber).toBe(38470);
    const p = m.payloads[0]!.pdu!;
    if (!p.ok) throw new Error(p.detail);
    expect(strings(b, p.msg)).toEqual({
      gocbRef: 'GA_UR74Master/LLN0$RG$GoCB10',
      datSet: 'GA_UR74Master/LLN0$TT6DataSet1',
      goId: 'TxGOOSE10',
    });
    expect(p.msg).toMatchObject({
      timeAllowedToLive: 20000,
      stNum: 4275,
      sqNum: 4,
      numDatSetEntries: 6,
      allDataCount: 6,
    });
  });
});
