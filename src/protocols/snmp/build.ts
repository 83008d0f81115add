/**
 * SNMP message builder (BER per X.690, messages per RFC 1157 / RFC 3416) for the project's own
 * traces: golden tests and the plant simulator. Not on the capture path.
 */
import { Tag } from './consts.js';

export function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  const len =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >>> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, value]);
}

export function integer(v: number): Buffer {
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(Tag.INTEGER, Buffer.from(bytes));
}

export function oid(text: string): Buffer {
  const arcs = text.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const b: number[] = [a & 0x7f];
    for (let x = Math.floor(a / 128); x > 0; x = Math.floor(x / 128)) b.unshift(0x80 | (x & 0x7f));
    out.push(...b);
  }
  return tlv(Tag.OID, Buffer.from(out));
}

export const octets = (s: string) => tlv(Tag.OCTET_STRING, Buffer.from(s, 'latin1'));
export const nul = () => Buffer.from([Tag.NULL, 0]);

/** A v1/v2c message: version 0 (v1) or 1 (v2c), community, PDU with bindings [oid, value TLV]. */
export function snmpMessage(o: {
  version?: 0 | 1;
  community?: string;
  pdu: number;
  requestId: number;
  errorStatus?: number;
  bindings: [string, Buffer][];
}): Buffer {
  const vbs = tlv(
    Tag.SEQUENCE,
    Buffer.concat(o.bindings.map(([n, v]) => tlv(Tag.SEQUENCE, Buffer.concat([oid(n), v])))),
  );
  const pdu = tlv(o.pdu, Buffer.concat([integer(o.requestId), integer(o.errorStatus ?? 0), integer(0), vbs]));
  return tlv(Tag.SEQUENCE, Buffer.concat([integer(o.version ?? 1), octets(o.community ?? 'public'), pdu]));
}
