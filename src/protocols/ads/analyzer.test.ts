/** Beckhoff ADS analyzer: golden traces (AMS/TCP, UDP add route), operations, malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { adsUdp, ams, deviceInfo, indexData } from './build.js';

const ews: Host = { mac: '02:00:00:00:07:63', ip: '10.8.0.99' };
const cx: Host = { mac: '00:01:05:0d:75:60', ip: '10.8.0.8' };
const PLC = '5.13.117.96.1.1';
const EWS = '10.8.0.99.1.1';

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

const req = (command: number, invokeId: number, data?: Buffer, targetPort = 851) =>
  ams({ target: PLC, targetPort, source: EWS, sourcePort: 32771, command, invokeId, data });
const rsp = (command: number, invokeId: number, data: Buffer, targetPort = 851) =>
  ams({
    target: EWS,
    targetPort: 32771,
    source: PLC,
    sourcePort: targetPort,
    command,
    invokeId,
    data,
    response: true,
  });

describe('ads analyzer (golden traces)', () => {
  it('tcp: device info identity; read, write, write control (stop) as operations', async () => {
    const s = new TcpSession(ews, cx, 49206, 48898).open();
    s.send(req(1, 1));
    s.reply(rsp(1, 1, deviceInfo('Plc30 App', 3, 1, 4024)));
    s.send(req(2, 2, indexData(0x4020, 0, 4)));
    s.reply(rsp(2, 2, Buffer.concat([Buffer.alloc(4), Buffer.from([4, 0, 0, 0, 1, 2, 3, 4])])));
    s.send(req(3, 3, Buffer.concat([indexData(0x4020, 4, 2), Buffer.from([1, 0])])));
    s.reply(rsp(3, 3, Buffer.from([0x06, 0x07, 0, 0])));
    s.send(req(5, 4, Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]), 10000), 10);
    s.reply(rsp(5, 4, Buffer.alloc(4), 10000));
    s.close();
    const events = await golden(import.meta.url, 'ads-tcp', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ ip: cx.ip }, { vendor: 'Beckhoff', 'ads.ams_net_id': PLC }],
      [
        { ip: cx.ip },
        { 'ads.version': '3.1.4024', firmware: '3.1.4024', roleHint: 'plc', 'ads.device_name': 'Plc30 App' },
      ],
    ]);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)).toEqual([
      ['identify', '1', 'port 851', true],
      ['read', '2', 'port 851 group 0x4020 offset 0x0', true],
      ['write', '3', 'port 851 group 0x4020 offset 0x4', false],
      ['control', '5', 'port 10000', true],
    ]);
  });

  it('udp: add route is control, discovery answers name the host; malformed → anomalies, no throw', async () => {
    const frames = [
      udpFrame(
        ews,
        cx,
        48899,
        48899,
        adsUdp(7, 6, EWS, 10000, [
          [12, Buffer.from('EWS-01\0')],
          [2, Buffer.from('secret\0')],
        ]),
      ),
      udpFrame(cx, ews, 48899, 48899, adsUdp(7, 0x80000006, PLC, 10000, [[1, Buffer.alloc(4)]])),
      udpFrame(ews, cx, 48899, 48899, adsUdp(8, 1, EWS, 10000, [])),
      udpFrame(
        cx,
        ews,
        48899,
        48899,
        adsUdp(8, 0x80000001, PLC, 10000, [
          [5, Buffer.from('CX-0D7560\0')],
          [3, Buffer.from([3, 1, 0xb8, 0x0f])],
        ]),
      ),
      udpFrame(
        ews,
        cx,
        48899,
        48899,
        Buffer.concat([adsUdp(9, 1, EWS, 1, []).subarray(0, 20), Buffer.from([5, 0, 0, 0])]),
      ),
    ];
    const events = await golden(import.meta.url, 'ads-udp', frames);
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(assets(events).map((e) => e.facts)).toContainEqual({
      vendor: 'Beckhoff',
      'ads.ams_net_id': PLC,
      'ads.host_name': 'CX-0D7560',
      name: 'CX-0D7560',
      'ads.twincat_version': '3.1.4024',
    });
    expect(anomalies(events).map((e) => e.code)).toEqual(['ads.bad_udp']);
    const { events: all } = await analyzeBytes(writePcap(frames));
    expect(ops(all)).toEqual([
      ['control', 'udp 6', 'route EWS-01', true],
      ['identify', 'udp 1', undefined, true],
    ]);
  });
});

describePublicCaptures('ads', () => {
  it('beckhoff_ads_addroute.pcapng: add route then read state of a CX', async () => {
    const events = await analyzePublic('other/beckhoff_ads_addroute.pcapng');
    expect(
      assets(events)
        .filter((e) => e.protocol === 'ads')
        .map((e) => [e.at, e.facts]),
    ).toContainEqual([{ ip: '192.168.1.8' }, { vendor: 'Beckhoff', 'ads.ams_net_id': '5.13.117.96.1.1' }]);
    expect(ops(events)).toEqual([
      ['control', 'udp 6', 'route SHENHUAJ6-PC', true],
      ['diagnostic', '4', 'port 10000', true],
      ['control', 'udp 6', 'route SHENHUAJ6-PC', true],
      ['diagnostic', '4', 'port 10000', true],
    ]);
    expect(anomalies(events).filter((e) => e.protocol === 'ads')).toEqual([]);
  });
});
