/** MQTT 3.1.1 packet builders (OASIS MQTT 3.1.1 §2-§3) for the project's own traces. Not on the capture path. */

function varint(n: number): Buffer {
  const out: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return Buffer.from(out);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >>> 8, b.length & 0xff]), b]);
}

export function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first]), varint(body.length), body]);
}

export function connect(
  clientId: string,
  o: { username?: string; password?: string; level?: number } = {},
): Buffer {
  const flags = 0x02 | (o.username !== undefined ? 0x80 : 0) | (o.password !== undefined ? 0x40 : 0);
  const parts = [str('MQTT'), Buffer.from([o.level ?? 4, flags, 0, 60]), str(clientId)];
  if (o.username !== undefined) parts.push(str(o.username));
  if (o.password !== undefined) parts.push(str(o.password));
  return packet(0x10, Buffer.concat(parts));
}

export const connack = (code = 0) => packet(0x20, Buffer.from([0, code]));

export function publish(topic: string, payload: string, qos = 0, packetId = 1): Buffer {
  const id = qos > 0 ? Buffer.from([packetId >>> 8, packetId & 0xff]) : Buffer.alloc(0);
  return packet(0x30 | (qos << 1), Buffer.concat([str(topic), id, Buffer.from(payload)]));
}

export const puback = (packetId: number) => packet(0x40, Buffer.from([packetId >>> 8, packetId & 0xff]));

export function subscribe(packetId: number, filter: string): Buffer {
  return packet(
    0x82,
    Buffer.concat([Buffer.from([packetId >>> 8, packetId & 0xff]), str(filter), Buffer.from([0])]),
  );
}

export const suback = (packetId: number, code = 0) =>
  packet(0x90, Buffer.from([packetId >>> 8, packetId & 0xff, code]));
export const pingreq = () => packet(0xc0, Buffer.alloc(0));
export const pingresp = () => packet(0xd0, Buffer.alloc(0));
export const disconnect = () => packet(0xe0, Buffer.alloc(0));
