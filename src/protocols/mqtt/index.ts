/**
 * MQTT analyzer (tcp 1883; tcp 8883 is MQTT over TLS, recognised by port only; a CONNECT
 * opening a stream is recognised on any port). Specs: MQTT 3.1, 3.1.1, 5.0 (see consts.ts).
 *
 * Operations (`code` the control packet type, decimal): CONNECT "1" → other, ok from the
 * CONNACK return code; PUBLISH "3" from the client → write with the topic as target (QoS 0 at
 * once, QoS 1/2 at PUBACK/PUBREC); SUBSCRIBE "8" → read with the first filter as target, ok
 * from the SUBACK; UNSUBSCRIBE "10", PINGREQ "12" → other; DISCONNECT "14" → other at once.
 * Messages the broker delivers to the client are data, not operations.
 * Identity: on the client `mqtt.client_id`, `mqtt.protocol_level`, `mqtt.auth` ("none",
 * "username", "username+password": presence only, never the values); on the broker roleHint
 * 'mqtt-broker' once it accepts a connection.
 */
import type { Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerDescriptor, Direction } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { StreamFramer } from '../framer.js';
import { KeyedPending } from '../pending.js';
import { openingProbe } from '../preface.js';
import { MAX_PACKET, MAX_PENDING, MQTT_PORT, MQTT_TLS_PORT, Type } from './consts.js';
import { type MqttPacket, measureMqtt, parseMqtt, startsConnect } from './parse.js';

interface Pending {
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

/** Keys of pending requests: the packet id, or these for packets without one. */
const CONNECT_KEY = -1;
const PING_KEY = -2;

export const mqtt: AnalyzerDescriptor = {
  name: 'mqtt',
  transport: 'tcp',
  ports: [MQTT_PORT, MQTT_TLS_PORT],
  probe: openingProbe(10, startsConnect),
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'mqtt');
    const pending = new KeyedPending<Pending>(MAX_PENDING, (old, overflow) => {
      out.op(old.op, old.code, old.target, undefined, old.evidence);
      if (overflow) out.anomaly('mqtt.pending_overflow', `more than ${MAX_PENDING} packets unacknowledged`);
    });
    let level = 4;
    let tls = false;

    const settle = (key: number, ok: boolean): void => {
      const p = pending.take(key);
      if (!p) return;
      out.op(p.op, p.code, p.target, ok, p.evidence);
    };

    const client = (m: MqttPacket): void => {
      const code = String(m.type);
      switch (m.type) {
        case Type.CONNECT: {
          level = m.level ?? 4;
          pending.add(CONNECT_KEY, { op: 'other', code, target: m.clientId, evidence: ctx.evidence() });
          const ip = senderIp(ctx.packet);
          if (ip !== undefined)
            out.asset(
              { ip },
              {
                'mqtt.client_id': m.clientId ?? '',
                'mqtt.protocol_level': String(m.level),
                'mqtt.auth': m.username ? (m.password ? 'username+password' : 'username') : 'none',
              },
            );
          return;
        }
        case Type.PUBLISH:
          if (m.qos === 0 || m.packetId === undefined) out.op('write', code, m.topic);
          else pending.add(m.packetId, { op: 'write', code, target: m.topic, evidence: ctx.evidence() });
          return;
        case Type.SUBSCRIBE:
          pending.add(m.packetId!, { op: 'read', code, target: m.topic, evidence: ctx.evidence() });
          return;
        case Type.UNSUBSCRIBE:
          pending.add(m.packetId!, { op: 'other', code, target: m.topic, evidence: ctx.evidence() });
          return;
        case Type.PINGREQ:
          pending.add(PING_KEY, { op: 'other', code, target: undefined, evidence: ctx.evidence() });
          return;
        case Type.DISCONNECT:
          out.op('other', code);
          return;
      }
    };

    const broker = (m: MqttPacket): void => {
      switch (m.type) {
        case Type.CONNACK: {
          const ok = m.code === 0;
          settle(CONNECT_KEY, ok);
          const ip = senderIp(ctx.packet);
          if (ok && ip !== undefined) out.asset({ ip }, { roleHint: 'mqtt-broker' });
          return;
        }
        case Type.PUBACK:
        case Type.PUBREC:
        case Type.SUBACK:
        case Type.UNSUBACK:
          if (m.packetId !== undefined) settle(m.packetId, m.code === undefined || m.code < 0x80);
          return;
        case Type.PINGRESP:
          settle(PING_KEY, true);
          return;
      }
    };

    const packet = (dir: Direction, buf: Buffer, off: number, len: number): void => {
      const r = parseMqtt(buf, off, len, level);
      if (!r.ok) {
        out.anomaly(`mqtt.${r.code}`, r.detail);
        return;
      }
      if (dir === 0) client(r.msg);
      else broker(r.msg);
    };
    const framer = (dir: Direction): StreamFramer =>
      new StreamFramer(
        measureMqtt,
        (buf, off, len) => packet(dir, buf, off, len),
        (error, detail) => out.anomaly(error === 'invalid' ? 'mqtt.bad_packet' : 'mqtt.too_large', detail),
        MAX_PACKET,
      );
    const framers = [framer(0), framer(1)] as const;
    let first = true;
    return {
      data(dir: Direction, buf, off, len) {
        // MQTT over TLS (8883): a TLS handshake record instead of a CONNECT.
        if (first) {
          first = false;
          tls = len > 0 && buf[off] === 0x16;
        }
        if (!tls) framers[dir].push(buf, off, len);
      },
      gap: (dir: Direction) => framers[dir].gap(),
      end() {
        pending.drain((p) => out.op(p.op, p.code, p.target, undefined, p.evidence));
      },
    };
  },
};
