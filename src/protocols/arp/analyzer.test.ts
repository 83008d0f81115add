/** ARP analyzer: golden trace through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { ethernet } from '../../sim/frames.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { arpFrame, arpPayload } from './build.js';

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
    const events = await golden(import.meta.url, 'arp', frames);
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

describePublicCaptures('arp', () => {
  it('eip_control_protocol_change.pcap: requests, a reply and announcements bind; probes do not', async () => {
    const events = await analyzePublic('mixed/eip_control_protocol_change.pcap');
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
});
