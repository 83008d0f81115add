/** SNMP parser unit tests (RFC 1157 / 3416 messages, RFC 3412 v3 header, X.690 BER bounds); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { integer, nul, octets, oid, snmpMessage, tlv } from './build.js';
import { Pdu, Tag } from './consts.js';
import { oidText, parseSnmp, readTlv, valueText } from './parse.js';

const { parse, ok } = wholeBuffer(parseSnmp);

describe('snmp parse (RFC 3416, X.690)', () => {
  it('reads a v2c get-request without keeping the community', () => {
    // RFC 3416 layout: SEQUENCE { version 1, community "public", GetRequest-PDU { id 1, 0, 0, { { sysDescr.0, NULL } } } }
    const b = Buffer.from(
      '302602010104067075626c6963a019020101020100020100300e300c06082b060102010101000500',
      'hex',
    );
    const m = ok(b);
    expect(m).toEqual({
      version: 1,
      community: true,
      defaultCommunity: true,
      pdu: Pdu.GET,
      requestId: 1,
      errorStatus: 0,
      varbinds: [{ oid: '1.3.6.1.2.1.1.1.0', tag: Tag.NULL, valueOff: 40, valueLen: 0 }],
    });
    expect(JSON.stringify(m)).not.toContain('public');
    expect(
      ok(snmpMessage({ community: 'plant-ro-7', pdu: Pdu.GET, requestId: 2, bindings: [] })).defaultCommunity,
    ).toBe(false);
  });

  it('reads response values: strings and OIDs', () => {
    const b = snmpMessage({
      pdu: Pdu.RESPONSE,
      requestId: 300,
      bindings: [
        ['1.3.6.1.2.1.1.1.0', octets('Siemens, SIMATIC NET, SCALANCE X308-2\r\n')],
        ['1.3.6.1.2.1.1.2.0', oid('1.3.6.1.4.1.4329.6.1.2')],
      ],
    });
    const m = ok(b);
    expect(m.requestId).toBe(300);
    const [d, o] = m.varbinds;
    expect(valueText(b, d!.valueOff, d!.valueLen)).toBe('Siemens, SIMATIC NET, SCALANCE X308-2');
    expect(oidText(b, o!.valueOff, o!.valueLen)).toBe('1.3.6.1.4.1.4329.6.1.2');
  });

  it('reads a v3 header: flags and engine id; an encrypted PDU has none', () => {
    const usm = tlv(
      Tag.SEQUENCE,
      Buffer.concat([
        octets('\x80\x00\x1f\x88\x04abc'),
        integer(1),
        integer(2),
        octets('ops'),
        octets(''),
        octets(''),
      ]),
    );
    const global = tlv(Tag.SEQUENCE, Buffer.concat([integer(7), integer(65507), octets('\x03'), integer(3)]));
    const enc = tlv(
      Tag.SEQUENCE,
      Buffer.concat([integer(3), global, tlv(Tag.OCTET_STRING, usm), octets('ciphertext')]),
    );
    expect(ok(enc)).toMatchObject({
      version: 3,
      pdu: -1,
      v3: { auth: true, priv: true, engineId: '80001f880461626' + '3', encrypted: true },
    });
    const pdu = tlv(
      Pdu.GET,
      Buffer.concat([integer(9), integer(0), integer(0), tlv(Tag.SEQUENCE, Buffer.alloc(0))]),
    );
    const plain = tlv(
      Tag.SEQUENCE,
      Buffer.concat([
        integer(3),
        global,
        tlv(Tag.OCTET_STRING, usm),
        tlv(Tag.SEQUENCE, Buffer.concat([octets(''), octets(''), pdu])),
      ]),
    );
    expect(ok(plain)).toMatchObject({ version: 3, pdu: Pdu.GET, requestId: 9, community: false });
  });

  it('bounds BER: long length forms, lengths past the container, long OIDs', () => {
    expect(readTlv(Buffer.from([0x30, 0x84, 0, 0, 0, 1, 0]), 0, 7)).toMatch(/length form/);
    expect(readTlv(Buffer.from([0x04, 0x05, 1]), 0, 3)).toMatch(/past/);
    expect(oidText(Buffer.from([0x2b, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 0, 7)).toBeUndefined();
    expect(oidText(Buffer.alloc(200, 1), 0, 200)).toBeUndefined();
    expect(parse(Buffer.from('3006020105040170', 'hex'))).toMatchObject({ ok: false });
    expect(parse(tlv(Tag.SEQUENCE, Buffer.concat([integer(2), octets('x'), nul()])))).toMatchObject({
      ok: false,
      code: 'bad_message',
    });
    expect(parse(Buffer.alloc(4))).toMatchObject({ ok: false, code: 'too_short' });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      snmpMessage({ pdu: Pdu.RESPONSE, requestId: 5, bindings: [['1.3.6.1.2.1.1.5.0', octets('sw-1')]] }),
      snmpMessage({
        version: 0,
        pdu: Pdu.SET,
        requestId: 6,
        bindings: [['1.3.6.1.2.1.1.6.0', octets('hall 2')]],
      }),
    ];
    neverThrowsOnTruncations(samples, parseSnmp);
    neverThrowsOnMutations({
      samples,
      parsers: [parseSnmp],
      seed: 161,
      shape: (r) => {
        if (r.length > 2) r[0] = 0x30;
      },
    });
  });
});
