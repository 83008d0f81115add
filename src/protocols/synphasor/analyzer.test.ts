/** C37.118 analyzer: golden traces (tcp PDC ↔ PMU, udp stream), operations, malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { command, config2, dataFrame } from './build.js';

const pdc: Host = { mac: '02:00:00:00:05:14', ip: '10.6.0.20' };
const pmu: Host = { mac: '00:30:a7:00:0d:3a', ip: '10.6.0.241' };

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

describe('synphasor analyzer (golden traces)', () => {
  it('tcp: CFG-2 names the PMU; commands are operations; data frames are not', async () => {
    const s = new TcpSession(pdc, pmu, 36835, 4712).open();
    s.send(command(241, 5));
    s.reply(config2(241, [{ name: 'Blue PMU', idcode: 241, phasors: 4 }]), 50);
    s.send(command(241, 2));
    s.reply(Buffer.concat([dataFrame(241, 4), dataFrame(241, 4), dataFrame(241, 4)]), 70);
    s.send(command(241, 1));
    s.close();
    const events = await golden(import.meta.url, 'synphasor-tcp', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: pmu.ip },
        {
          'synphasor.idcode': '241',
          'synphasor.station_name': 'Blue PMU',
          name: 'Blue PMU',
          roleHint: 'pmu',
        },
      ],
      [{ ip: pmu.ip }, { 'synphasor.idcode': '241', roleHint: 'pmu' }],
    ]);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)).toEqual([
      ['read', '5', 'IDCODE 241', true],
      ['control', '2', 'IDCODE 241', undefined],
      ['control', '1', 'IDCODE 241', undefined],
    ]);
  });

  it('udp on another port is recognised by a good CRC; malformed frames → anomalies, no throw', async () => {
    const bad = dataFrame(7, 1);
    bad[16]! ^= 0xff;
    const frames = [
      udpFrame(pmu, pdc, 5000, 5001, dataFrame(7, 1)),
      udpFrame(pmu, pdc, 5000, 5001, bad),
      udpFrame(pmu, pdc, 5000, 5001, Buffer.from([0xaa, 0x01, 0x10, 0x00])),
      udpFrame(pmu, pdc, 5000, 5001, Buffer.from('not a frame')),
    ];
    const events = await golden(import.meta.url, 'synphasor-malformed', frames);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'synphasor.crc_mismatch',
      'synphasor.bad_length',
      'synphasor.bad_sync',
    ]);
  });
});

describePublicCaptures('synphasor', () => {
  it('c37118_1pmu_tcp.pcap: one PMU "Blue PMU" (IDCODE 241) polled by a PDC', async () => {
    const events = await analyzePublic('other/c37118_1pmu_tcp.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'synphasor');
    expect(facts.map((e) => [e.at, e.facts])).toContainEqual([
      { ip: '192.168.0.241' },
      { 'synphasor.idcode': '241', 'synphasor.station_name': 'Blue PMU', name: 'Blue PMU', roleHint: 'pmu' },
    ]);
    expect(ops(events)).toEqual([
      ['read', '5', 'IDCODE 241', true],
      ['control', '2', 'IDCODE 241', undefined],
      ['control', '1', 'IDCODE 241', undefined],
    ]);
    expect(anomalies(events).filter((e) => e.protocol === 'synphasor')).toEqual([]);
  });
});
