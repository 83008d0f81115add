/**
 * IP addresses as bytes, so that a CIDR filter is a range over a binary column on both
 * databases: `10.10.1.0/24` is every 4-byte value from 0a0a0100 to 0a0a01ff.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpBytes {
  v: 4 | 6;
  bin: Buffer;
}

export interface IpRange {
  v: 4 | 6;
  lo: Buffer;
  hi: Buffer;
}

function v4(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function v6(ip: string): Buffer {
  const out = Buffer.alloc(16);
  let text = ip;
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) is the last 32 bits.
  const dot = text.lastIndexOf('.');
  let tail: Buffer | undefined;
  if (dot >= 0) {
    const colon = text.lastIndexOf(':');
    tail = v4(text.slice(colon + 1));
    text = `${text.slice(0, colon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  for (let i = 0; i < 8; i++) out.writeUInt16BE(all[i]!, i * 2);
  if (tail) tail.copy(out, 12);
  return out;
}

/** The address as bytes, or undefined when it is not an IP (a zone id `%eth0` is dropped). */
export function ipBytes(ip: string): IpBytes | undefined {
  if (isIPv4(ip)) return { v: 4, bin: v4(ip) };
  const bare = ip.split('%')[0]!;
  if (isIPv6(bare)) return { v: 6, bin: v6(bare) };
  return undefined;
}

/** Family byte then address bytes: IPv4 sorts before IPv6, each numerically. */
export function ipSortKey(ip: string): Buffer | undefined {
  const b = ipBytes(ip);
  return b ? Buffer.concat([Buffer.of(b.v), b.bin]) : undefined;
}

/** The first and last address of a CIDR block (host bits in the address are ignored). */
export function cidrRange(cidr: string): IpRange | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  const addr = ipBytes(m[1]!);
  const prefix = Number(m[2]);
  if (!addr || prefix > addr.bin.length * 8) return undefined;
  const lo = Buffer.from(addr.bin);
  const hi = Buffer.from(addr.bin);
  for (let bit = prefix; bit < lo.length * 8; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    lo[byte]! &= ~mask;
    hi[byte]! |= mask;
  }
  return { v: addr.v, lo, hi };
}
