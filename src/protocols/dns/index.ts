/**
 * DNS (udp/tcp 53), mDNS (udp 5353) and LLMNR (udp 5355) analyzers: one parser, three
 * descriptors, turning answers into `asset.observed` facts.
 *
 * Specs: RFC 1035 (DNS), RFC 7766 §6.2.1 (DNS over TCP framing), RFC 6762 / RFC 6763 (mDNS,
 * DNS-SD), RFC 4795 (LLMNR). What each fact is about:
 * - DNS response: A/AAAA records name the address they carry (`at.ip` = the address, never the
 *   server); reverse PTR records name the address in their owner name; the responder is a
 *   `dns-server`. No MAC: unicast DNS is routed, the frame's MAC is often a router's.
 * - mDNS response: A/AAAA as above (with the sender's MAC when the address is the sender's);
 *   DNS-SD services, instance names and TXT identity keys (model, vendor) are the responder's.
 * - LLMNR response: the responder answers only for its own name (RFC 4795 §2.1), so the name is
 *   the sender's as well as the answered address's.
 * - DNS UPDATE request (RFC 2136 §2.5.1): an A/AAAA record added in the update section names
 *   its address (Windows and DHCP servers register hosts this way).
 * Other queries carry no identity and emit nothing; mDNS goodbyes (TTL 0, RFC 6762 §10.1)
 * withdraw a record and are skipped. Not handled: UPDATE prerequisites and deletions, zone
 * transfers beyond their A/AAAA/PTR records, DNSSEC, EDNS options, mDNS probes' tentative
 * records.
 */
import type { Packet } from '../../capture/packet.js';
import type { AssetFacts, Endpoint } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { sender, senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import { DnsOpcode, DnsType, Port, SERVICE_ROLE, TXT_FACT } from './consts.js';
import { type DnsMessage, measureTcpDns, parseDns, reverseNameToIp } from './parse.js';

type Flavor = 'dns' | 'mdns' | 'llmnr';

const CLASS_IN = 1;

export const dnsUdp: AnalyzerDescriptor = {
  name: 'dns',
  transport: 'udp',
  ports: [Port.DNS],
  create: (ctx) => createDns(ctx, 'dns', false),
};

export const dnsTcp: AnalyzerDescriptor = {
  name: 'dns',
  transport: 'tcp',
  ports: [Port.DNS],
  create: (ctx) => createDns(ctx, 'dns', true),
};

export const mdns: AnalyzerDescriptor = {
  name: 'mdns',
  transport: 'udp',
  ports: [Port.MDNS],
  create: (ctx) => createDns(ctx, 'mdns', false),
};

export const llmnr: AnalyzerDescriptor = {
  name: 'llmnr',
  transport: 'udp',
  ports: [Port.LLMNR],
  create: (ctx) => createDns(ctx, 'llmnr', false),
};

function createDns(ctx: AnalyzerContext, flavor: Flavor, tcp: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, flavor);
  const onMessage = (buf: Buffer, off: number, len: number): void => {
    const r = parseDns(buf, off, len);
    if (!r.ok) {
      out.anomaly(`${flavor}.${r.code}`, r.detail);
      return;
    }
    if (!r.msg.response) {
      if (flavor === 'dns' && r.msg.opcode === DnsOpcode.UPDATE) updateFacts(out, r.msg);
      return;
    }
    if (r.msg.rcode !== 0) return;
    if (flavor === 'dns') dnsFacts(out, r.msg, ctx.packet);
    else if (flavor === 'mdns') mdnsFacts(out, r.msg, ctx.packet);
    else llmnrFacts(out, r.msg, ctx.packet);
  };
  if (!tcp) return { data: (_dir, buf, off, len) => onMessage(buf, off, len) };
  const framer = (): StreamFramer =>
    new StreamFramer(
      measureTcpDns,
      (buf, off, len) => onMessage(buf, off + 2, len - 2),
      (_error, detail) => out.anomaly(`${flavor}.too_large`, detail),
      2 + 0xffff,
    );
  // Lengths carry no sync marker: after lost bytes this direction cannot be followed again.
  return framedStreams(framer);
}

function dnsFacts(out: FlowEmitter, msg: DnsMessage, p: Packet): void {
  // Only an answer from port 53 shows a server; a response sent to port 53 shows nothing.
  const server = p.srcPort === Port.DNS ? senderIp(p) : undefined;
  if (server !== undefined) out.asset({ ip: server }, { roleHint: 'dns-server' });
  const alias = aliasOf(msg);
  for (const r of msg.records) {
    if (r.cls !== CLASS_IN) continue;
    if (r.data.kind === 'address') {
      const facts: AssetFacts = { name: r.name };
      const a = r.section === 'answer' ? alias.get(r.name.toLowerCase()) : undefined;
      if (a !== undefined) facts['dns.alias'] = a;
      out.asset({ ip: r.data.ip }, facts, true);
    } else if (r.type === DnsType.PTR && r.data.kind === 'name') {
      const ip = reverseNameToIp(r.name);
      if (ip !== undefined) out.asset({ ip }, { name: r.data.name }, true);
    }
  }
}

/**
 * Names reached from the question through the answer's CNAME chain, mapped to the question name
 * (`mail.example.com CNAME mx.example.net A ...`: the address is also `mail.example.com`).
 */
function aliasOf(msg: DnsMessage): Map<string, string> {
  const out = new Map<string, string>();
  const q = msg.questions[0]?.name;
  if (q === undefined) return out;
  let name = q.toLowerCase();
  // A chain longer than a few links is abuse; RFC 1034 §3.6.2 expects short ones.
  for (let hops = 0; hops < 8; hops++) {
    const link = msg.records.find(
      (r) => r.section === 'answer' && r.type === DnsType.CNAME && r.name.toLowerCase() === name,
    );
    if (link === undefined || link.data.kind !== 'name') break;
    name = link.data.name.toLowerCase();
    out.set(name, q);
  }
  return out;
}

/** RFC 2136 §2.5.1: "add to an RRset" records carry the zone class and a TTL; deletions do not. */
function updateFacts(out: FlowEmitter, msg: DnsMessage): void {
  for (const r of msg.records) {
    if (r.section === 'authority' && r.cls === CLASS_IN && r.ttl > 0 && r.data.kind === 'address') {
      out.asset({ ip: r.data.ip }, { name: r.name }, true);
    }
  }
}

function mdnsFacts(out: FlowEmitter, msg: DnsMessage, p: Packet): void {
  const me = sender(p);
  const own: AssetFacts = {};
  // service type → instance names; a type seen only through enumeration has none.
  const services = new Map<string, Set<string>>();
  const service = (name: string, enumerated: boolean): void => {
    const svc = splitServiceName(enumerated ? `x.${name}` : name);
    if (!svc) return;
    const set = services.get(svc.service) ?? new Set<string>();
    services.set(svc.service, set);
    if (!enumerated && svc.instance !== undefined) set.add(svc.instance);
  };
  for (const r of msg.records) {
    const d = r.data;
    // A goodbye (TTL 0) withdraws the record; it says nothing current.
    if (r.ttl === 0) continue;
    if (d.kind === 'address') out.asset(local(me, d.ip), { name: r.name }, true);
    else if (r.type === DnsType.PTR && d.kind === 'name') {
      // `_services._dns-sd._udp` enumerates service types (RFC 6763 §9); other PTRs name instances.
      service(d.name, r.name.toLowerCase().startsWith('_services._dns-sd._udp.'));
    } else if (d.kind === 'srv') service(r.name, false);
    else if (d.kind === 'txt') {
      for (const s of d.strings) {
        const eq = s.indexOf('=');
        if (eq <= 0 || eq === s.length - 1) continue;
        const key = TXT_FACT[s.slice(0, eq).toLowerCase()];
        if (key !== undefined && own[key] === undefined) own[key] = s.slice(eq + 1);
      }
    } else if (d.kind === 'hinfo') own['mdns.hinfo'] = `${d.cpu} / ${d.os}`;
  }
  for (const [svc, instances] of services) {
    if (instances.size === 0) serviceFacts(out, me, svc, undefined);
    for (const inst of instances) serviceFacts(out, me, svc, inst);
  }
  if (Object.keys(own).length > 0) out.asset(me, own);
}

function serviceFacts(out: FlowEmitter, me: Endpoint, service: string, instance: string | undefined): void {
  const facts: AssetFacts = { 'mdns.service': service };
  const role = SERVICE_ROLE[service.slice(0, service.indexOf('.'))];
  if (role !== undefined) facts.roleHint = role;
  if (instance !== undefined) facts['mdns.instance'] = instance;
  out.asset(me, facts, true);
}

function llmnrFacts(out: FlowEmitter, msg: DnsMessage, p: Packet): void {
  const me = sender(p);
  for (const r of msg.records) {
    if (r.section !== 'answer' || r.data.kind !== 'address') continue;
    if (r.data.ip !== me.ip) out.asset({ ip: r.data.ip }, { name: r.name }, true);
    out.asset(me, { name: r.name }, true);
  }
}

/** `Instance._svc._tcp.local` → service `_svc._tcp` and the instance's display name. */
export function splitServiceName(name: string): { service: string; instance?: string } | undefined {
  const m = /^(?:(.*)\.)?(_[^.]+)\.(_tcp|_udp)\..+$/i.exec(name);
  if (!m) return undefined;
  const service = `${m[2]}.${m[3]}`.toLowerCase();
  const inst = m[1];
  // Subtype PTRs (`_printer._sub._http._tcp`, RFC 6763 §7.1) name no instance.
  if (inst === undefined || inst.endsWith('._sub') || inst.startsWith('_')) return { service };
  return { service, instance: inst.replace(/\\\./g, '.').replace(/\\\\/g, '\\') };
}

/** An address from a local-scope record: with the sender's MAC when it is the sender's own. */
function local(me: Endpoint, ip: string): Endpoint {
  return ip === me.ip ? me : { ip };
}
