/**
 * DHCPv6 message parser.
 *
 * Spec: RFC 8415 §8 (client/server message: type(1) transaction-id(3) options), §9 (relay
 * message: type(1) hop-count(1) link-address(16) peer-address(16) options), §11 (DUID), §21.1
 * option layout, §21.2 client id, §21.3 server id, §21.4 IA_NA, §21.5 IA_TA, §21.6 IAADDR,
 * §21.7 ORO, §21.10 relay message, §21.15 user class, §21.16 vendor class; RFC 4704 §4 (client
 * FQDN); RFC 6939 §4 (client link-layer address in Relay-forw).
 *
 * Pure: bytes in, a message or an error value out; never throws. Relays nest at most
 * MAX_RELAY_DEPTH deep (RFC 8415 §7.6 HOP_COUNT_LIMIT is 8).
 * Not parsed: IA_PD prefixes, status codes, authentication, vendor-specific option 17,
 * reconfigure, and the many other options (their codes are listed in `codes`).
 */
import { ipv6FromBytes, macFromBytes } from '../../events/format.js';
import { cleanText, readName } from '../dns/name.js';
import {
  DhcpError,
  type DhcpErrorCode,
  DUID_LL,
  DUID_LLT,
  MAX_LIST,
  MAX_RELAY_DEPTH,
  MAX_TEXT,
  Msg6,
  Opt6,
  RELAY_HEADER,
} from './consts.js';

export interface Dhcp6Relay {
  hopCount: number;
  linkAddress: string;
  peerAddress: string;
  /** RFC 6939: the client's MAC as the first relay saw it. */
  clientLinkLayer?: string;
}

export interface Dhcp6Message {
  msgType: number;
  /** Transaction id of the innermost (client/server) message. */
  xid: number;
  /** Relay hops from the outside in; empty for a message sent directly. */
  relays: Dhcp6Relay[];
  /** Option codes of the innermost message in order of appearance. */
  codes: number[];
  /** DUIDs as colon-separated hex. */
  clientDuid?: string;
  /** The MAC inside a DUID-LLT / DUID-LL with Ethernet hardware type. */
  clientDuidMac?: string;
  serverDuid?: string;
  oro?: number[];
  vendorClass?: { enterprise: number; data: string };
  userClass?: string;
  fqdn?: string;
  /** IA_NA / IA_TA addresses. */
  addresses: string[];
}

export type Dhcp6Parse = { ok: true; msg: Dhcp6Message } | { ok: false; code: DhcpErrorCode; detail: string };

type Fail = { ok: false; code: DhcpErrorCode; detail: string };

/** Parse the DHCPv6 message in `buf[off, off + len)`, unwrapping relay messages. */
export function parseDhcp6(buf: Buffer, off: number, len: number): Dhcp6Parse {
  let start = off;
  let end = Math.min(off + len, buf.length);
  const relays: Dhcp6Relay[] = [];
  for (let depth = 0; ; depth++) {
    if (end - start < 4) return { ok: false, code: DhcpError.TOO_SHORT, detail: `${end - start} bytes` };
    const type = buf[start]!;
    if (type !== Msg6.RELAY_FORW && type !== Msg6.RELAY_REPL) break;
    if (depth >= MAX_RELAY_DEPTH)
      return { ok: false, code: DhcpError.TOO_DEEP, detail: `relays nested ${depth} deep` };
    if (end - start < RELAY_HEADER)
      return { ok: false, code: DhcpError.TOO_SHORT, detail: 'relay header cut short' };
    const relay: Dhcp6Relay = {
      hopCount: buf[start + 1]!,
      linkAddress: ipv6FromBytes(buf, start + 2),
      peerAddress: ipv6FromBytes(buf, start + 18),
    };
    let inner: [number, number] | undefined;
    const err = walk(buf, start + RELAY_HEADER, end, (code, s, e) => {
      if (code === Opt6.RELAY_MSG) inner = [s, e];
      // RFC 6939 §4: link-layer type(2) then the address.
      else if (code === Opt6.CLIENT_LINKLAYER_ADDR && e - s === 8 && buf.readUInt16BE(s) === 1) {
        relay.clientLinkLayer = macFromBytes(buf, s + 2);
      }
    });
    if (err) return err;
    relays.push(relay);
    if (!inner) return { ok: false, code: DhcpError.BAD_OPTION, detail: 'relay message without option 9' };
    [start, end] = inner;
  }
  const msg: Dhcp6Message = {
    msgType: buf[start]!,
    xid: buf.readUIntBE(start + 1, 3),
    relays,
    codes: [],
    addresses: [],
  };
  const err = walk(buf, start + 4, end, (code, s, e) => {
    if (msg.codes.length < 64) msg.codes.push(code);
    option(buf, code, s, e, msg);
  });
  return err ?? { ok: true, msg };
}

/** Walk the options in `buf[start, end)`; each step consumes at least 4 bytes. */
function walk(
  buf: Buffer,
  start: number,
  end: number,
  each: (code: number, s: number, e: number) => void,
): Fail | undefined {
  let p = start;
  while (p < end) {
    if (p + 4 > end)
      return { ok: false, code: DhcpError.BAD_OPTION, detail: `option header at +${p - start} cut short` };
    const code = buf.readUInt16BE(p);
    const l = buf.readUInt16BE(p + 2);
    if (p + 4 + l > end)
      return {
        ok: false,
        code: DhcpError.BAD_OPTION,
        detail: `option ${code} of ${l} bytes runs past the end`,
      };
    each(code, p + 4, p + 4 + l);
    p += 4 + l;
  }
  return undefined;
}

function option(buf: Buffer, code: number, s: number, e: number, msg: Dhcp6Message): void {
  switch (code) {
    case Opt6.CLIENTID: {
      msg.clientDuid = hex(buf, s, e);
      const mac = duidMac(buf, s, e);
      if (mac) msg.clientDuidMac = mac;
      break;
    }
    case Opt6.SERVERID:
      msg.serverDuid = hex(buf, s, e);
      break;
    case Opt6.ORO: {
      const oro: number[] = [];
      for (let p = s; p + 2 <= e && oro.length < 64; p += 2) oro.push(buf.readUInt16BE(p));
      msg.oro = oro;
      break;
    }
    case Opt6.VENDOR_CLASS:
      // enterprise-number(4), then length-prefixed opaque data (§21.16); the first is enough.
      if (e - s >= 4) {
        const n = e - s >= 6 ? buf.readUInt16BE(s + 4) : 0;
        const data = e - s >= 6 + n ? cleanText(buf, s + 6, s + 6 + n, MAX_TEXT) : '';
        msg.vendorClass = { enterprise: buf.readUInt32BE(s), data };
      }
      break;
    case Opt6.USER_CLASS:
      if (e - s >= 2) {
        const n = buf.readUInt16BE(s);
        if (s + 2 + n <= e) msg.userClass = cleanText(buf, s + 2, s + 2 + n, MAX_TEXT);
      }
      break;
    case Opt6.CLIENT_FQDN:
      // RFC 4704 §4: flags(1) then a wire-format name, possibly partial (no root label).
      if (e - s >= 2) {
        const n = readName(buf, s + 1, e, s + 1);
        if (n.ok && n.name !== '.') msg.fqdn = n.name;
        else if (!n.ok && n.code === 'truncated') msg.fqdn = partialName(buf, s + 1, e);
      }
      break;
    case Opt6.IA_NA:
    case Opt6.IA_TA: {
      // IA_NA: IAID(4) T1(4) T2(4); IA_TA: IAID(4); then options, of which IAADDR matters.
      const inner = s + (code === Opt6.IA_NA ? 12 : 4);
      if (inner > e) break;
      walk(buf, inner, e, (c, a, b) => {
        if (c === Opt6.IAADDR && b - a >= 24 && msg.addresses.length < MAX_LIST)
          msg.addresses.push(ipv6FromBytes(buf, a));
      });
      break;
    }
  }
}

/** RFC 8415 §11.2 (LLT: type, hw type, time, address) and §11.4 (LL: type, hw type, address). */
function duidMac(buf: Buffer, s: number, e: number): string | undefined {
  if (e - s < 4 || buf.readUInt16BE(s + 2) !== 1) return undefined;
  const type = buf.readUInt16BE(s);
  const at = type === DUID_LLT ? s + 8 : type === DUID_LL ? s + 4 : -1;
  return at > 0 && e - at === 6 ? macFromBytes(buf, at) : undefined;
}

/** A partial name (labels without the closing root, RFC 4704 §4.2), bounded by the option. */
function partialName(buf: Buffer, s: number, e: number): string | undefined {
  const labels: string[] = [];
  let p = s;
  while (p < e && labels.length < 128) {
    const l = buf[p]!;
    if (l === 0 || l > 63 || p + 1 + l > e) break;
    labels.push(cleanText(buf, p + 1, p + 1 + l, 63));
    p += 1 + l;
  }
  return labels.length > 0 ? labels.join('.') : undefined;
}

function hex(buf: Buffer, s: number, e: number): string {
  return buf.toString('hex', s, Math.min(e, s + 64)).replace(/(..)(?!$)/g, '$1:');
}
