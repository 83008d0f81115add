/** NBNS analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AnomalyObserved, AssetObserved, LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { buildNbns, encodeName, nbRecord, nbstatRData } from './build.js';
import { NbOpcode, NbType } from './consts.js';

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

const hmi: Host = { mac: '00:0c:29:e8:32:7a', ip: '10.0.0.21' };
const ews: Host = { mac: 'b8:ae:ed:7e:1b:4c', ip: '10.0.0.30' };
const dc: Host = { mac: '00:15:5d:00:00:10', ip: '10.0.0.10' };
const bcast: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '10.0.0.255' };

describe('nbns analyzer (golden trace)', () => {
  it('registrations, query responses and node status name their hosts; queries do not', async () => {
    const register = (h: Host, name: string, suffix: number, group = false) =>
      udpFrame(
        h,
        bcast,
        137,
        137,
        buildNbns({
          opcode: NbOpcode.REGISTRATION,
          broadcast: true,
          recursionDesired: true,
          questions: [{ name, suffix }],
          additional: [nbRecord(name, suffix, [{ ip: h.ip, group }])],
        }),
      );
    const query = buildNbns({ id: 7, broadcast: true, questions: [{ name: 'HISTORIAN', suffix: 0x20 }] });
    const answer = buildNbns({
      id: 7,
      response: true,
      authoritative: true,
      answers: [nbRecord('HISTORIAN', 0x20, [{ ip: '10.0.0.40' }])],
    });
    const status = buildNbns({
      id: 8,
      response: true,
      authoritative: true,
      answers: [
        {
          name: encodeName('*', 0),
          type: NbType.NBSTAT,
          ttl: 0,
          data: {
            raw: nbstatRData(
              [
                { name: 'EWS-01', suffix: 0 },
                { name: 'PLANT', suffix: 0, group: true },
                { name: 'EWS-01', suffix: 0x20 },
              ],
              ews.mac,
            ),
          },
        },
      ],
    });
    const frames = [
      register(hmi, 'HMI-01', 0),
      register(hmi, 'HMI-01', 0),
      register(hmi, 'PLANT', 0, true),
      register(dc, 'PLANT', 0x1c, true),
      udpFrame(hmi, bcast, 137, 137, query),
      // A WINS-like responder on another host answers for the historian.
      udpFrame(dc, hmi, 137, 137, answer),
      udpFrame(ews, hmi, 137, 137, status),
      udpFrame(dc, hmi, 137, 137, Buffer.from(answer.subarray(0, 30))),
    ];
    const events = await golden('nbns', frames);
    await fuzzFrames(frames, 42);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { mac: hmi.mac, ip: hmi.ip },
        { name: 'HMI-01', 'nbns.name': 'HMI-01' },
      ],
      [{ mac: hmi.mac, ip: hmi.ip }, { 'nbns.group': 'PLANT' }],
      [
        { mac: dc.mac, ip: dc.ip },
        { roleHint: 'domain-controller', 'nbns.domain': 'PLANT' },
      ],
      [{ ip: '10.0.0.40' }, { name: 'HISTORIAN', 'nbns.name': 'HISTORIAN' }],
      [
        { ip: ews.ip, mac: ews.mac },
        { name: 'EWS-01', 'nbns.name': 'EWS-01', 'nbns.group': 'PLANT' },
      ],
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['nbns.truncated']);
  });
});

const PCAPS = fileURLToPath(new URL('../../../../shared/pcaps/', import.meta.url));
const havePcaps = existsSync(PCAPS);

describe.skipIf(!havePcaps)(
  `nbns on public captures${havePcaps ? '' : ' (skipped: ../shared/pcaps absent)'}`,
  () => {
    it('beckhoff_ads_addroute.pcapng: query response and node status', async () => {
      const { events, summary } = await analyzeBytes(
        readFileSync(`${PCAPS}other/beckhoff_ads_addroute.pcapng`),
      );
      expect(summary.analyzerErrors).toBe(0);
      const facts = assets(events)
        .filter((e) => e.protocol === 'nbns')
        .map((e) => [e.at, e.facts]);
      expect(facts).toEqual([
        [
          { mac: '00:01:05:0d:75:60', ip: '192.168.1.8' },
          { name: 'CX_0D7560', 'nbns.name': 'CX_0D7560' },
        ],
        [
          { ip: '192.168.1.99', mac: 'b8:ae:ed:7e:1b:4c' },
          { name: 'SHENHUAJ6-PC', 'nbns.name': 'SHENHUAJ6-PC', 'nbns.group': 'WORKGROUP' },
        ],
      ]);
      expect(anomalies(events).filter((e) => e.protocol === 'nbns')).toEqual([]);
    });

    it('eip_control_protocol_change.pcap: DBLICENSESERVER<20> answers for itself', async () => {
      const { events } = await analyzeBytes(readFileSync(`${PCAPS}mixed/eip_control_protocol_change.pcap`));
      const at = assets(events).filter((e) => e.protocol === 'nbns' && e.facts.name === 'DBLICENSESERVER');
      expect(at.length).toBeGreaterThan(0);
      expect(at[0]!.at).toEqual({ mac: '00:1d:09:99:b2:2c', ip: '192.168.10.105' });
    });
  },
);

describe.runIf(!havePcaps && process.env.CI === 'true')('public captures under CI', () => {
  it('must be present', () => {
    expect.fail(`${PCAPS} is absent: CI must provide ../shared/pcaps`);
  });
});
