/** ARP parser unit tests (RFC 826, RFC 5227 shapes) and never-throws checks on truncated and random input. */
import { describe, expect, it } from 'vitest';
import { lcg, neverThrowsOnTruncations } from '../testing/parsers.js';
import { arpPayload } from './build.js';
import { parseArp } from './parse.js';

describe('arp parse', () => {
  it('reads an Ethernet/IPv4 request (RFC 826)', () => {
    const b = arpPayload({
      op: 1,
      senderMac: '00:1d:9c:c8:03:e7',
      senderIp: '192.168.0.10',
      targetIp: '192.168.0.1',
    });
    expect(parseArp(b, 0, b.length)).toEqual({
      ok: true,
      msg: {
        htype: 1,
        ptype: 0x0800,
        hlen: 6,
        plen: 4,
        op: 1,
        eth: {
          senderMac: '00:1d:9c:c8:03:e7',
          senderIp: '192.168.0.10',
          targetMac: '00:00:00:00:00:00',
          targetIp: '192.168.0.1',
        },
      },
    });
  });

  it('ignores Ethernet padding after the addresses', () => {
    const b = Buffer.concat([
      arpPayload({ op: 2, senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetIp: '10.0.0.2' }),
      Buffer.alloc(18),
    ]);
    expect(parseArp(b, 0, b.length)).toMatchObject({ ok: true, msg: { op: 2 } });
  });

  it('walks other hardware types by their lengths without decoding addresses', () => {
    const b = Buffer.from([0, 0x20, 0x08, 0x00, 2, 4, 0, 1, 1, 2, 10, 0, 0, 1, 3, 4, 10, 0, 0, 2]);
    expect(parseArp(b, 0, b.length)).toEqual({
      ok: true,
      msg: { htype: 0x20, ptype: 0x800, hlen: 2, plen: 4, op: 1 },
    });
  });

  it('rejects short packets and Ethernet/IPv4 with wrong address lengths', () => {
    expect(parseArp(Buffer.alloc(7), 0, 7)).toMatchObject({ ok: false, code: 'bad_length' });
    const b = arpPayload({
      op: 1,
      senderMac: '02:00:00:00:00:01',
      senderIp: '10.0.0.1',
      targetIp: '10.0.0.2',
    });
    expect(parseArp(b, 0, 27)).toMatchObject({ ok: false, code: 'bad_length' });
    b[4] = 8;
    expect(parseArp(Buffer.concat([b, Buffer.alloc(4)]), 0, 32)).toMatchObject({
      ok: false,
      code: 'bad_header',
    });
  });

  it('never throws on truncations or random bytes', () => {
    const b = arpPayload({
      op: 2,
      senderMac: '02:00:00:00:00:01',
      senderIp: '10.0.0.1',
      targetIp: '10.0.0.2',
    });
    neverThrowsOnTruncations([b], parseArp);
    const rand = lcg(826, 16);
    for (let i = 0; i < 5000; i++) {
      const r = Buffer.alloc(rand() % 64);
      for (let j = 0; j < r.length; j++) r[j] = rand() & 0xff;
      if (r.length > 5 && i % 2) {
        r.writeUInt16BE(1, 0);
        r.writeUInt16BE(0x800, 2);
      }
      expect(() => parseArp(r, 0, r.length)).not.toThrow();
      expect(() => parseArp(r, 2, r.length)).not.toThrow();
    }
  });
});
