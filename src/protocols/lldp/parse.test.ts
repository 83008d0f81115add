/** LLDP parser unit tests (IEEE 802.1AB §8.5, §9.2.7.7.1; TIA-1057 inventory), sysDescr heuristics; never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { lldp, tlv } from './build.js';
import { Cap, Med, Oui } from './consts.js';
import { parseLldp } from './parse.js';
import { describeSystem } from './sysdescr.js';

const { parse, ok } = wholeBuffer(parseLldp);

const head = [lldp.chassisMac('00:1b:1b:aa:bb:cc'), lldp.portText(5, 'P1'), lldp.ttl(120)];

describe('lldp parse (IEEE 802.1AB §8.5)', () => {
  it('reads the mandatory and optional TLVs', () => {
    const m = ok(
      Buffer.concat([
        ...head,
        lldp.portDescription('Port 1'),
        lldp.systemName('sw-cell-3'),
        lldp.systemDescription('Siemens, SIMATIC NET, SCALANCE XC208, FW: Version V04.01.00'),
        lldp.capabilities(Cap.BRIDGE | Cap.ROUTER, Cap.BRIDGE),
        lldp.managementIpv4('10.0.3.2'),
        lldp.org(Oui.IEEE_8021, 1, Buffer.from([0, 30])),
        lldp.org(0x00120f, 1, Buffer.from([3, 0x6c, 0, 0, 0x10])),
        lldp.end(),
        Buffer.alloc(20),
      ]),
    );
    expect(m).toEqual({
      chassisId: { subtype: 4, value: '00:1b:1b:aa:bb:cc' },
      portId: { subtype: 5, value: 'P1' },
      ttl: 120,
      portDescription: 'Port 1',
      systemName: 'sw-cell-3',
      systemDescription: 'Siemens, SIMATIC NET, SCALANCE XC208, FW: Version V04.01.00',
      capabilities: { system: Cap.BRIDGE | Cap.ROUTER, enabled: Cap.BRIDGE },
      managementAddresses: ['10.0.3.2'],
      portVlanId: 30,
      unknownTlvs: 1,
    });
  });

  it('reads LLDP-MED inventory and device class (TIA-1057 §10.2.2, §10.2.6)', () => {
    const m = ok(
      Buffer.concat([
        ...head,
        lldp.org(Oui.TIA_MED, Med.CAPABILITIES, Buffer.from([0, 0x33, 3])),
        lldp.medInventory(Med.HARDWARE_REVISION, 'Rev 2'),
        lldp.medInventory(Med.FIRMWARE_REVISION, '5.9.0.1'),
        lldp.medInventory(Med.SOFTWARE_REVISION, '5.9.0.10384'),
        lldp.medInventory(Med.SERIAL_NUMBER, '0004F2ABCDEF'),
        lldp.medInventory(Med.MANUFACTURER, 'Polycom'),
        lldp.medInventory(Med.MODEL, 'VVX 410'),
        lldp.medInventory(Med.ASSET_ID, 'A-17'),
      ]),
    );
    expect(m.med).toEqual({
      deviceClass: 3,
      hardwareRevision: 'Rev 2',
      firmwareRevision: '5.9.0.1',
      softwareRevision: '5.9.0.10384',
      serialNumber: '0004F2ABCDEF',
      manufacturer: 'Polycom',
      model: 'VVX 410',
      assetId: 'A-17',
    });
  });

  it('renders ID subtypes: network address, text, and hex for binary text subtypes', () => {
    const net = ok(
      Buffer.concat([
        tlv(1, Buffer.from([5, 1, 10, 0, 0, 1])),
        tlv(2, Buffer.from([3, 1, 2, 3, 4, 5, 6])),
        lldp.ttl(1),
      ]),
    );
    expect(net.chassisId).toEqual({ subtype: 5, value: '10.0.0.1' });
    expect(net.portId).toEqual({ subtype: 3, value: '01:02:03:04:05:06' });
    const bin = ok(
      Buffer.concat([tlv(1, Buffer.from([7, 0, 1, 0xfe])), lldp.portText(7, 'port-001'), lldp.ttl(1)]),
    );
    expect(bin.chassisId).toEqual({ subtype: 7, value: '0001fe' });
  });

  it('accepts a missing End TLV', () => {
    expect(ok(Buffer.concat(head)).ttl).toBe(120);
  });

  it('rejects out-of-order or missing mandatory TLVs (§9.2.7.7.1)', () => {
    expect(parse(Buffer.concat([head[1]!, head[0]!, head[2]!]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
    expect(parse(Buffer.concat([head[0]!, head[1]!, lldp.end()]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
    expect(parse(Buffer.concat([tlv(1, Buffer.from([4])), head[1]!, head[2]!]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
  });

  it('rejects TLVs past the end and malformed fixed-size TLVs', () => {
    const b = Buffer.concat([...head, lldp.systemName('abc')]);
    expect(parse(b.subarray(0, b.length - 1))).toMatchObject({ ok: false, code: 'truncated' });
    expect(parse(b.subarray(0, 1))).toMatchObject({ ok: false, code: 'too_short' });
    expect(parse(Buffer.concat([...head, tlv(7, Buffer.alloc(3))]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
    expect(parse(Buffer.concat([...head, tlv(8, Buffer.from([40, 1]))]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
    expect(parse(Buffer.concat([...head, tlv(127, Buffer.from([0, 0x12]))]))).toMatchObject({
      ok: false,
      code: 'bad_tlv',
    });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const sample = Buffer.concat([
      ...head,
      lldp.systemName('x'),
      lldp.capabilities(4, 4),
      lldp.managementIpv4('1.2.3.4'),
      lldp.medInventory(Med.MODEL, 'm'),
      lldp.end(),
    ]);
    neverThrowsOnTruncations([sample], parseLldp);
    neverThrowsOnMutations({ samples: [sample], parsers: [parseLldp], seed: 0x88cc });
  });
});

describe('system description heuristics', () => {
  it.each([
    [
      'Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version V04.01.00, SVPL6137896',
      { vendor: 'Siemens', model: 'SCALANCE XC208', firmware: 'V04.01.00' },
    ],
    [
      'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE, RELEASE SOFTWARE (fc2)',
      { vendor: 'Cisco', firmware: '12.2(55)SE' },
    ],
    ['SMCGS8P-Smart - SMCGS8P-Smart v3.20', { vendor: 'SMC Networks', firmware: '3.20' }],
    [
      'Juniper Networks, Inc. ex2200-24t-4g , version 12.3R6.6 Build date: 2014-03-13',
      { vendor: 'Juniper Networks', firmware: '12.3R6.6' },
    ],
    ['Hirschmann Railswitch RSP35 HiOS-2A-06.0.02', { vendor: 'Hirschmann', model: 'RSP35' }],
    ['Moxa EDS-408A Firmware V3.8 build 18041115', { vendor: 'Moxa', model: 'EDS-408A', firmware: '3.8' }],
    ['Linux 5.15.0-91-generic #101-Ubuntu SMP x86_64', {}],
  ])('%s', (text, want) => {
    expect(describeSystem(text)).toEqual(want);
  });
});
