/**
 * DHCPv4 / BOOTP message parser.
 *
 * Spec: RFC 2131 §2 (fixed header), §4.1 (option overload order: options, then file, then
 * sname); RFC 951 (BOOTP without options); RFC 2132 (options decoded: 3, 6, 12, 15, 50, 51,
 * 52, 53, 54, 55, 56, 60, 61); RFC 3396 (an option split across instances is concatenated);
 * RFC 4702 §2 (FQDN, option 81: wire or ASCII name); RFC 3004 (user class 77, read as text).
 *
 * Pure: bytes in, a message or an error value out; never throws.
 * Not parsed: other options (their codes are listed in `optionCodes`), relay agent
 * sub-options (RFC 3046), vendor-specific option 43 contents, sname/file as strings.
 */
import { ipv4FromBytes, macFromBytes } from '../../events/format.js';
import { cleanText, readName } from '../dns/name.js';
import {
  BootOp,
  DhcpError,
  type DhcpErrorCode,
  FIXED_LEN,
  HTYPE_ETHERNET,
  MAGIC_COOKIE,
  MAX_LIST,
  MAX_TEXT,
  OFF_CHADDR,
  OFF_CIADDR,
  OFF_FILE,
  OFF_GIADDR,
  OFF_SIADDR,
  OFF_SNAME,
  OFF_YIADDR,
  Opt,
} from './consts.js';

export interface DhcpOptions {
  /** Codes in the order they appeared (the order itself fingerprints clients). */
  codes: number[];
  messageType?: number;
  hostname?: string;
  domain?: string;
  requestedIp?: string;
  serverId?: string;
  leaseTime?: number;
  paramList?: number[];
  vendorClass?: string;
  /** Option 61 as colon-separated hex (type byte first). */
  clientId?: string;
  userClass?: string;
  fqdn?: string;
  routers?: string[];
  dnsServers?: string[];
  message?: string;
}

export interface DhcpMessage {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** chaddr as a MAC when htype is Ethernet and hlen 6, else undefined. */
  chaddr?: string;
  /** False for plain BOOTP: no magic cookie and an empty or zeroed vendor area. */
  dhcp: boolean;
  /** Option 53, or 0 (plain BOOTP) when absent. */
  messageType: number;
  options: DhcpOptions;
}

export type DhcpParse = { ok: true; msg: DhcpMessage } | { ok: false; code: DhcpErrorCode; detail: string };

function fail(code: DhcpErrorCode, detail: string): DhcpParse {
  return { ok: false, code, detail };
}

/** Parse the DHCP/BOOTP message in `buf[off, off + len)`. */
export function parseDhcp(buf: Buffer, off: number, len: number): DhcpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < FIXED_LEN)
    return fail(DhcpError.TOO_SHORT, `${end - off} bytes, header needs ${FIXED_LEN}`);
  const op = buf[off]!;
  if (op !== BootOp.REQUEST && op !== BootOp.REPLY) return fail(DhcpError.BAD_OP, `op ${op}`);
  const htype = buf[off + 1]!;
  const hlen = buf[off + 2]!;
  const msg: DhcpMessage = {
    op,
    htype,
    hlen,
    hops: buf[off + 3]!,
    xid: buf.readUInt32BE(off + 4),
    flags: buf.readUInt16BE(off + 10),
    ciaddr: ipv4FromBytes(buf, off + OFF_CIADDR),
    yiaddr: ipv4FromBytes(buf, off + OFF_YIADDR),
    siaddr: ipv4FromBytes(buf, off + OFF_SIADDR),
    giaddr: ipv4FromBytes(buf, off + OFF_GIADDR),
    dhcp: false,
    messageType: 0,
    options: { codes: [] },
  };
  if (htype === HTYPE_ETHERNET && hlen === 6) msg.chaddr = macFromBytes(buf, off + OFF_CHADDR);
  const vend = off + FIXED_LEN;
  if (end - vend < 4 || buf.readUInt32BE(vend) !== MAGIC_COOKIE) {
    // RFC 951 BOOTP: a vendor area that is absent or all zeros is fine; anything else is not DHCP.
    for (let i = vend; i < end; i++) {
      if (buf[i] !== 0)
        return fail(
          DhcpError.BAD_MAGIC,
          `vendor area starts 0x${buf.toString('hex', vend, Math.min(end, vend + 4))}`,
        );
    }
    return { ok: true, msg };
  }
  msg.dhcp = true;
  // Slices per option code, joined once at the end (joining on every repeat would be quadratic).
  const raw = new Map<number, Buffer[]>();
  let err = walkOptions(buf, vend + 4, end, raw, msg.options.codes, 'options');
  if (err) return fail(DhcpError.BAD_OPTION, err);
  const overload = raw.get(Opt.OVERLOAD)?.[0]?.[0] ?? 0;
  if (overload & 1) err = walkOptions(buf, off + OFF_FILE, off + FIXED_LEN, raw, msg.options.codes, 'file');
  if (!err && overload & 2)
    err = walkOptions(buf, off + OFF_SNAME, off + OFF_FILE, raw, msg.options.codes, 'sname');
  if (err) return fail(DhcpError.BAD_OPTION, err);
  decodeOptions(raw, msg.options);
  msg.messageType = msg.options.messageType ?? 0;
  return { ok: true, msg };
}

/**
 * Options in `buf[start, end)` into `raw` (repeats kept for concatenation, RFC 3396 §5); an error string
 * when an option runs past the area. Each step consumes at least one byte, so it ends.
 */
function walkOptions(
  buf: Buffer,
  start: number,
  end: number,
  raw: Map<number, Buffer[]>,
  codes: number[],
  area: string,
): string | undefined {
  let p = start;
  while (p < end) {
    const code = buf[p]!;
    if (code === Opt.PAD) {
      p++;
      continue;
    }
    if (code === Opt.END) return undefined;
    if (p + 1 >= end) return `${area}: option ${code} has no length`;
    const l = buf[p + 1]!;
    if (p + 2 + l > end) return `${area}: option ${code} of ${l} bytes runs past the end`;
    const v = buf.subarray(p + 2, p + 2 + l);
    const prev = raw.get(code);
    if (prev) prev.push(v);
    else raw.set(code, [v]);
    if (codes.length < 64) codes.push(code);
    p += 2 + l;
  }
  // No END option: tolerated, many embedded stacks omit it.
  return undefined;
}

function decodeOptions(raw: Map<number, Buffer[]>, o: DhcpOptions): void {
  for (const [code, parts] of raw) {
    const v = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    switch (code) {
      case Opt.MESSAGE_TYPE:
        if (v.length >= 1) o.messageType = v[0]!;
        break;
      case Opt.HOSTNAME:
        o.hostname = text(v);
        break;
      case Opt.DOMAIN:
        o.domain = text(v);
        break;
      case Opt.VENDOR_CLASS:
        o.vendorClass = text(v);
        break;
      case Opt.USER_CLASS:
        o.userClass = text(v);
        break;
      case Opt.MESSAGE:
        o.message = text(v);
        break;
      case Opt.REQUESTED_IP:
        if (v.length === 4) o.requestedIp = ipv4FromBytes(v, 0);
        break;
      case Opt.SERVER_ID:
        if (v.length === 4) o.serverId = ipv4FromBytes(v, 0);
        break;
      case Opt.LEASE_TIME:
        if (v.length === 4) o.leaseTime = v.readUInt32BE(0);
        break;
      case Opt.PARAM_LIST:
        o.paramList = [...v];
        break;
      case Opt.CLIENT_ID:
        if (v.length > 0) o.clientId = hex(v);
        break;
      case Opt.ROUTER:
        o.routers = addresses(v);
        break;
      case Opt.DNS:
        o.dnsServers = addresses(v);
        break;
      case Opt.FQDN:
        if (v.length > 3) {
          const f = fqdn(v);
          if (f) o.fqdn = f;
        }
        break;
    }
  }
}

function text(v: Buffer): string {
  return cleanText(v, 0, v.length, MAX_TEXT);
}

function hex(v: Buffer): string {
  return (v.length > 64 ? v.subarray(0, 64) : v).toString('hex').replace(/(..)(?!$)/g, '$1:');
}

function addresses(v: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= v.length && out.length < MAX_LIST; i += 4) out.push(ipv4FromBytes(v, i));
  return out;
}

/** RFC 4702 §2.3: flags(1) rcode1(1) rcode2(1) name; E bit (0x04) = canonical wire encoding. */
function fqdn(v: Buffer): string | undefined {
  if ((v[0]! & 0x04) === 0) return text(v.subarray(3)) || undefined;
  // A wire name here has no message to point into: a pointer is as bad as any other error.
  const n = readName(v, 3, v.length, 3);
  return n.ok && n.name !== '.' ? n.name : undefined;
}
