/**
 * MQTT parser (3.1, 3.1.1 and 5.0 control packets; see consts.ts). Pure; never throws. Reads
 * the fixed header and, per type, what the analyzer uses: CONNECT protocol name and level,
 * flags (user name / password presence only: their values are never read), client id;
 * CONNACK return code; PUBLISH topic, QoS and packet id; SUBSCRIBE / UNSUBSCRIBE packet id and
 * first topic filter; acknowledgements' packet id and first reason code. MQTT 5 properties are
 * skipped by their length. Not parsed: payloads, will messages, property contents.
 */
import { MAX_TOPIC, MqttError, type MqttErrorCode, Type } from './consts.js';

export interface MqttPacket {
  type: number;
  flags: number;
  /** CONNECT */
  protocolName?: string;
  level?: number;
  username?: boolean;
  password?: boolean;
  clientId?: string;
  /** PUBLISH, SUBSCRIBE, UNSUBSCRIBE: topic or first filter. */
  topic?: string;
  qos?: number;
  packetId?: number;
  /** CONNACK return / reason code, or the first SUBACK / PUBACK reason code. */
  code?: number;
}

export type MqttParse = { ok: true; msg: MqttPacket } | { ok: false; code: MqttErrorCode; detail: string };

/** Remaining length (§2.2.3): [value, bytes], 0 bytes when more are needed, -1 when malformed. */
function remaining(buf: Buffer, p: number, end: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 4; i++) {
    if (p + i >= end) return [0, 0];
    const b = buf[p + i]!;
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [v, i + 1];
    mul *= 128;
  }
  return [0, -1];
}

/** Stream framer measure: whole packet length, 0 for more, -1 when malformed. */
export function measureMqtt(buf: Buffer, off: number, avail: number): number {
  if (avail < 2) return 0;
  const t = buf[off]! >>> 4;
  if (t === 0) return -1;
  const [v, n] = remaining(buf, off + 1, off + avail);
  if (n < 0) return -1;
  if (n === 0) return 0;
  // The framer rejects a length over its cap (MAX_PACKET).
  return 1 + n + v;
}

/** A CONNECT at the start of a stream: the probe's test. */
export function startsConnect(buf: Buffer, off: number, len: number): boolean {
  if (len < 10 || buf[off] !== 0x10) return false;
  const [, n] = remaining(buf, off + 1, off + len);
  if (n <= 0) return false;
  const p = off + 1 + n;
  if (p + 8 > off + len) return false;
  const l = buf.readUInt16BE(p);
  const name = buf.toString('latin1', p + 2, Math.min(p + 2 + l, off + len));
  return (l === 4 && name === 'MQTT') || (l === 6 && name === 'MQIsdp');
}

const fail = (code: MqttErrorCode, detail: string): MqttParse => ({ ok: false, code, detail });

/** One whole packet; `level` is the connection's protocol level (5 adds properties). */
export function parseMqtt(buf: Buffer, off: number, len: number, level = 4): MqttParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 2) return fail(MqttError.TOO_SHORT, `${end - off} bytes`);
  const type = buf[off]! >>> 4;
  const flags = buf[off]! & 0x0f;
  const [rl, n] = remaining(buf, off + 1, end);
  if (n <= 0) return fail(MqttError.BAD_PACKET, 'bad remaining length');
  let p = off + 1 + n;
  const stop = p + rl;
  if (stop > end) return fail(MqttError.BAD_PACKET, `remaining length ${rl} past ${end - p} bytes`);
  const m: MqttPacket = { type, flags };
  const str = (): string | undefined => {
    if (p + 2 > stop) return undefined;
    const l = buf.readUInt16BE(p);
    if (p + 2 + l > stop) return undefined;
    const s = buf.toString('utf8', p + 2, p + 2 + Math.min(l, MAX_TOPIC));
    p += 2 + l;
    return s;
  };
  const props = (): boolean => {
    if (level < 5) return true;
    const [v, k] = remaining(buf, p, stop);
    if (k <= 0 || p + k + v > stop) return false;
    p += k + v;
    return true;
  };
  const u16 = (): number | undefined => {
    if (p + 2 > stop) return undefined;
    const v = buf.readUInt16BE(p);
    p += 2;
    return v;
  };
  switch (type) {
    case Type.CONNECT: {
      m.protocolName = str();
      if (m.protocolName === undefined || p + 4 > stop)
        return fail(MqttError.BAD_PACKET, 'CONNECT header cut short');
      m.level = buf[p]!;
      const f = buf[p + 1]!;
      m.username = (f & 0x80) !== 0;
      m.password = (f & 0x40) !== 0;
      p += 4;
      level = m.level;
      if (!props()) return fail(MqttError.BAD_PACKET, 'CONNECT properties');
      m.clientId = str();
      if (m.clientId === undefined) return fail(MqttError.BAD_PACKET, 'no client id');
      break;
    }
    case Type.CONNACK:
      if (rl < 2) return fail(MqttError.BAD_PACKET, `CONNACK of ${rl} bytes`);
      m.code = buf[p + 1]!;
      break;
    case Type.PUBLISH: {
      m.qos = (flags >>> 1) & 3;
      if (m.qos === 3) return fail(MqttError.BAD_PACKET, 'PUBLISH with QoS 3');
      m.topic = str();
      if (m.topic === undefined) return fail(MqttError.BAD_PACKET, 'PUBLISH without topic');
      if (m.qos > 0) m.packetId = u16();
      break;
    }
    case Type.SUBSCRIBE:
    case Type.UNSUBSCRIBE:
      m.packetId = u16();
      if (m.packetId === undefined || !props())
        return fail(MqttError.BAD_PACKET, 'SUBSCRIBE header cut short');
      m.topic = str();
      if (m.topic === undefined) return fail(MqttError.BAD_PACKET, 'no topic filter');
      break;
    case Type.PUBACK:
    case Type.PUBREC:
    case Type.PUBREL:
    case Type.PUBCOMP:
    case Type.UNSUBACK:
      m.packetId = u16();
      if (m.packetId === undefined) return fail(MqttError.BAD_PACKET, 'acknowledgement without packet id');
      if (p < stop)
        m.code =
          type === Type.UNSUBACK && level >= 5 && props() && p < stop
            ? buf[p]!
            : type === Type.UNSUBACK
              ? 0
              : buf[p]!;
      break;
    case Type.SUBACK:
      m.packetId = u16();
      if (m.packetId === undefined || !props()) return fail(MqttError.BAD_PACKET, 'SUBACK header cut short');
      if (p < stop) m.code = buf[p]!;
      break;
    case 0:
      return fail(MqttError.BAD_PACKET, 'reserved packet type 0');
  }
  return { ok: true, msg: m };
}
