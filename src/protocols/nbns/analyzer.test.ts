/** NBNS analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { type Host, udpFrame } from '../../sim/frames.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { buildNbns, encodeName, nbRecord, nbstatRData } from './build.js';
import { NbOpcode, NbType } from './consts.js';

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
    const events = await golden(import.meta.url, 'nbns', frames);
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

describePublicCaptures('nbns', () => {
  it('beckhoff_ads_addroute.pcapng: query response and node status', async () => {
    const events = await analyzePublic('other/beckhoff_ads_addroute.pcapng');
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
    const events = await analyzePublic('mixed/eip_control_protocol_change.pcap');
    const at = assets(events).filter((e) => e.protocol === 'nbns' && e.facts.name === 'DBLICENSESERVER');
    expect(at.length).toBeGreaterThan(0);
    expect(at[0]!.at).toEqual({ mac: '00:1d:09:99:b2:2c', ip: '192.168.10.105' });
  });
});
