/** BER reader, OSI upper layers and MMS PDUs: built PDUs, real TSDUs from the public captures, never-throws. */
import { describe, expect, it } from 'vitest';
import { publicTsdus } from '../cotp/testing/tsdus.js';
import { describePublicCaptures } from '../testing/captures.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { Cls, readTlv, Tlv, textAt } from './ber.js';
import {
  accept,
  associate,
  ber,
  confirmedError,
  fileDelete,
  fileOpen,
  getNameList,
  identifyRequest,
  identifyResponse,
  informationReport,
  objectName,
  obtainFile,
  readRequest,
  sessionData,
  writeRequest,
} from './build.js';
import { Pdu } from './consts.js';
import { identifyResponse as identity, type MmsPdu, parseMms, serviceTarget } from './parse.js';
import { parseUpper } from './upper.js';

function mms(tsdu: Buffer): { m: MmsPdu; buf: Buffer } {
  const u = parseUpper(tsdu, 0, tsdu.length);
  if (!u.ok) throw new Error(u.detail);
  const r = parseMms(tsdu, u.pdu.mmsOff, u.pdu.mmsLen);
  if (!r.ok) throw new Error(r.detail);
  return { m: r.msg, buf: tsdu };
}

const target = (pdu: Buffer) => {
  const { m, buf } = mms(sessionData(pdu));
  return serviceTarget(buf, m);
};

describe('BER reader (X.690)', () => {
  it('short, long and indefinite lengths; high tag numbers; elements never pass their container', () => {
    const t = new Tlv();
    const long = ber(0x30, Buffer.alloc(200));
    expect(readTlv(long, 0, long.length, t)).toBe(true);
    expect([t.cls, t.constructed, t.tag, t.off, t.end]).toEqual([Cls.UNIVERSAL, true, 16, 3, 203]);
    expect(readTlv(Buffer.from([0xbf, 0x48, 0x02, 1, 2]), 0, 5, t)).toBe(true);
    expect([t.cls, t.tag, t.end]).toEqual([Cls.CONTEXT, 72, 5]);
    expect(readTlv(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x05, 0, 0]), 0, 7, t)).toBe(true);
    expect(t.next).toBe(7);
    expect(readTlv(Buffer.from([0x02, 0x80, 0]), 0, 3, t)).toBe(false); // primitive, indefinite
    expect(readTlv(Buffer.from([0x04, 0x05, 1, 2]), 0, 4, t)).toBe(false);
    expect(readTlv(Buffer.from([0x04, 0x85, 0, 0, 0, 0, 1]), 0, 7, t)).toBe(false);
    expect(textAt(Buffer.from('Relé\u0001 A', 'utf8'), 0, 9)).toBe('Relé A');
  });
});

describe('OSI upper layers (ISO 8327 / 8823 / ACSE)', () => {
  it('CONNECT and ACCEPT: CP/CPA → AARQ/AARE → MMS initiate; DATA TRANSFER → MMS', () => {
    const cn = parseUpper(associate(), 0, associate().length);
    expect(cn).toMatchObject({ ok: true, pdu: { spdu: 13, acse: 0 } });
    if (cn.ok) expect(associate()[cn.pdu.mmsOff - 2]).toBe(0xa0);
    expect(mms(associate()).m.type).toBe(Pdu.INITIATE_REQUEST);
    expect(mms(accept()).m.type).toBe(Pdu.INITIATE_RESPONSE);
    expect(mms(sessionData(identifyRequest(7))).m).toMatchObject({
      type: Pdu.CONFIRMED_REQUEST,
      invokeId: 7,
      service: 2,
    });
  });

  it('errors: an SPDU longer than the TSDU, a CONNECT without user data, user data that is no PPDU', () => {
    expect(parseUpper(Buffer.from([0x0d, 0x20, 0x05]), 0, 3)).toMatchObject({ ok: false, code: 'bad_spdu' });
    expect(parseUpper(Buffer.from([0x0d, 0x03, 0x14, 0x01, 0x02]), 0, 5)).toMatchObject({
      ok: false,
      code: 'no_user_data',
    });
    expect(parseUpper(Buffer.from([1, 0, 1, 0, 0x30, 0]), 0, 6)).toMatchObject({
      ok: false,
      code: 'bad_ppdu',
    });
    expect(parseUpper(Buffer.from([0x09, 0x00]), 0, 2)).toMatchObject({
      ok: true,
      pdu: { spdu: 9, mmsOff: -1 },
    });
  });
});

describe('MMS PDUs (ISO 9506-2)', () => {
  it('identify response: vendor, model, revision', () => {
    const { m, buf } = mms(
      sessionData(identifyResponse(0x114f, 'AREVA T&D Corporation', 'e-terracomm', '2.3.1')),
    );
    expect(m).toMatchObject({ type: Pdu.CONFIRMED_RESPONSE, invokeId: 0x114f, service: 2 });
    expect(identity(buf, m)).toEqual({
      vendor: 'AREVA T&D Corporation',
      model: 'e-terracomm',
      revision: '2.3.1',
    });
  });

  it('targets: variables, name lists, files, reports', () => {
    const n = (d: string | undefined, i: string) => objectName(d, i);
    expect(target(readRequest(1, [n('LD0', 'LLN0$ST$Mod'), n('LD0', 'XCBR1$ST$Pos')]))).toBe(
      'LD0/LLN0$ST$Mod, LD0/XCBR1$ST$Pos',
    );
    const many = [1, 2, 3, 4, 5].map((i) => n('LD0', `V${i}`));
    expect(target(writeRequest(2, many))).toBe('LD0/V1, LD0/V2, LD0/V3, … (5 items)');
    expect(target(getNameList(3, 2, 'KIRKLAND'))).toBe('namedVariableList in KIRKLAND');
    expect(target(getNameList(4, 9))).toBe('domain (VMD)');
    expect(target(fileOpen(5, 'COMTRADE', 'rec01.cfg'))).toBe('COMTRADE/rec01.cfg');
    expect(target(fileDelete(6, 'settings.cid'))).toBe('settings.cid');
    expect(target(obtainFile(7, 'new.cid', 'active.cid'))).toBe('new.cid → active.cid');
    expect(target(informationReport(n(undefined, 'RPT')))).toBe('RPT');
    expect(mms(sessionData(confirmedError(9))).m).toMatchObject({ type: Pdu.CONFIRMED_ERROR, invokeId: 9 });
  });

  it('never throws on truncations and mutations', () => {
    const samples = [
      associate(),
      accept(),
      sessionData(identifyResponse(1, 'Vendor', 'Model', '1.0')),
      sessionData(readRequest(2, [objectName('LD0', 'LLN0$ST$Mod')])),
      sessionData(fileOpen(3, 'a', 'b')),
      sessionData(informationReport(objectName(undefined, 'RPT'))),
    ];
    const all = (b: Buffer, off: number, len: number) => {
      const u = parseUpper(b, off, len);
      if (!u.ok || u.pdu.mmsOff < 0) return u;
      const r = parseMms(b, u.pdu.mmsOff, u.pdu.mmsLen);
      if (r.ok) {
        serviceTarget(b, r.msg);
        identity(b, r.msg);
      }
      return r;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, parseMms], seed: 9506 });
  });
});

describePublicCaptures('MMS parser', () => {
  it('every session TSDU of the IEC 61850 / ICCP captures unwraps; every MMS PDU parses', async () => {
    let pdus = 0;
    for (const path of ['iec61850/mms_identify_areva.pcap', 'iec61850/mms_and_goose.pcap']) {
      for (const t of (await publicTsdus(path)).tsdus) {
        const u = parseUpper(t.data, 0, t.data.length);
        expect(u, `${path} frame ${t.frame}`).toMatchObject({ ok: true });
        if (!u.ok || u.pdu.mmsOff < 0) continue;
        expect(parseMms(t.data, u.pdu.mmsOff, u.pdu.mmsLen), `${path} frame ${t.frame}`).toMatchObject({
          ok: true,
        });
        pdus++;
      }
    }
    expect(pdus).toBeGreaterThan(150);
  });
});
