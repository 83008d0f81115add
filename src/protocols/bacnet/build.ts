/**
 * BACnet/IP message builder for the project's own traces (golden tests, the plant simulator):
 * BVLC (ANSI/ASHRAE 135-2020 Annex J.2), NPDU (§6.2), APDU headers (§20.1) and the tags of the
 * services the tests use (§20.2). Not on the capture path.
 */

/** BVLC around an NPDU (function 0x0a unicast, 0x0b broadcast, 0x04 forwarded from `origin`). */
export function bvlc(fn: number, npdu: Buffer, origin?: { ip: string; port: number }): Buffer {
  const o = Buffer.alloc(origin ? 6 : 0);
  if (origin) {
    Buffer.from(origin.ip.split('.').map(Number)).copy(o, 0);
    o.writeUInt16BE(origin.port, 4);
  }
  const h = Buffer.from([0x81, fn, 0, 0]);
  h.writeUInt16BE(4 + o.length + npdu.length, 2);
  return Buffer.concat([h, o, npdu]);
}

/** A BVLC function with no NPDU (Register-Foreign-Device TTL, BVLC-Result code, Read-BDT). */
export function bvlcOnly(fn: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.from([0x81, fn, 0, 0]);
  h.writeUInt16BE(4 + body.length, 2);
  return Buffer.concat([h, body]);
}

export interface NpduOptions {
  /** Source network and MAC (a routed message). */
  snet?: { net: number; mac: Buffer };
  /** Destination network (0xffff: global broadcast) and MAC (empty: broadcast there). */
  dnet?: { net: number; mac: Buffer };
  expectingReply?: boolean;
}

/** NPDU header (version 1) before an APDU or a network message (`network` = message type). */
export function npdu(apdu: Buffer, o: NpduOptions = {}, network?: number): Buffer {
  let c = 0;
  const parts: Buffer[] = [];
  if (o.dnet) {
    c |= 0x20;
    const d = Buffer.alloc(3);
    d.writeUInt16BE(o.dnet.net, 0);
    d[2] = o.dnet.mac.length;
    parts.push(d, o.dnet.mac);
  }
  if (o.snet) {
    c |= 0x08;
    const s = Buffer.alloc(3);
    s.writeUInt16BE(o.snet.net, 0);
    s[2] = o.snet.mac.length;
    parts.push(s, o.snet.mac);
  }
  if (o.dnet) parts.push(Buffer.from([255]));
  if (o.expectingReply) c |= 0x04;
  if (network !== undefined) {
    c |= 0x80;
    parts.push(Buffer.from([network]));
  }
  return Buffer.concat([Buffer.from([1, c]), ...parts, apdu]);
}

/** Tag header (§20.2.1): number, class, length (extended forms as needed). */
function tagHead(num: number, context: boolean, len: number): Buffer {
  const ext = num > 14;
  const first = ((ext ? 15 : num) << 4) | (context ? 0x08 : 0) | (len > 4 ? 5 : len);
  const out = [first];
  if (ext) out.push(num);
  if (len > 4) {
    if (len < 254) out.push(len);
    else out.push(254, len >>> 8, len & 0xff);
  }
  return Buffer.from(out);
}

function uintBytes(v: number): Buffer {
  const n = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
  const b = Buffer.alloc(n);
  b.writeUIntBE(v, 0, n);
  return b;
}

export const tag = {
  unsigned: (v: number, ctx?: number) => {
    const b = uintBytes(v);
    return Buffer.concat([tagHead(ctx ?? 2, ctx !== undefined, b.length), b]);
  },
  enumerated: (v: number, ctx?: number) => {
    const b = uintBytes(v);
    return Buffer.concat([tagHead(ctx ?? 9, ctx !== undefined, b.length), b]);
  },
  object: (type: number, instance: number, ctx?: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(((type << 22) | (instance & 0x3fffff)) >>> 0, 0);
    return Buffer.concat([tagHead(ctx ?? 12, ctx !== undefined, 4), b]);
  },
  /** CharacterString in UTF-8 (charset 0) or UCS-2 (charset 4). */
  text: (s: string, ctx?: number, ucs2 = false) => {
    const body = ucs2 ? Buffer.from(s, 'utf16le').swap16() : Buffer.from(s, 'utf8');
    const b = Buffer.concat([Buffer.from([ucs2 ? 4 : 0]), body]);
    return Buffer.concat([tagHead(ctx ?? 7, ctx !== undefined, b.length), b]);
  },
  open: (ctx: number) => Buffer.from([(ctx << 4) | 0x0e]),
  close: (ctx: number) => Buffer.from([(ctx << 4) | 0x0f]),
};

/** Confirmed request APDU (unsegmented, max APDU 1476). */
export function confirmed(invoke: number, service: number, ...params: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x05, invoke, service]), ...params]);
}

export function unconfirmed(service: number, ...params: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x10, service]), ...params]);
}

export function simpleAck(invoke: number, service: number): Buffer {
  return Buffer.from([0x20, invoke, service]);
}

export function complexAck(invoke: number, service: number, ...params: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x30, invoke, service]), ...params]);
}

export function error(invoke: number, service: number, cls: number, code: number): Buffer {
  return Buffer.concat([Buffer.from([0x50, invoke, service]), tag.enumerated(cls), tag.enumerated(code)]);
}

export function reject(invoke: number, reason: number): Buffer {
  return Buffer.from([0x60, invoke, reason]);
}

/** ReadProperty request / ACK (§15.5). */
export function readProperty(invoke: number, type: number, instance: number, prop: number): Buffer {
  return confirmed(invoke, 12, tag.object(type, instance, 0), tag.unsigned(prop, 1));
}

export function readPropertyAck(
  invoke: number,
  type: number,
  instance: number,
  prop: number,
  value: Buffer,
): Buffer {
  return complexAck(
    invoke,
    12,
    tag.object(type, instance, 0),
    tag.unsigned(prop, 1),
    tag.open(3),
    value,
    tag.close(3),
  );
}

/** I-Am (§16.10): device instance, max APDU, segmentation, vendor id. */
export function iAm(instance: number, vendor: number, maxApdu = 1476, segmentation = 3): Buffer {
  return unconfirmed(
    0,
    tag.object(8, instance),
    tag.unsigned(maxApdu),
    tag.enumerated(segmentation),
    tag.unsigned(vendor),
  );
}

/** Who-Is (§16.10), optionally with instance limits. */
export function whoIs(low?: number, high?: number): Buffer {
  return low === undefined || high === undefined
    ? unconfirmed(8)
    : unconfirmed(8, tag.unsigned(low, 0), tag.unsigned(high, 1));
}
