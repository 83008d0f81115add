/** CDP parser unit tests (TLV layout, address lists, Cisco checksum quirk); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { buildCdp, cdp, cdpTlv } from './build.js';
import { CdpCap } from './consts.js';
import { cdpChecksum, parseCdp } from './parse.js';

const { parse, ok } = wholeBuffer(parseCdp);

const SW =
  'Cisco IOS Software, IE2000 Software (IE2000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\r\nCopyright (c) 1986-2021 by Cisco Systems, Inc.';

describe('cdp parse', () => {
  it('reads a v2 announcement', () => {
    const m = ok(
      buildCdp([
        cdp.deviceId('ie2000-cell3'),
        cdp.addresses('10.0.3.3', '2001:db8::3'),
        cdp.portId('FastEthernet1/1'),
        cdp.capabilities(CdpCap.SWITCH | 0x20),
        cdp.softwareVersion(SW),
        cdp.platform('cisco IE-2000-8TC-G-B'),
        cdp.vtpDomain('PLANT'),
        cdp.nativeVlan(30),
        cdp.duplex(true),
        cdp.systemName('ie2000-cell3.plant.example'),
        cdp.managementAddresses('10.0.3.3'),
        cdpTlv(0x1a, Buffer.alloc(12)),
      ]),
    );
    expect(m).toEqual({
      version: 2,
      ttl: 180,
      checksumOk: true,
      deviceId: 'ie2000-cell3',
      addresses: ['10.0.3.3', '2001:db8::3'],
      portId: 'FastEthernet1/1',
      capabilities: 0x28,
      softwareVersion: SW.replace('\r\n', '\n'),
      platform: 'cisco IE-2000-8TC-G-B',
      vtpDomain: 'PLANT',
      nativeVlan: 30,
      duplex: 'full',
      systemName: 'ie2000-cell3.plant.example',
      managementAddresses: ['10.0.3.3'],
      unknownTlvs: 1,
    });
  });

  it('checks the checksum as Cisco computes it, odd lengths included', () => {
    for (const id of ['R1', 'R12', 'a\u00e9', 'abc\u0080']) {
      const b = buildCdp([cdp.deviceId(id)]);
      expect(cdpChecksum(b, 0, b.length)).toBe(0);
      expect(ok(b).checksumOk).toBe(true);
      b[b.length - 1]! ^= 1;
      expect(ok(b).checksumOk).toBe(false);
    }
  });

  it('stops at Ethernet padding', () => {
    const m = ok(Buffer.concat([buildCdp([cdp.deviceId('R1')], { version: 1 }), Buffer.alloc(10)]));
    expect(m).toMatchObject({ version: 1, deviceId: 'R1', unknownTlvs: 0 });
  });

  it('walks past addresses of other protocols', () => {
    const clns = Buffer.from([0, 0, 0, 2, 1, 1, 0x81, 0, 2, 0x49, 0x00, 1, 1, 0xcc, 0, 4, 10, 0, 0, 1]);
    expect(ok(buildCdp([cdpTlv(2, clns)])).addresses).toEqual(['10.0.0.1']);
  });

  it('rejects short PDUs, unknown versions and bad TLVs', () => {
    expect(parse(Buffer.from([2, 180, 0]))).toMatchObject({ ok: false, code: 'too_short' });
    expect(parse(Buffer.from([3, 180, 0, 0]))).toMatchObject({ ok: false, code: 'bad_version' });
    const b = buildCdp([cdp.deviceId('R1'), cdp.platform('cisco 1601')]);
    expect(parse(b.subarray(0, b.length - 2))).toMatchObject({ ok: false, code: 'bad_tlv' });
    expect(parse(buildCdp([Buffer.from([0, 1, 0, 2])]))).toMatchObject({ ok: false, code: 'bad_tlv' });
    expect(parse(buildCdp([cdpTlv(4, Buffer.alloc(3))]))).toMatchObject({ ok: false, code: 'bad_tlv' });
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 1, 0xcc, 0, 4, 10, 0, 0, 1]);
    expect(parse(buildCdp([cdpTlv(2, huge)]))).toMatchObject({ ok: false, code: 'bad_tlv' });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const sample = buildCdp([
      cdp.deviceId('a'),
      cdp.addresses('1.2.3.4', '::1'),
      cdp.capabilities(1),
      cdp.nativeVlan(1),
      cdp.duplex(false),
      cdp.platform('p'),
    ]);
    neverThrowsOnTruncations([sample], parseCdp);
    neverThrowsOnMutations({
      samples: [sample],
      parsers: [parseCdp],
      seed: 0x2000,
      shape: (r) => {
        if (r.length > 0) r[0] = 2;
      },
    });
  });
});
