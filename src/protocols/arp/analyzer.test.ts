/** ARP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AnomalyObserved, AssetObserved, LineguardEvent } from '../../events/types.js';
import { ethernet } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { arpFrame, arpPayload } from './build.js';

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

const plc = { mac: '00:1d:9c:c8:03:e7', ip: '192.168.0.10' };
const hmi = { mac: '00:0c:29:e8:32:7a', ip: '192.168.0.20' };

describe('arp analyzer (golden trace)', () => {
  it('binds senders of requests, replies and announcements; probes bind nothing', async () => {
    const req = { op: 1, senderMac: hmi.mac, senderIp: hmi.ip, targetIp: plc.ip };
    const oddLengths = Buffer.from(arpPayload(req));
    oddLengths[4] = 20;
    oddLengths[5] = 20;
    const badHeader = Buffer.concat([arpPayload(req), Buffer.alloc(4)]);
    badHeader[4] = 8;
    const frames = [
      arpFrame(req),
      arpFrame(req),
      arpFrame({ op: 2, senderMac: plc.mac, senderIp: plc.ip, targetMac: hmi.mac, targetIp: hmi.ip }),
      // RFC 5227: probe, then announcement, from a drive coming up.
      arpFrame({ op: 1, senderMac: '00:00:bc:3e:eb:e4', senderIp: '0.0.0.0', targetIp: '192.168.0.30' }),
      arpFrame({ op: 1, senderMac: '00:00:bc:3e:eb:e4', senderIp: '192.168.0.30', targetIp: '192.168.0.30' }),
      arpFrame(
        { op: 1, senderMac: '02:00:00:00:00:44', senderIp: '10.10.0.4', targetIp: '10.10.0.1' },
        { vlan: 10 },
      ),
      // A frame from one MAC claiming another's binding.
      arpFrame(
        { op: 2, senderMac: plc.mac, senderIp: '192.168.0.1', targetMac: hmi.mac, targetIp: hmi.ip },
        { src: '02:66:66:66:66:66' },
      ),
      arpFrame({ op: 2, senderMac: '01:00:5e:00:00:01', senderIp: '192.168.0.99', targetIp: hmi.ip }),
      ethernet(hmi.mac, 'ff:ff:ff:ff:ff:ff', 0x0806, oddLengths),
      ethernet(hmi.mac, 'ff:ff:ff:ff:ff:ff', 0x0806, badHeader),
    ];
    const events = await golden('arp', frames);
    await fuzzFrames(frames, 14);
    expect(assets(events).map((e) => e.at)).toEqual([
      { mac: hmi.mac, ip: hmi.ip },
      { mac: plc.mac, ip: plc.ip },
      { mac: '00:00:bc:3e:eb:e4', ip: '192.168.0.30' },
      { mac: '02:00:00:00:00:44', ip: '10.10.0.4', vlan: 10 },
      { mac: plc.mac, ip: '192.168.0.1' },
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'arp.sender_mismatch',
      'arp.bad_sender',
      'arp.bad_length',
      'arp.bad_header',
    ]);
  });
});

const PCAPS = fileURLToPath(new URL('../../../../shared/pcaps/', import.meta.url));
const havePcaps = existsSync(PCAPS);

describe.skipIf(!havePcaps)(
  `arp on public captures${havePcaps ? '' : ' (skipped: ../shared/pcaps absent)'}`,
  () => {
    it('eip_control_protocol_change.pcap: requests, a reply and announcements bind; probes do not', async () => {
      const { events, summary } = await analyzeBytes(
        readFileSync(`${PCAPS}mixed/eip_control_protocol_change.pcap`),
      );
      expect(summary.analyzerErrors).toBe(0);
      const at = assets(events)
        .filter((e) => e.protocol === 'arp')
        .map((e) => e.at);
      expect(at).toContainEqual({ mac: '00:0c:29:e8:32:7a', ip: '192.168.10.22' });
      expect(at).toContainEqual({ mac: '00:1d:09:99:b2:2c', ip: '192.168.10.105' });
      expect(at.some((a) => a.ip === '192.168.10.131')).toBe(true);
      // The probe ("Who has 192.168.10.120?" from 0.0.0.0) binds nothing; the later announcement does.
      expect(at.some((a) => a.ip === '0.0.0.0')).toBe(false);
      expect(at).toContainEqual({ mac: '00:00:bc:3e:eb:e4', ip: '192.168.10.120' });
      expect(anomalies(events).filter((e) => e.protocol === 'arp')).toEqual([]);
    });
  },
);

describe.runIf(!havePcaps && process.env.CI === 'true')('public captures under CI', () => {
  it('must be present', () => {
    expect.fail(`${PCAPS} is absent: CI must provide ../shared/pcaps`);
  });
});
