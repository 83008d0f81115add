/**
 * DHCPv4 / BOOTP (udp 67/68) and DHCPv6 (udp 546/547) analyzers: client identity and leases as
 * `asset.observed`.
 *
 * Specs: RFC 2131, RFC 2132, RFC 951 (BOOTP, still used to address PLCs), RFC 8415 (DHCPv6).
 * What each fact is about:
 * - v4 client messages: the client (`at.mac` = chaddr, `at.ip` = ciaddr when set): host name
 *   (option 12, else the FQDN of option 81), vendor class (60) and the vendor/role it names,
 *   the parameter request list (55) as `dhcp.fingerprint`, client id (61), user class (77).
 *   Vendor class in server replies is ignored: it is the server echoing, not the client.
 * - v4 ACK or BOOTP reply: the client's lease (chaddr ↔ yiaddr, or ciaddr for an INFORM ACK).
 *   OFFER/ACK/NAK/BOOTP reply: the server is a `dhcp-server`; an ACK's routers (3) and DNS
 *   servers (6) are `router` / `dns-server`.
 * - v6 client messages: the sender (its link-local address and MAC; the relay's peer address
 *   when relayed): DUID, FQDN (39), vendor class (16), ORO (6) as `dhcpv6.fingerprint`.
 *   A Reply's IA addresses are the client's (the frame's destination MAC when not relayed).
 * The VLAN is kept only when the client is on the captured link (no relay).
 * Not handled: lease times and expiry, DHCP relay agent information, IA_PD prefixes, DHCPv4
 * over DHCPv6, failover and leasequery (message types 10–18 are accepted and ignored).
 */
import type { Packet } from '../../capture/packet.js';
import { macToString } from '../../events/format.js';
import type { AssetFacts, Endpoint } from '../../events/types.js';
import type { AnalyzerDescriptor, AnalyzerInstance, ProbeResult } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { sender, senderIp } from '../endpoint.js';
import {
  BootOp,
  CLIENT_MSG6,
  FIXED_LEN,
  MAGIC_COOKIE,
  MAX_MESSAGE_TYPE,
  MessageType,
  Msg6,
  Port4,
  Port6,
  VENDOR_CLASS_HINTS,
} from './consts.js';
import { type DhcpMessage, parseDhcp } from './parse.js';
import { type Dhcp6Message, parseDhcp6 } from './parse6.js';

export const dhcp: AnalyzerDescriptor = {
  name: 'dhcp',
  transport: 'udp',
  ports: [Port4.SERVER, Port4.CLIENT],
  probe: probeDhcp,
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'dhcp');
    return {
      data(_dir, buf, off, len) {
        const r = parseDhcp(buf, off, len);
        if (!r.ok) out.anomaly(`dhcp.${r.code}`, r.detail);
        else dhcpFacts(out, r.msg, ctx.packet);
      },
    };
  },
};

export const dhcpv6: AnalyzerDescriptor = {
  name: 'dhcpv6',
  transport: 'udp',
  ports: [Port6.SERVER, Port6.CLIENT],
  create: (ctx): AnalyzerInstance => {
    const out = new FlowEmitter(ctx, 'dhcpv6');
    return {
      data(_dir, buf, off, len) {
        const r = parseDhcp6(buf, off, len);
        if (!r.ok) out.anomaly(`dhcpv6.${r.code}`, r.detail);
        else dhcp6Facts(out, r.msg, ctx.packet);
      },
    };
  },
};

/** Strict and cheap: BOOTP op, a sane hardware length, and the magic cookie at offset 236. */
function probeDhcp(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < FIXED_LEN + 4) return 'no';
  const op = buf[off]!;
  if ((op !== BootOp.REQUEST && op !== BootOp.REPLY) || buf[off + 2]! > 16) return 'no';
  return buf.readUInt32BE(off + FIXED_LEN) === MAGIC_COOKIE ? 'yes' : 'no';
}

function dhcpFacts(out: FlowEmitter, m: DhcpMessage, p: Packet): void {
  if (m.messageType > MAX_MESSAGE_TYPE) {
    out.anomaly('dhcp.bad_message_type', `message type ${m.messageType}`);
    return;
  }
  const relayed = m.giaddr !== '0.0.0.0';
  const client = (ip: string | undefined): Endpoint | undefined => {
    const at: Endpoint = {};
    if (m.chaddr !== undefined) at.mac = m.chaddr;
    if (ip !== undefined && ip !== '0.0.0.0') at.ip = ip;
    if (at.mac === undefined && at.ip === undefined) return undefined;
    if (!relayed && p.vlan >= 0) at.vlan = p.vlan;
    return at;
  };
  const o = m.options;
  if (m.op === BootOp.REQUEST) {
    const at = client(m.ciaddr);
    if (!at) return;
    const facts: AssetFacts = {};
    const name = o.hostname || o.fqdn;
    if (name) facts.name = name;
    if (o.hostname) facts['dhcp.hostname'] = o.hostname;
    if (o.fqdn) facts['dhcp.fqdn'] = o.fqdn;
    if (o.vendorClass) {
      facts['dhcp.vendor_class'] = o.vendorClass;
      vendorHints(o.vendorClass, facts);
    }
    if (o.paramList) facts['dhcp.fingerprint'] = o.paramList.join(',');
    if (o.clientId) facts['dhcp.client_id'] = o.clientId;
    if (o.userClass) facts['dhcp.user_class'] = o.userClass;
    // A bare MAC with nothing said about it is not worth an event.
    if (at.ip !== undefined || Object.keys(facts).length > 0) out.asset(at, facts);
    return;
  }
  const t = m.messageType;
  const sender = senderIp(p);
  const serverIp = o.serverId ?? sender;
  if (t === MessageType.ACK || (t === MessageType.BOOTP && !m.dhcp)) {
    const at = client(m.yiaddr !== '0.0.0.0' ? m.yiaddr : m.ciaddr);
    if (at?.ip !== undefined) {
      const facts: AssetFacts = {};
      if (serverIp !== undefined) facts['dhcp.server'] = serverIp;
      if (o.hostname) facts['dhcp.hostname'] = o.hostname;
      if (o.domain) facts['dhcp.domain'] = o.domain;
      out.asset(at, facts);
    }
  }
  if (t === MessageType.OFFER || t === MessageType.ACK || t === MessageType.NAK || !m.dhcp) {
    if (serverIp !== undefined) {
      const at: Endpoint = { ip: serverIp };
      // The frame's MAC is the server's only when it sent from its own address on this link.
      if (!relayed && serverIp === sender && p.srcMac >= 0) {
        at.mac = macToString(p.srcMac);
        if (p.vlan >= 0) at.vlan = p.vlan;
      }
      out.asset(at, { roleHint: 'dhcp-server' });
    }
  }
  if (t === MessageType.ACK) {
    for (const ip of o.routers ?? []) out.asset({ ip }, { roleHint: 'router' });
    for (const ip of o.dnsServers ?? []) out.asset({ ip }, { roleHint: 'dns-server' });
  }
}

function vendorHints(vendorClass: string, facts: AssetFacts): void {
  const hint = VENDOR_CLASS_HINTS.find((h) => h.re.test(vendorClass));
  if (!hint) return;
  facts.vendor = hint.vendor;
  if (hint.roleHint) facts.roleHint = hint.roleHint;
}

function dhcp6Facts(out: FlowEmitter, m: Dhcp6Message, p: Packet): void {
  const outer = m.relays[0];
  const relayed = outer !== undefined;
  if (CLIENT_MSG6.has(m.msgType)) {
    let at: Endpoint;
    if (relayed) {
      // The innermost relay is the client's first hop: its peer address is the client.
      const first = m.relays[m.relays.length - 1]!;
      at = { ip: first.peerAddress };
      if (first.clientLinkLayer) at.mac = first.clientLinkLayer;
    } else at = sender(p);
    const facts: AssetFacts = {};
    if (m.fqdn) {
      facts.name = m.fqdn;
      facts['dhcpv6.fqdn'] = m.fqdn;
    }
    if (m.clientDuid) facts['dhcpv6.duid'] = m.clientDuid;
    if (m.vendorClass) {
      facts['dhcpv6.vendor_class'] = `${m.vendorClass.enterprise}:${m.vendorClass.data}`;
      vendorHints(m.vendorClass.data, facts);
    }
    if (m.oro) facts['dhcpv6.fingerprint'] = m.oro.join(',');
    if (m.userClass) facts['dhcpv6.user_class'] = m.userClass;
    out.asset(at, facts);
    return;
  }
  if (m.msgType !== Msg6.ADVERTISE && m.msgType !== Msg6.REPLY) return;
  // Relayed, the frame came from the server through routers: only its address is its own.
  const server = relayed ? senderIp(p) : undefined;
  if (!relayed) out.asset(sender(p), { roleHint: 'dhcp-server' });
  else if (server !== undefined) out.asset({ ip: server }, { roleHint: 'dhcp-server' });
  if (m.msgType !== Msg6.REPLY) return;
  // A unicast destination MAC on the client's own link is the client's.
  const dstMac =
    !relayed && p.dstMac >= 0 && Math.floor(p.dstMac / 0x10000000000) % 2 === 0
      ? macToString(p.dstMac)
      : undefined;
  for (const ip of m.addresses) {
    const at: Endpoint = { ip };
    if (dstMac) at.mac = dstMac;
    if (!relayed && p.vlan >= 0) at.vlan = p.vlan;
    out.asset(at, m.clientDuid ? { 'dhcpv6.duid': m.clientDuid } : {});
  }
}
