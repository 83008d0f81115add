/**
 * MQTT tables. Specs: OASIS MQTT 3.1.1 §2 (fixed header, remaining length), §3 (control
 * packets: CONNECT §3.1, CONNACK §3.2, PUBLISH §3.3, SUBSCRIBE §3.8, SUBACK §3.9 ...); MQTT 5.0
 * §2.2.2 (properties after the variable header), §3.2.2.2 (reason codes ≥ 0x80 are failures);
 * MQTT 3.1 (protocol name "MQIsdp", level 3).
 */

export const MQTT_PORT = 1883;
export const MQTT_TLS_PORT = 8883;

/** §2.2.1 control packet types. */
export const Type = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;

/** Largest packet followed (a bigger one ends the direction with `mqtt.too_large`). */
export const MAX_PACKET = 262_144;
export const MAX_TOPIC = 256;
export const MAX_PENDING = 64;

export const MqttError = { TOO_SHORT: 'too_short', BAD_PACKET: 'bad_packet' } as const;
export type MqttErrorCode = (typeof MqttError)[keyof typeof MqttError];
