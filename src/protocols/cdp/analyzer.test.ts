/** CDP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { llcSnap } from '../../sim/frames.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { buildCdp, CDP_MULTICAST, cdp, cdpFrame } from './build.js';
import { CDP_SNAP, CdpCap } from './consts.js';

describe('cdp analyzer (golden trace)', () => {
  it('a Stratix switch and a Cisco phone describe themselves; repeats are quiet; bad PDUs are anomalies', async () => {
    const sw = '00:1d:9c:00:10:01';
    const swPdu = buildCdp([
      cdp.deviceId('stratix-cell3'),
      cdp.addresses('10.0.3.3'),
      cdp.portId('FastEthernet1/4'),
      cdp.capabilities(CdpCap.SWITCH | CdpCap.ROUTER | 0x20),
      cdp.softwareVersion(
        'Cisco IOS Software, IE2000 Software (IE2000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\nCopyright (c) 1986-2021 by Cisco Systems, Inc.',
      ),
      cdp.platform('cisco IE-2000-8TC-G-B'),
      cdp.nativeVlan(30),
      cdp.managementAddresses('10.0.3.3'),
    ]);
    const phone = '00:1b:d4:aa:bb:01';
    const phonePdu = buildCdp([
      cdp.deviceId('SEP001BD4AABB01'),
      cdp.addresses('10.0.5.40'),
      cdp.portId('Port 1'),
      cdp.capabilities(CdpCap.PHONE | 0x10 | CdpCap.TRANS_BRIDGE),
      cdp.softwareVersion('SCCP75.9-4-2SR3-1S'),
      cdp.platform('Cisco IP Phone 7965'),
    ]);
    const frames = [
      cdpFrame(sw, swPdu),
      cdpFrame(sw, swPdu),
      cdpFrame(phone, phonePdu),
      llcSnap('02:00:00:00:00:66', CDP_MULTICAST, CDP_SNAP.oui, CDP_SNAP.pid, Buffer.from([9, 180, 0, 0])),
      cdpFrame(
        '02:00:00:00:00:67',
        Buffer.concat([Buffer.from([2, 180, 0, 0, 0, 1, 0x01, 0x00]), Buffer.from('R1')]),
      ),
      cdpFrame(
        '02:00:00:00:00:68',
        Buffer.concat([Buffer.from([2, 180, 0x12, 0x34]), cdp.deviceId('forged')]),
      ),
    ];
    const events = await golden(import.meta.url, 'cdp', frames);
    await fuzzFrames(frames, 22);
    expect(assets(events).map((e) => [e.at, e.facts])).toMatchObject([
      [
        { mac: sw },
        {
          name: 'stratix-cell3',
          'cdp.device_id': 'stratix-cell3',
          vendor: 'Cisco',
          'cdp.platform': 'cisco IE-2000-8TC-G-B',
          model: 'IE-2000-8TC-G-B',
          'cdp.software_version':
            'Cisco IOS Software, IE2000 Software (IE2000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\nCopyright (c) 1986-2021 by Cisco Systems, Inc.',
          firmware: '15.2(7)E4',
          'cdp.port_id': 'FastEthernet1/4',
          'cdp.capabilities': 'router,switch,igmp',
          roleHint: 'switch',
          'cdp.address': '10.0.3.3',
          'cdp.management_address': '10.0.3.3',
          'cdp.native_vlan': '30',
        },
      ],
      [
        { mac: phone },
        {
          name: 'SEP001BD4AABB01',
          'cdp.device_id': 'SEP001BD4AABB01',
          vendor: 'Cisco',
          'cdp.platform': 'Cisco IP Phone 7965',
          model: 'IP Phone 7965',
          'cdp.software_version': 'SCCP75.9-4-2SR3-1S',
          'cdp.port_id': 'Port 1',
          'cdp.capabilities': 'trans-bridge,host,phone',
          roleHint: 'phone',
          'cdp.address': '10.0.5.40',
        },
      ],
      [{ mac: '02:00:00:00:00:68' }, { name: 'forged' }],
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'cdp.bad_version',
      'cdp.bad_tlv',
      'cdp.bad_checksum',
    ]);
  });
});

describePublicCaptures('cdp', () => {
  it('cdp_v1.pcap: a Cisco 1601 router (tshark truth: device id, platform, software version)', async () => {
    const events = await analyzePublic('it/cdp_v1.pcap');
    const [e] = assets(events);
    expect(e?.at).toEqual({ mac: '00:e0:1e:d5:d5:15' });
    expect(e?.facts).toMatchObject({
      'cdp.device_id': 'R1',
      'cdp.platform': 'cisco 1601',
      vendor: 'Cisco',
      model: '1601',
      firmware: '11.2(12)P',
      roleHint: 'router',
      'cdp.address': '192.168.10.1',
    });
    for (const line of [
      'Cisco Internetwork Operating System Software',
      'IOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, RELEASE SOFTWARE (fc1)',
      'Copyright (c) 1986-1998 by cisco Systems, Inc.',
      'Compiled Tue 03-Mar-98 06:33 by dschwart',
    ]) {
      expect(e?.facts['cdp.software_version']?.split('\n')).toContain(line);
    }
    // Its checksum (odd length, Cisco's way) is one tshark calls correct.
    expect(anomalies(events)).toEqual([]);
  });

  it('eip_control_protocol_change.pcap: a CE500 switch, once per flow', async () => {
    const events = await analyzePublic('mixed/eip_control_protocol_change.pcap');
    const ours = assets(events).filter((e) => e.protocol === 'cdp');
    expect(new Set(ours.map((e) => e.facts.model))).toEqual(new Set(['WS-CE500-24TT']));
    expect(ours[0]?.facts).toMatchObject({
      roleHint: 'switch',
      firmware: '12.2(25)SEG4',
      'cdp.native_vlan': '3',
    });
    expect(anomalies(events).filter((e) => e.protocol === 'cdp')).toEqual([]);
  });
});
