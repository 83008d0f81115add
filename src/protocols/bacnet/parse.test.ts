/** BACnet/IP parser unit tests (Annex J BVLC, §6.2 NPDU, §20.1 APDU, §20.2 tags, §13–§17 services); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { itNeverThrows } from '../testing/parsers.js';
import {
  bvlc,
  bvlcOnly,
  complexAck,
  confirmed,
  error,
  iAm,
  npdu,
  readProperty,
  readPropertyAck,
  reject,
  tag,
  unconfirmed,
  whoIs,
} from './build.js';
import { parseBacnet } from './parse.js';
import { propertyName } from './properties.js';
import {
  ackValues,
  confirmedTarget,
  errorCode,
  type PropertyValue,
  parseIAm,
  parseIHave,
  unconfirmedTarget,
} from './services.js';
import { readCharString, readTag, Tag } from './tags.js';
import { vendorName } from './vendors.js';

function msg(b: Buffer) {
  const m = parseBacnet(b, 0, b.length);
  if (!m.ok) throw new Error(`${m.code}: ${m.detail}`);
  return m;
}

describe('bacnet BVLC / NPDU / APDU headers', () => {
  it('Original-Unicast confirmed request: invoke id, service, where the parameters start', () => {
    const b = bvlc(0x0a, npdu(readProperty(7, 8, 4194303, 77), { expectingReply: true }));
    const m = msg(b);
    expect([m.bvlc, m.pdu, m.invoke, m.service, m.snet, m.dnet, m.dataOff]).toEqual([
      0x0a, 0, 7, 12, -1, -1, 10,
    ]);
  });

  it('Forwarded-NPDU names its origin; SNET/SADR and DNET are read', () => {
    const routed = npdu(iAm(884456, 86), {
      snet: { net: 4, mac: Buffer.from([0x56]) },
      dnet: { net: 0xffff, mac: Buffer.alloc(0) },
    });
    const m = msg(bvlc(0x04, routed, { ip: '192.168.0.18', port: 47808 }));
    expect([m.origin >>> 0, m.originPort, m.snet, m.sadrLen, m.dnet, m.pdu, m.service]).toEqual([
      0xc0a80012, 47808, 4, 1, 0xffff, 1, 0,
    ]);
  });

  it('BVLC-Result, network messages, error/reject PDUs', () => {
    expect(msg(bvlcOnly(0x00, Buffer.from([0x00, 0x30])))).toMatchObject({
      bvlc: 0,
      result: 0x30,
      npdu: false,
    });
    expect(msg(bvlc(0x0b, npdu(Buffer.from([0x00, 0x04]), {}, 0x01)))).toMatchObject({
      netMsg: 1,
      dataOff: 7,
    });
    expect(msg(bvlc(0x0a, npdu(error(52, 20, 5, 26))))).toMatchObject({ pdu: 5, invoke: 52, service: 20 });
    expect(msg(bvlc(0x0a, npdu(reject(58, 9))))).toMatchObject({ pdu: 6, invoke: 58, service: 9 });
  });

  it('rejects what is not BACnet/IP; reads a datagram shorter than its BVLC length', () => {
    expect(parseBacnet(Buffer.from([0x82, 0x0a, 0, 4]), 0, 4)).toMatchObject({ ok: false, code: 'bad_bvlc' });
    expect(parseBacnet(Buffer.from([0x81, 0x0a, 0, 2]), 0, 4)).toMatchObject({ ok: false, code: 'bad_bvlc' });
    expect(parseBacnet(Buffer.from([0x81, 0x0a, 0, 6, 2, 0]), 0, 6)).toMatchObject({
      ok: false,
      code: 'bad_npdu',
    });
    expect(parseBacnet(Buffer.from([0x81, 0x0a, 0, 7, 1, 0, 0x90]), 0, 7)).toMatchObject({
      code: 'bad_apdu',
    });
    // bacnet_example.pcap frame 573: BVLC length 17 in a 13-byte datagram (an Error PDU).
    const short = Buffer.from('810a0011010450011491059 11a'.replace(/ /g, ''), 'hex');
    expect(parseBacnet(short, 0, short.length)).toMatchObject({
      ok: true,
      bvlcLength: 17,
      pdu: 5,
      service: 20,
    });
  });
});

describe('bacnet tags and values (§20.2)', () => {
  it('extended lengths, opening/closing tags, character sets', () => {
    const t = new Tag();
    const long = tag.text('x'.repeat(300));
    expect(readTag(long, 0, long.length, t)).toBe(true);
    expect([t.num, t.context, t.len, t.val]).toEqual([7, false, 301, 4]);
    expect(readTag(long, 0, 100, t)).toBe(false);
    expect(readTag(tag.open(3), 0, 1, t) && t.open && t.num === 3).toBe(true);
    const ucs2 = tag.text('MS-NAE4510-2', undefined, true);
    expect(readCharString(ucs2, 2, ucs2.length - 2)).toBe('MS-NAE4510-2');
    expect(readCharString(Buffer.from([1, 0x41]), 0, 2)).toBeUndefined();
    expect(readCharString(Buffer.from([0, 0x41, 0x0a, 0x42]), 0, 4)).toBe('AB');
  });

  it('vendor and property tables', () => {
    expect(vendorName(5)).toBe('Johnson Controls, Inc.');
    expect(vendorName(86)).toBe('The Watt Stopper, Inc.');
    expect(vendorName(99999)).toBeUndefined();
    expect(propertyName(85)).toBe('present-value');
    expect(propertyName(9999)).toBe('property 9999');
  });
});

describe('bacnet services', () => {
  const params = (apdu: Buffer, skip: number) => [apdu, skip, apdu.length] as const;

  it('confirmed targets: properties, files, reinitialize (backup/restore is program), DCC, private transfer', () => {
    expect(confirmedTarget(12, ...params(readProperty(1, 1, 3, 85), 4))).toEqual({
      target: 'analog-output 3 present-value',
    });
    const wp = confirmed(
      2,
      15,
      tag.object(1, 0, 0),
      tag.unsigned(87, 1),
      tag.unsigned(8, 2),
      tag.open(3),
      tag.unsigned(1),
      tag.close(3),
    );
    expect(confirmedTarget(15, ...params(wp, 4)).target).toBe('analog-output 0 priority-array[8]');
    expect(confirmedTarget(7, ...params(confirmed(3, 7, tag.object(10, 2)), 4)).target).toBe('file 2');
    const reinit = (state: number) => confirmed(4, 20, tag.enumerated(state, 0), tag.text('secret', 1));
    expect(confirmedTarget(20, ...params(reinit(0), 4))).toEqual({ target: 'coldstart', kind: 'control' });
    expect(confirmedTarget(20, ...params(reinit(4), 4))).toEqual({
      target: 'start-restore',
      kind: 'program',
    });
    const dcc = confirmed(5, 17, tag.unsigned(60, 0), tag.enumerated(1, 1), tag.text('pw', 2));
    expect(confirmedTarget(17, ...params(dcc, 4)).target).toBe('disable for 60 min');
    const pt = confirmed(6, 18, tag.unsigned(7, 0), tag.unsigned(511, 1));
    expect(confirmedTarget(18, ...params(pt, 4)).target).toBe('vendor 7 service 511');
    const rpm = confirmed(
      7,
      14,
      tag.object(8, 101, 0),
      tag.open(1),
      tag.unsigned(121, 0),
      tag.unsigned(70, 0),
      tag.close(1),
    );
    expect(confirmedTarget(14, ...params(rpm, 4)).target).toBe('device 101 vendor-name (+1 more)');
    const create = confirmed(8, 10, tag.open(0), tag.enumerated(0, 0), tag.close(0));
    expect(confirmedTarget(10, ...params(create, 4)).target).toBe('analog-input');
  });

  it('unconfirmed targets start with the service name', () => {
    expect(unconfirmedTarget(8, ...params(whoIs(), 2))).toBe('who-is');
    expect(unconfirmedTarget(8, ...params(whoIs(100, 200), 2))).toBe('who-is 100-200');
    expect(unconfirmedTarget(0, ...params(iAm(123, 260), 2))).toBe('i-am device 123');
    expect(unconfirmedTarget(7, ...params(unconfirmed(7, tag.text('SYNERGY', 3)), 2))).toBe(
      'who-has SYNERGY',
    );
    expect(unconfirmedTarget(6, ...params(unconfirmed(6), 2))).toBe('time-synchronization');
  });

  it('I-Am and I-Have', () => {
    expect(parseIAm(...params(iAm(2401, 24, 480, 3), 2))).toEqual({
      instance: 2401,
      maxApdu: 480,
      segmentation: 3,
      vendor: 24,
    });
    expect(parseIAm(...params(unconfirmed(0, tag.object(8, 1)), 2))).toBeUndefined();
    const ih = unconfirmed(1, tag.object(8, 61), tag.object(8, 61), tag.text('SYNERGY'));
    expect(parseIHave(...params(ih, 2))).toEqual({
      device: 61,
      objectType: 8,
      objectInstance: 61,
      name: 'SYNERGY',
    });
  });

  it('ACK values: ReadProperty and ReadPropertyMultiple, indexed values skipped', () => {
    const wanted = new Uint8Array(1024);
    wanted[77] = wanted[70] = 1;
    const seen: string[] = [];
    const visit = (v: PropertyValue) =>
      seen.push(`${v.objectType},${v.instance},${v.property},${v.tag},${v.len}`);
    ackValues(...params(readPropertyAck(1, 8, 500, 77, tag.text('KBRNAE')), 3), false, wanted, visit);
    const rpm = complexAck(
      2,
      14,
      tag.object(8, 9, 0),
      tag.open(1),
      tag.unsigned(70, 2),
      tag.open(4),
      tag.text('M1'),
      tag.close(4),
      tag.unsigned(77, 2),
      tag.unsigned(1, 3),
      tag.open(4),
      tag.text('indexed'),
      tag.close(4),
      tag.unsigned(28, 2),
      tag.open(5),
      tag.enumerated(2),
      tag.enumerated(32),
      tag.close(5),
      tag.close(1),
    );
    ackValues(...params(rpm, 3), true, wanted, visit);
    expect(seen).toEqual(['8,500,77,7,7', '8,9,70,7,3']);
    expect(errorCode(...params(error(1, 20, 5, 26), 3))).toBe(5 * 65536 + 26);
  });
});

describe('bacnet parsers never throw', () => {
  const samples = [
    bvlc(0x0a, npdu(readProperty(7, 8, 4194303, 77), { expectingReply: true })),
    bvlc(0x04, npdu(iAm(884456, 86), { snet: { net: 4, mac: Buffer.from([0x56]) } }), {
      ip: '10.0.0.1',
      port: 47808,
    }),
    bvlc(0x0a, npdu(readPropertyAck(1, 8, 500, 70, tag.text('MS-NAE4510-2', undefined, true)))),
    bvlc(0x0b, npdu(unconfirmed(1, tag.object(8, 61), tag.object(0, 3), tag.text('SYNERGY')))),
    bvlc(0x0a, npdu(error(52, 20, 5, 26))),
    bvlcOnly(0x00, Buffer.from([0, 0])),
  ];
  const wanted = new Uint8Array(1024).fill(1);
  const services = (b: Buffer, off: number, len: number) => {
    const end = off + len;
    for (let s = 0; s < 34; s++) confirmedTarget(s, b, off, end);
    for (let s = 0; s < 16; s++) unconfirmedTarget(s, b, off, end);
    parseIAm(b, off, end);
    parseIHave(b, off, end);
    ackValues(b, off, end, true, wanted, () => {});
    ackValues(b, off, end, false, wanted, () => {});
    return errorCode(b, off, end);
  };
  const parsers = [parseBacnet, services];

  itNeverThrows({
    samples,
    parsers,
    seed: 0xbac0,
    rounds: 4000,
    shape: (r) => {
      if (r.length > 4) {
        r[0] = 0x81;
        r.writeUInt16BE(r.length, 2);
      }
    },
  });
});
