/** HART-IP parser unit tests (HCF_SPEC-085 §10.2 header, HCF_SPEC-081 §5 frames, HCF_SPEC-127 command 0); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { hartIp, longTagData, pduRequest, pduResponse, sessionInitiate, uniqueIdData } from './build.js';
import { commandKind, MsgId, MsgType } from './consts.js';
import { measureHartIp, parseHartIp, parseIdentity, parsePackedTag } from './parse.js';

const { parse, ok } = wholeBuffer(parseHartIp);
const dev = { long: '264e0000d2' };

describe('hart_ip parse (HCF_SPEC-085 §10.2, HCF_SPEC-081 §5)', () => {
  it('reads the header of a session initiate', () => {
    // Version 1, request, session initiate, status 0, sequence 2, byte count 13; then host type and timer.
    const m = ok(Buffer.from('01000000 0002 000d 01 00007530'.replace(/ /g, ''), 'hex'));
    expect(m.header).toEqual({ version: 1, type: 0, id: 0, status: 0, sequence: 2, length: 13 });
    expect(m.pdu).toBeUndefined();
    expect(ok(sessionInitiate(7, true)).header).toMatchObject({ type: MsgType.RESPONSE, sequence: 7 });
  });

  it('reads a long-address STX request and its ACK with response code and status', () => {
    const req = ok(pduRequest(3, dev, 0));
    expect(req.pdu).toMatchObject({
      frameType: 2,
      longAddress: true,
      address: '264e0000d2',
      command: 0,
      dataLen: 0,
    });
    expect(req.pdu!.checksumOk).toBe(true);
    const data = uniqueIdData({ deviceType: 0x264e, manufacturer: 38, deviceId: '0000d2' });
    const b = pduResponse(3, dev, 0, data);
    const rsp = ok(b);
    expect(rsp.pdu).toMatchObject({
      frameType: 6,
      command: 0,
      responseCode: 0,
      deviceStatus: 0,
      dataLen: 22,
    });
    expect(parseIdentity(b, rsp.pdu!.dataOff, rsp.pdu!.dataLen)).toEqual({
      deviceType: 0x264e,
      manufacturer: 38,
      universalRevision: 7,
      deviceRevision: 4,
      softwareRevision: 1,
      deviceId: '0000d2',
    });
  });

  it('reads short addresses and flags a bad check byte', () => {
    const b = pduRequest(4, { short: 5 }, 1);
    expect(ok(b).pdu).toMatchObject({ longAddress: false, address: '5', command: 1 });
    b[b.length - 1]! ^= 0xff;
    expect(ok(b).pdu!.checksumOk).toBe(false);
  });

  it('HART 5 identity: the manufacturer is the device type high byte', () => {
    const d = Buffer.from([254, 0x11, 0x22, 5, 5, 1, 3, 0, 0, 0xaa, 0xbb, 0xcc]);
    expect(parseIdentity(d, 0, d.length)).toMatchObject({
      manufacturer: 0x11,
      deviceType: 0x1122,
      deviceId: 'aabbcc',
    });
    expect(parseIdentity(Buffer.from([1, 2, 3]), 0, 3)).toBeUndefined();
  });

  it('decodes packed-ASCII tags (HCF_SPEC-081 Annex) and drops the @ padding', () => {
    // "PT-101@@" packed: P=0x10 T=0x14 -=0x2d 1=0x31 | 0=0x30 1=0x31 @=0 @=0
    const pack = (codes: number[]) => {
      const v = (codes[0]! << 18) | (codes[1]! << 12) | (codes[2]! << 6) | codes[3]!;
      return [v >>> 16, (v >>> 8) & 0xff, v & 0xff];
    };
    const b = Buffer.from([...pack([0x10, 0x14, 0x2d, 0x31]), ...pack([0x30, 0x31, 0, 0])]);
    expect(parsePackedTag(b, 0, 6)).toBe('PT-101');
    expect(parsePackedTag(Buffer.alloc(6), 0, 6)).toBe('');
  });

  it('rejects bad headers, byte counts past the end and malformed PDUs', () => {
    expect(parse(Buffer.alloc(5))).toMatchObject({ ok: false, code: 'too_short' });
    expect(parse(hartIp(9, 0, 1))).toMatchObject({ ok: false, code: 'bad_header' });
    const cut = pduRequest(1, dev, 0);
    expect(parse(cut.subarray(0, cut.length - 2))).toMatchObject({ ok: false, code: 'bad_length' });
    expect(parse(hartIp(0, MsgId.TOKEN_PASSING_PDU, 1, Buffer.from([0x07, 0, 0, 0])))).toMatchObject({
      ok: false,
      code: 'bad_pdu',
    });
    expect(parse(hartIp(0, MsgId.TOKEN_PASSING_PDU, 1, Buffer.from([0x02, 0x80, 0, 9, 0])))).toMatchObject({
      ok: false,
      code: 'bad_pdu',
    });
  });

  it('measures stream messages by their byte count', () => {
    const b = pduRequest(1, dev, 0);
    expect(measureHartIp(b, 0, 4)).toBe(0);
    expect(measureHartIp(b, 0, b.length)).toBe(b.length);
    expect(measureHartIp(Buffer.alloc(8), 0, 8)).toBe(-1);
  });

  it('classifies commands by number and range', () => {
    expect([0, 1, 3, 6, 13, 38, 42, 48, 31, 140].map(commandKind)).toEqual([
      'identify',
      'read',
      'read',
      'write',
      'read',
      'control',
      'control',
      'diagnostic',
      'other',
      'other',
    ]);
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      pduResponse(3, dev, 0, uniqueIdData({ deviceType: 0x264e, manufacturer: 38, deviceId: '0000d2' })),
      pduResponse(4, dev, 20, longTagData('wihartgw')),
      sessionInitiate(2),
    ];
    const all = (b: Buffer, o: number, l: number) => {
      const r = parseHartIp(b, o, l);
      if (r.ok && r.msg.pdu) {
        parseIdentity(b, r.msg.pdu.dataOff, r.msg.pdu.dataLen);
        parsePackedTag(b, r.msg.pdu.dataOff, r.msg.pdu.dataLen);
      }
      return r;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({
      samples,
      parsers: [all, measureHartIp],
      seed: 5094,
      shape: (r) => {
        if (r.length > 8) {
          r[0] = 1;
          r.writeUInt16BE(r.length, 6);
        }
      },
    });
  });
});
