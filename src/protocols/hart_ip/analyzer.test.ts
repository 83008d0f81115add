/** HART-IP analyzer: golden traces (udp and tcp), operations, malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { hartIp, longTagData, pduRequest, pduResponse, sessionInitiate, uniqueIdData } from './build.js';
import { MsgId, MsgType } from './consts.js';

const host: Host = { mac: '02:00:00:00:01:01', ip: '10.2.0.101' };
const gw: Host = { mac: '00:26:16:00:00:d2', ip: '10.2.0.10' };
const dev = { long: '264e0000d2' };

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

describe('hart_ip analyzer (golden traces)', () => {
  it('udp: identity from command 0 and 20, operations paired by sequence number', async () => {
    const frames = [
      udpFrame(host, gw, 49905, 5094, sessionInitiate(1)),
      udpFrame(gw, host, 5094, 49905, sessionInitiate(1, true)),
      udpFrame(host, gw, 49905, 5094, pduRequest(2, dev, 0)),
      udpFrame(
        gw,
        host,
        5094,
        49905,
        pduResponse(2, dev, 0, uniqueIdData({ deviceType: 0x264e, manufacturer: 38, deviceId: '0000d2' })),
      ),
      udpFrame(host, gw, 49905, 5094, pduRequest(3, dev, 20)),
      udpFrame(gw, host, 5094, 49905, pduResponse(3, dev, 20, longTagData('wihartgw'))),
      udpFrame(host, gw, 49905, 5094, pduRequest(4, dev, 42)),
      udpFrame(gw, host, 5094, 49905, pduResponse(4, dev, 42, Buffer.alloc(0), 16)),
      udpFrame(host, gw, 49905, 5094, pduRequest(5, { short: 0 }, 6, Buffer.from([3, 0]))),
      udpFrame(host, gw, 49905, 5094, hartIp(MsgType.REQUEST, MsgId.SESSION_CLOSE, 6)),
    ];
    const events = await golden(import.meta.url, 'hart_ip-udp', frames);
    await fuzzFrames(frames, 42);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: gw.ip },
        {
          'hart_ip.manufacturer_id': '38',
          'hart_ip.device_type': '0x264e',
          'hart_ip.device_id': '0000d2',
          'hart_ip.universal_revision': '7',
          firmware: '1',
          roleHint: 'field-device',
          vendor: 'Rosemount',
        },
      ],
      [{ ip: gw.ip }, { name: 'wihartgw', 'hart_ip.long_tag': 'wihartgw' }],
    ]);
  });

  it('tcp: messages split across segments; unanswered requests come out at the end without ok', async () => {
    const s = new TcpSession(host, gw, 49559, 5094).open();
    s.send(sessionInitiate(1));
    s.reply(sessionInitiate(1, true));
    const req = Buffer.concat([pduRequest(2, dev, 1), pduRequest(3, dev, 38)]);
    s.send(req, 7);
    s.reply(pduResponse(2, dev, 1, Buffer.from([0xfb, 0, 0, 0, 0])), 5);
    s.close();
    const { analyzeBytes } = await import('../../capture/analyze.js');
    const { writePcap } = await import('../../sim/pcap-writer.js');
    const { events, summary } = await analyzeBytes(writePcap(s.frames));
    expect(summary.analyzerErrors).toBe(0);
    expect(ops(events)).toEqual([
      ['other', 'msg 0', undefined, true],
      ['read', '1', 'device 264e0000d2', true],
      ['control', '38', 'device 264e0000d2', undefined],
    ]);
    expect(events.find((e) => e.kind === 'flow.observed')).toMatchObject({ app: 'hart_ip' });
  });

  it('malformed: bad header, bad check byte, byte count past the datagram → anomalies, no throw', async () => {
    const bad = pduRequest(9, dev, 0);
    bad[bad.length - 1]! ^= 0x55;
    const short = pduRequest(10, dev, 0).subarray(0, 12);
    const frames = [
      udpFrame(host, gw, 40000, 5094, Buffer.from('ffffffffffffffff', 'hex')),
      udpFrame(host, gw, 40000, 5094, bad),
      udpFrame(host, gw, 40000, 5094, short),
    ];
    const events = await golden(import.meta.url, 'hart_ip-malformed', frames);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'hart_ip.bad_header',
      'hart_ip.bad_checksum',
      'hart_ip.bad_length',
    ]);
  });

  it('recognises HART-IP on another port by its first message', async () => {
    const frames = [
      udpFrame(host, gw, 49905, 5095, sessionInitiate(1)),
      udpFrame(gw, host, 5095, 49905, sessionInitiate(1, true)),
    ];
    const { analyzeBytes } = await import('../../capture/analyze.js');
    const { writePcap } = await import('../../sim/pcap-writer.js');
    const { events } = await analyzeBytes(writePcap(frames));
    expect(events.find((e) => e.kind === 'flow.observed')).toMatchObject({ app: 'hart_ip' });
  });
});

describePublicCaptures('hart_ip', () => {
  it('hart_ip.pcap: the Rosemount WirelessHART gateway over udp (5095) and tcp (5094)', async () => {
    const events = await analyzePublic('other/hart_ip.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'hart_ip');
    expect(facts.map((e) => [e.at, e.facts])).toContainEqual([
      { ip: '192.168.0.10' },
      expect.objectContaining({
        'hart_ip.device_id': '0000d2',
        'hart_ip.manufacturer_id': '38',
        vendor: 'Rosemount',
      }),
    ]);
    expect(facts.map((e) => [e.at, e.facts])).toContainEqual([
      { ip: '192.168.0.10' },
      { name: 'wihartgw', 'hart_ip.long_tag': 'wihartgw' },
    ]);
    const o = ops(events);
    // Two sessions of: initiate, commands 0 1 2 3 9 12 13 20 48, keep-alive, close.
    expect(o.filter(([op]) => op === 'identify')).toHaveLength(2);
    expect(o.filter(([, code]) => code === '48')).toEqual([
      ['diagnostic', '48', 'device 264e0000d2', true],
      ['diagnostic', '48', 'device 264e0000d2', true],
    ]);
    expect(o).toHaveLength(2 * 12);
    // The udp session initiate went to 5094 and was answered from 5095: another flow.
    expect(o.filter(([, , , ok]) => ok !== true)).toEqual([['other', 'msg 0', undefined, undefined]]);
    // Operations name the host as client also in the flow the gateway's datagram opened.
    const clients = operations(events).map((e) => e.client.ip);
    expect(new Set(clients)).toEqual(new Set(['192.168.0.101']));
    const flows = events.filter((e) => e.kind === 'flow.observed' && e.app === 'hart_ip');
    expect(flows.map((f) => f.kind === 'flow.observed' && f.server)).toEqual(
      expect.arrayContaining([expect.objectContaining({ ip: '192.168.0.10', port: 5094 })]),
    );
    expect(anomalies(events).filter((e) => e.protocol === 'hart_ip')).toEqual([]);
  });
});
