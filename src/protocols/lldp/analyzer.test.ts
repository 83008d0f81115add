/** LLDP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AnomalyObserved, AssetObserved, LineguardEvent } from '../../events/types.js';
import { ethernet } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { LLDP_MULTICAST, lldp, lldpFrame } from './build.js';
import { Cap, ETHERTYPE_LLDP, Med, Oui } from './consts.js';

/** Runs frames through the engine with the registry's analyzers; compares with `<name>.golden.json`. */
async function golden(name: string, frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames), { source: name });
  expect(summary.analyzerErrors).toBe(0);
  const got = events.filter((e) => e.kind === 'asset.observed' || e.kind === 'anomaly.observed');
  const file = fileURLToPath(new URL(`./${name}.golden.json`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`);
  expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  return got;
}

/** Random byte flips past `from` in every frame, run through the whole engine: analyzers never throw. */
async function fuzzFrames(frames: Buffer[], from: number, rounds = 40): Promise<void> {
  let seed = 0x5eed;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const out: Buffer[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      const m = Buffer.from(f);
      for (let k = 0; k <= r % 4; k++) m[from + (rand() % Math.max(1, m.length - from))] = rand() & 0xff;
      out.push(m);
    }
  }
  const { summary } = await analyzeBytes(writePcap(out));
  expect(summary.analyzerErrors).toBe(0);
}

const assets = (ev: LineguardEvent[]) => ev.filter((e): e is AssetObserved => e.kind === 'asset.observed');
const anomalies = (ev: LineguardEvent[]) =>
  ev.filter((e): e is AnomalyObserved => e.kind === 'anomaly.observed');

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
    const events = await golden('lldp', frames);
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

const PCAPS = fileURLToPath(new URL('../../../../shared/pcaps/', import.meta.url));
const havePcaps = existsSync(PCAPS);

describe.skipIf(!havePcaps)(
  `lldp on public captures${havePcaps ? '' : ' (skipped: ../shared/pcaps absent)'}`,
  () => {
    it('lldp.pcap: an SMC switch names itself (tshark truth: system name and description)', async () => {
      const { events, summary } = await analyzeBytes(readFileSync(`${PCAPS}it/lldp.pcap`));
      expect(summary.analyzerErrors).toBe(0);
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
      const { events } = await analyzeBytes(readFileSync(`${PCAPS}s7comm/opc_server_s7_lldp.pcap`));
      const facts = assets(events).filter((e) => e.protocol === 'lldp');
      expect(facts.map((e) => e.facts['lldp.chassis_id'])).toEqual(['win-ktdodndsgqb', 'plcxb1d0ed']);
      expect(facts[0]!.facts.name).toBe('WIN-KTDODNDSGQB');
      expect(anomalies(events).filter((e) => e.protocol === 'lldp')).toEqual([]);
    });
  },
);

describe.runIf(!havePcaps && process.env.CI === 'true')('public captures under CI', () => {
  it('must be present', () => {
    expect.fail(`${PCAPS} is absent: CI must provide ../shared/pcaps`);
  });
});
