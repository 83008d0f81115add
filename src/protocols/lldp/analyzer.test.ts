/** LLDP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { ethernet } from '../../sim/frames.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { LLDP_MULTICAST, lldp, lldpFrame } from './build.js';
import { Cap, ETHERTYPE_LLDP, Med, Oui } from './consts.js';

describe('lldp analyzer (golden trace)', () => {
  it('a switch, a phone with LLDP-MED inventory and a tagged router; malformed LLDPDUs', async () => {
    const sw = '00:1b:1b:aa:bb:01';
    const swTlvs = [
      lldp.chassisMac('00:1b:1b:aa:bb:00'),
      lldp.portText(7, 'P1'),
      lldp.ttl(20),
      lldp.systemName('sw-cell-3'),
      lldp.systemDescription(
        'Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version V04.01.00',
      ),
      lldp.capabilities(Cap.BRIDGE | Cap.ROUTER, Cap.BRIDGE),
      lldp.managementIpv4('10.0.3.2'),
      lldp.end(),
    ];
    const phone = '00:04:f2:ab:cd:ef';
    const phoneTlvs = [
      lldp.chassisMac(phone),
      lldp.portMac(phone),
      lldp.ttl(120),
      lldp.capabilities(Cap.BRIDGE | Cap.TELEPHONE, Cap.BRIDGE | Cap.TELEPHONE),
      lldp.org(Oui.TIA_MED, Med.CAPABILITIES, Buffer.from([0, 0x33, 3])),
      lldp.medInventory(Med.FIRMWARE_REVISION, '5.9.0.1'),
      lldp.medInventory(Med.SERIAL_NUMBER, '0004F2ABCDEF'),
      lldp.medInventory(Med.MANUFACTURER, 'Polycom'),
      lldp.medInventory(Med.MODEL, 'VVX 410'),
      lldp.end(),
    ];
    const router = '02:00:00:00:0a:01';
    const frames = [
      lldpFrame(sw, swTlvs),
      lldpFrame(sw, swTlvs),
      lldpFrame(phone, phoneTlvs),
      lldpFrame(
        router,
        [
          lldp.chassisMac(router),
          lldp.portText(5, 'ge-0/0/1'),
          lldp.ttl(120),
          lldp.systemName('edge-rtr'),
          lldp.systemDescription('Juniper Networks, Inc. srx300 internet router, kernel JUNOS 21.4R3-S4.9'),
          lldp.capabilities(Cap.ROUTER | Cap.BRIDGE, Cap.ROUTER),
          lldp.end(),
        ],
        { vlan: 100 },
      ),
      // Port ID before chassis ID, then a TLV that runs off the frame.
      ethernet(
        '02:00:00:00:00:66',
        LLDP_MULTICAST,
        ETHERTYPE_LLDP,
        Buffer.concat([lldp.portText(7, 'x'), lldp.chassisMac(sw), lldp.ttl(1)]),
      ),
      ethernet(
        '02:00:00:00:00:67',
        LLDP_MULTICAST,
        ETHERTYPE_LLDP,
        Buffer.concat([lldp.chassisMac(sw), Buffer.from([0x04, 0xff])]),
      ),
    ];
    const events = await golden(import.meta.url, 'lldp', frames);
    await fuzzFrames(frames, 14);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { mac: sw },
        {
          'lldp.chassis_id': '00:1b:1b:aa:bb:00',
          'lldp.port_id': 'P1',
          name: 'sw-cell-3',
          'lldp.system_name': 'sw-cell-3',
          'lldp.system_description':
            'Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version V04.01.00',
          vendor: 'Siemens',
          model: 'SCALANCE XC208',
          firmware: 'V04.01.00',
          'lldp.capabilities': 'bridge',
          roleHint: 'switch',
          'lldp.management_address': '10.0.3.2',
        },
      ],
      [
        { mac: phone },
        {
          'lldp.chassis_id': phone,
          'lldp.port_id': phone,
          'lldp.capabilities': 'bridge,telephone',
          roleHint: 'phone',
          vendor: 'Polycom',
          model: 'VVX 410',
          firmware: '5.9.0.1',
          serial: '0004F2ABCDEF',
        },
      ],
      [
        { mac: router, vlan: 100 },
        {
          'lldp.chassis_id': router,
          'lldp.port_id': 'ge-0/0/1',
          name: 'edge-rtr',
          'lldp.system_name': 'edge-rtr',
          'lldp.system_description':
            'Juniper Networks, Inc. srx300 internet router, kernel JUNOS 21.4R3-S4.9',
          vendor: 'Juniper Networks',
          firmware: '21.4R3-S4.9',
          'lldp.capabilities': 'router',
          roleHint: 'router',
        },
      ],
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['lldp.bad_tlv', 'lldp.truncated']);
  });
});

describePublicCaptures('lldp', () => {
  it('lldp.pcap: an SMC switch names itself (tshark truth: system name and description)', async () => {
    const events = await analyzePublic('it/lldp.pcap');
    const [e] = assets(events);
    expect(e?.at).toEqual({ mac: '00:22:2d:81:db:10' });
    expect(e?.facts).toMatchObject({
      'lldp.system_name': 'SMCGS8P-Smart',
      'lldp.system_description': 'SMCGS8P-Smart - SMCGS8P-Smart v3.20',
      'lldp.chassis_id': '00:22:2d:81:db:10',
      'lldp.management_address': '192.168.2.10',
      roleHint: 'switch',
      firmware: '3.20',
    });
  });

  it('opc_server_s7_lldp.pcap: a Windows host and a PROFINET PLC with text chassis IDs', async () => {
    const events = await analyzePublic('s7comm/opc_server_s7_lldp.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'lldp');
    expect(facts.map((e) => e.facts['lldp.chassis_id'])).toEqual(['win-ktdodndsgqb', 'plcxb1d0ed']);
    expect(facts[0]!.facts.name).toBe('WIN-KTDODNDSGQB');
    expect(anomalies(events).filter((e) => e.protocol === 'lldp')).toEqual([]);
  });
});
