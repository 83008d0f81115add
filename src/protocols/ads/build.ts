/**
 * Beckhoff ADS/AMS builders (AMS/TCP and AMS headers, read device info response, UDP
 * discovery / add route) for the project's own traces: golden tests and the plant simulator.
 * Not on the capture path.
 */
import { UDP_MAGIC } from './consts.js';

function netIdBytes(id: string): Buffer {
  return Buffer.from(id.split('.').map(Number));
}

export function ams(o: {
  target: string;
  targetPort: number;
  source: string;
  sourcePort: number;
  command: number;
  response?: boolean;
  invokeId: number;
  data?: Buffer;
  error?: number;
}): Buffer {
  const data = o.data ?? Buffer.alloc(0);
  const h = Buffer.alloc(38);
  h.writeUInt32LE(32 + data.length, 2);
  netIdBytes(o.target).copy(h, 6);
  h.writeUInt16LE(o.targetPort, 12);
  netIdBytes(o.source).copy(h, 14);
  h.writeUInt16LE(o.sourcePort, 20);
  h.writeUInt16LE(o.command, 22);
  h.writeUInt16LE(o.response ? 5 : 4, 24);
  h.writeUInt32LE(data.length, 26);
  h.writeUInt32LE(o.error ?? 0, 30);
  h.writeUInt32LE(o.invokeId, 34);
  return Buffer.concat([h, data]);
}

/** Read / write / read-write request data: index group, offset, length(s). */
export function indexData(group: number, offset: number, ...rest: number[]): Buffer {
  const b = Buffer.alloc(8 + 4 * rest.length);
  b.writeUInt32LE(group, 0);
  b.writeUInt32LE(offset, 4);
  rest.forEach((v, i) => {
    b.writeUInt32LE(v, 8 + 4 * i);
  });
  return b;
}

export function deviceInfo(name: string, major: number, minor: number, build: number, result = 0): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(result, 0);
  b[4] = major;
  b[5] = minor;
  b.writeUInt16LE(build, 6);
  b.write(name, 8, 'latin1');
  return b;
}

/** UDP 48899 message with tags [id, value]. */
export function adsUdp(
  invokeId: number,
  service: number,
  netId: string,
  port: number,
  tags: [number, Buffer][],
): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(UDP_MAGIC, 0);
  h.writeUInt32LE(invokeId, 4);
  h.writeUInt32LE(service >>> 0, 8);
  netIdBytes(netId).copy(h, 12);
  h.writeUInt16LE(port, 18);
  h.writeUInt32LE(tags.length, 20);
  const parts = tags.map(([id, v]) => {
    const t = Buffer.alloc(4);
    t.writeUInt16LE(id, 0);
    t.writeUInt16LE(v.length, 2);
    return Buffer.concat([t, v]);
  });
  return Buffer.concat([h, ...parts]);
}
