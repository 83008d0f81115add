/**
 * DHCPv4 / BOOTP and DHCPv6 message builders for the project's own traces (golden tests, the
 * plant simulator). RFC 2131 §2 / RFC 2132 layouts for v4; RFC 8415 §8, §9, §21 for v6.
 * Not on the capture path.
 */
import { ipv4, ipv6, mac } from '../../sim/frames.js';
import {
  BootOp,
  FIXED_LEN,
  MAGIC_COOKIE,
  Msg6,
  OFF_CHADDR,
  OFF_CIADDR,
  OFF_GIADDR,
  OFF_SIADDR,
  OFF_YIADDR,
  Opt,
  Opt6,
} from './consts.js';

export type Option = { code: number; data: Buffer };

/** Option helpers: text, IPv4 address lists, byte lists, 32-bit numbers. */
export const opt = {
  text: (code: number, s: string): Option => ({ code, data: Buffer.from(s, 'utf8') }),
  ips: (code: number, ...ips: string[]): Option => ({ code, data: Buffer.concat(ips.map(ipv4)) }),
  bytes: (code: number, ...b: number[]): Option => ({ code, data: Buffer.from(b) }),
  u32: (code: number, v: number): Option => {
    const data = Buffer.alloc(4);
    data.writeUInt32BE(v >>> 0, 0);
    return { code, data };
  },
};

export type DhcpBuild = {
  op: number;
  /** Option 53; omit (with `bootp`) for plain BOOTP. */
  type?: number;
  xid?: number;
  chaddr: string;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  broadcast?: boolean;
  options?: Option[];
  /** Plain BOOTP (RFC 951): no magic cookie, a 64-byte zero vendor area. */
  bootp?: boolean;
};

export function buildDhcp(m: DhcpBuild): Buffer {
  const h = Buffer.alloc(FIXED_LEN);
  h[0] = m.op;
  h[1] = 1;
  h[2] = 6;
  h.writeUInt32BE((m.xid ?? 0x3903f326) >>> 0, 4);
  if (m.broadcast) h.writeUInt16BE(0x8000, 10);
  ipv4(m.ciaddr ?? '0.0.0.0').copy(h, OFF_CIADDR);
  ipv4(m.yiaddr ?? '0.0.0.0').copy(h, OFF_YIADDR);
  ipv4(m.siaddr ?? '0.0.0.0').copy(h, OFF_SIADDR);
  ipv4(m.giaddr ?? '0.0.0.0').copy(h, OFF_GIADDR);
  mac(m.chaddr).copy(h, OFF_CHADDR);
  if (m.bootp) return Buffer.concat([h, Buffer.alloc(64)]);
  const cookie = Buffer.alloc(4);
  cookie.writeUInt32BE(MAGIC_COOKIE, 0);
  const parts: Buffer[] = [h, cookie];
  const all =
    m.type !== undefined ? [opt.bytes(Opt.MESSAGE_TYPE, m.type), ...(m.options ?? [])] : (m.options ?? []);
  for (const o of all) {
    // RFC 3396: a value longer than 255 bytes is split across instances of the option.
    for (let i = 0; i < o.data.length || i === 0; i += 255) {
      const piece = o.data.subarray(i, i + 255);
      parts.push(Buffer.from([o.code, piece.length]), piece);
      if (o.data.length === 0) break;
    }
  }
  parts.push(Buffer.from([Opt.END]));
  const out = Buffer.concat(parts);
  // RFC 951 / RFC 2131 §2: BOOTP relays expect at least 300 bytes.
  return out.length < 300 ? Buffer.concat([out, Buffer.alloc(300 - out.length)]) : out;
}

export const BOOTREQUEST = BootOp.REQUEST;
export const BOOTREPLY = BootOp.REPLY;

// ── DHCPv6 ──

export type Option6 = { code: number; data: Buffer };

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function encode6(opts: Option6[]): Buffer {
  return Buffer.concat(opts.flatMap((o) => [u16(o.code), u16(o.data.length), o.data]));
}

export const opt6 = {
  /** DUID-LLT (RFC 8415 §11.2) with Ethernet hardware type. */
  duidLlt: (code: number, macText: string, time = 0x1e718f34): Option6 => ({
    code,
    data: Buffer.concat([u16(1), u16(1), u32(time), mac(macText)]),
  }),
  oro: (...codes: number[]): Option6 => ({ code: Opt6.ORO, data: Buffer.concat(codes.map(u16)) }),
  /** RFC 4704 §4: flags, then a wire-format name. */
  fqdn: (name: string, flags = 0): Option6 => ({
    code: Opt6.CLIENT_FQDN,
    data: Buffer.concat([
      Buffer.from([flags]),
      ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
      Buffer.from([0]),
    ]),
  }),
  vendorClass: (enterprise: number, data: string): Option6 => {
    const d = Buffer.from(data);
    return { code: Opt6.VENDOR_CLASS, data: Buffer.concat([u32(enterprise), u16(d.length), d]) };
  },
  /** IA_NA with one IAADDR per address (RFC 8415 §21.4, §21.6). */
  iaNa: (iaid: number, ...addrs: string[]): Option6 => ({
    code: Opt6.IA_NA,
    data: Buffer.concat([
      u32(iaid),
      u32(3600),
      u32(5400),
      encode6(
        addrs.map((a) => ({ code: Opt6.IAADDR, data: Buffer.concat([ipv6(a), u32(7200), u32(7500)]) })),
      ),
    ]),
  }),
  raw: (code: number, data: Buffer): Option6 => ({ code, data }),
};

export function buildDhcp6(type: number, xid: number, opts: Option6[]): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUIntBE(xid & 0xffffff, 1, 3);
  return Buffer.concat([h, encode6(opts)]);
}

/** A Relay-forw (or Relay-repl) around `inner` (RFC 8415 §9, §21.10). */
export function relay6(
  inner: Buffer,
  link: string,
  peer: string,
  o: { reply?: boolean; hopCount?: number; clientMac?: string } = {},
): Buffer {
  const h = Buffer.concat([
    Buffer.from([o.reply ? Msg6.RELAY_REPL : Msg6.RELAY_FORW, o.hopCount ?? 0]),
    ipv6(link),
    ipv6(peer),
  ]);
  const opts: Option6[] = [{ code: Opt6.RELAY_MSG, data: inner }];
  if (o.clientMac)
    opts.push({ code: Opt6.CLIENT_LINKLAYER_ADDR, data: Buffer.concat([u16(1), mac(o.clientMac)]) });
  return Buffer.concat([h, encode6(opts)]);
}
