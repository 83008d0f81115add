/** MQTT parser unit tests (3.1.1 §2-§3, 5.0 properties); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { connack, connect, packet, publish, suback, subscribe } from './build.js';
import { measureMqtt, parseMqtt, startsConnect } from './parse.js';

const { parse, ok } = wholeBuffer(parseMqtt);

describe('mqtt parse (MQTT 3.1.1 §3, 5.0)', () => {
  it('reads CONNECT: protocol, level, credential presence only, client id', () => {
    const b = connect('plc-gw-1', { username: 'edge', password: 'hunter2' });
    const m = ok(b);
    expect(m).toEqual({
      type: 1,
      flags: 0,
      protocolName: 'MQTT',
      level: 4,
      username: true,
      password: true,
      clientId: 'plc-gw-1',
    });
    expect(JSON.stringify(m)).not.toContain('hunter2');
    expect(startsConnect(b, 0, b.length)).toBe(true);
    expect(startsConnect(publish('a', 'b'), 0, 12)).toBe(false);
  });

  it('reads an MQTT 5 CONNECT with properties and a SUBACK after properties', () => {
    const body = Buffer.concat([
      Buffer.from([0, 4]),
      Buffer.from('MQTT'),
      Buffer.from([5, 0x02, 0, 60, 3, 0x21, 0, 10]),
      Buffer.from([0, 2]),
      Buffer.from('c5'),
    ]);
    expect(ok(packet(0x10, body))).toMatchObject({ level: 5, clientId: 'c5' });
    const sa = packet(0x90, Buffer.from([0, 7, 0, 0x87]));
    expect(parse(sa)).toMatchObject({ ok: true, msg: { packetId: 7, code: 0 } });
    expect(parseMqtt(sa, 0, sa.length, 5)).toMatchObject({ ok: true, msg: { packetId: 7, code: 0x87 } });
  });

  it('reads PUBLISH topic, QoS and packet id; SUBSCRIBE filter; CONNACK code', () => {
    expect(ok(publish('plant/line1/speed', '42', 1, 9))).toMatchObject({
      type: 3,
      qos: 1,
      topic: 'plant/line1/speed',
      packetId: 9,
    });
    expect(ok(subscribe(3, 'plant/#'))).toMatchObject({ type: 8, packetId: 3, topic: 'plant/#' });
    expect(ok(suback(3, 0x80))).toMatchObject({ code: 0x80 });
    expect(ok(connack(5))).toMatchObject({ type: 2, code: 5 });
  });

  it('measures packets and rejects malformed ones', () => {
    const b = publish('t', 'x'.repeat(200));
    expect(measureMqtt(b, 0, 1)).toBe(0);
    expect(measureMqtt(b, 0, b.length)).toBe(b.length);
    expect(measureMqtt(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff]), 0, 5)).toBe(-1);
    expect(measureMqtt(Buffer.from([0x00, 0x00]), 0, 2)).toBe(-1);
    expect(parse(Buffer.from([0x36, 2, 0, 1]))).toMatchObject({ ok: false, code: 'bad_packet' });
    expect(parse(Buffer.from([0x30, 9, 0]))).toMatchObject({ ok: false, code: 'bad_packet' });
    expect(parse(Buffer.from([0x10]))).toMatchObject({ ok: false, code: 'too_short' });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      connect('c', { username: 'u' }),
      publish('a/b', 'v', 2, 4),
      subscribe(1, 'x'),
      suback(1),
    ];
    const v5 = (b: Buffer, o: number, l: number) => parseMqtt(b, o, l, 5);
    neverThrowsOnTruncations(samples, parseMqtt);
    neverThrowsOnTruncations(samples, v5);
    neverThrowsOnMutations({ samples, parsers: [parseMqtt, v5, measureMqtt, startsConnect], seed: 1883 });
  });
});
