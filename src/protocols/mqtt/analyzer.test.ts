/** MQTT analyzer: golden trace (connect, subscribe, publish QoS 0/1, ping), malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  connack,
  connect,
  disconnect,
  pingreq,
  pingresp,
  puback,
  publish,
  suback,
  subscribe,
} from './build.js';

const edge: Host = { mac: '02:00:00:00:09:04', ip: '10.10.0.4' };
const brokerHost: Host = { mac: '02:00:00:00:09:f1', ip: '10.10.0.241' };

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

describe('mqtt analyzer (golden traces)', () => {
  it('client and broker facts; subscribe read, publish write; deliveries are not operations', async () => {
    const s = new TcpSession(edge, brokerHost, 49327, 1883).open();
    s.send(connect('edge-gw-7', { username: 'edge', password: 'hunter2' }));
    s.reply(connack(0));
    s.send(subscribe(1, 'plant/cmd/#'));
    s.reply(Buffer.concat([suback(1), publish('plant/cmd/speed', '40')]));
    s.send(Buffer.concat([publish('plant/line1/speed', '42'), publish('plant/line1/alarm', '1', 1, 2)]), 11);
    s.reply(puback(2));
    s.send(pingreq());
    s.reply(pingresp());
    s.send(disconnect());
    s.close();
    const events = await golden(import.meta.url, 'mqtt', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: edge.ip },
        { 'mqtt.client_id': 'edge-gw-7', 'mqtt.protocol_level': '4', 'mqtt.auth': 'username+password' },
      ],
      [{ ip: brokerHost.ip }, { roleHint: 'mqtt-broker' }],
    ]);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)).toEqual([
      ['other', '1', 'edge-gw-7', true],
      ['read', '8', 'plant/cmd/#', true],
      ['write', '3', 'plant/line1/speed', undefined],
      ['write', '3', 'plant/line1/alarm', true],
      ['other', '12', undefined, true],
      ['other', '14', undefined, undefined],
    ]);
  });

  it('malformed: QoS 3 publish, a refused connection, a bad length → anomalies, no throw', async () => {
    const s = new TcpSession(edge, brokerHost, 49328, 1883).open();
    s.send(connect('x'));
    s.reply(connack(5));
    s.send(Buffer.from([0x36, 3, 0, 1, 0x61]));
    s.send(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    s.close();
    const events = await golden(import.meta.url, 'mqtt-malformed', s.frames);
    expect(anomalies(events).map((e) => e.code)).toEqual(['mqtt.bad_packet', 'mqtt.bad_packet']);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)[0]).toEqual(['other', '1', 'x', false]);
  });
});

describePublicCaptures('mqtt', () => {
  it('mqtt_zeek.pcap: two paho clients of a public broker', async () => {
    const events = await analyzePublic('mqtt/mqtt_zeek.pcap');
    const facts = assets(events)
      .filter((e) => e.protocol === 'mqtt')
      .map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { ip: '10.0.1.4' },
      { 'mqtt.client_id': 'paho/34AAE54A75D839566E', 'mqtt.protocol_level': '3', 'mqtt.auth': 'none' },
    ]);
    expect(facts).toContainEqual([{ ip: '198.41.30.241' }, { roleHint: 'mqtt-broker' }]);
    const o = ops(events);
    expect(o).toContainEqual(['read', '8', 'SampleTopic', true]);
    expect(o).toContainEqual(['write', '3', 'SampleTopic', undefined]);
    expect(anomalies(events).filter((e) => e.protocol === 'mqtt')).toEqual([]);
  });
});
