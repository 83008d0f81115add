/** CDP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AnomalyObserved, AssetObserved, LineguardEvent } from '../../events/types.js';
import { llcSnap } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { buildCdp, CDP_MULTICAST, cdp, cdpFrame } from './build.js';
import { CDP_SNAP, CdpCap } from './consts.js';

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
    const events = await golden('cdp', frames);
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

const PCAPS = fileURLToPath(new URL('../../../../shared/pcaps/', import.meta.url));
const havePcaps = existsSync(PCAPS);

describe.skipIf(!havePcaps)(
  `cdp on public captures${havePcaps ? '' : ' (skipped: ../shared/pcaps absent)'}`,
  () => {
    it('cdp_v1.pcap: a Cisco 1601 router (tshark truth: device id, platform, software version)', async () => {
      const { events, summary } = await analyzeBytes(readFileSync(`${PCAPS}it/cdp_v1.pcap`));
      expect(summary.analyzerErrors).toBe(0);
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
      const { events } = await analyzeBytes(readFileSync(`${PCAPS}mixed/eip_control_protocol_change.pcap`));
      const ours = assets(events).filter((e) => e.protocol === 'cdp');
      expect(new Set(ours.map((e) => e.facts.model))).toEqual(new Set(['WS-CE500-24TT']));
      expect(ours[0]?.facts).toMatchObject({
        roleHint: 'switch',
        firmware: '12.2(25)SEG4',
        'cdp.native_vlan': '3',
      });
      expect(anomalies(events).filter((e) => e.protocol === 'cdp')).toEqual([]);
    });
  },
);

describe.runIf(!havePcaps && process.env.CI === 'true')('public captures under CI', () => {
  it('must be present', () => {
    expect.fail(`${PCAPS} is absent: CI must provide ../shared/pcaps`);
  });
});
