/**
 * NetBIOS Name Service analyzer (udp 137): Windows and embedded-Windows hosts (HMIs,
 * engineering workstations, historians) naming themselves, as `asset.observed`.
 *
 * Spec: RFC 1001 / RFC 1002 (§4.2.2 registration, §4.2.13 positive query response, §4.2.18
 * node status response). What each fact is about:
 * - Registration / refresh requests: the sender registers its own names at the address in the
 *   NB record.
 * - Positive query responses: the answered name belongs to the address in the answer (the
 *   responder may be a WINS server answering for another host, so the frame's MAC is used
 *   only when the address is the sender's own).
 * - Node status (NBSTAT) responses: the responder's whole name table, and its unit id (the
 *   adapter MAC) as `at.mac`.
 * Facts: `name` and `nbns.name` (unique <00>/<20> names), `nbns.group` (the workgroup or domain,
 * group <00>), `nbns.domain` with roleHint `domain-controller` (<1B> unique, <1C> group).
 * Queries, releases, WACKs and negative responses say nothing about identity. Not handled:
 * NetBIOS datagram (138) and session (139) services.
 */
import { L3, type Packet } from '../../capture/packet.js';
import type { AssetFacts, Endpoint } from '../../events/types.js';
import type { AnalyzerDescriptor } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { sender } from '../endpoint.js';
import { NbOpcode, PORT_NBNS, REGISTERING_OPCODES, Suffix } from './consts.js';
import { type NbnsMessage, parseNbns } from './parse.js';

export const nbns: AnalyzerDescriptor = {
  name: 'nbns',
  transport: 'udp',
  ports: [PORT_NBNS],
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'nbns');
    return {
      data(_dir, buf, off, len) {
        const r = parseNbns(buf, off, len);
        if (!r.ok) out.anomaly(`nbns.${r.code}`, r.detail);
        else nbnsFacts(out, r.msg, ctx.packet);
      },
    };
  },
};

type Named = { name: string; suffix: number; group: boolean };

function nbnsFacts(out: FlowEmitter, msg: NbnsMessage, p: Packet): void {
  const me = sender(p);
  // NetBIOS over TCP/IP is IPv4 only (RFC 1001): over IPv6 the sender's address names nothing.
  const myIp = p.l3 === L3.IPv4 ? me.ip : undefined;
  // Names per address, gathered over the message so each address gets one event.
  const byIp = new Map<string, Named[]>();
  const add = (ip: string, n: Named): void => {
    if (ip === '0.0.0.0' || ip === '255.255.255.255') return;
    const list = byIp.get(ip) ?? [];
    byIp.set(ip, list);
    list.push(n);
  };
  if (!msg.response) {
    if (!REGISTERING_OPCODES.has(msg.opcode)) return;
    for (const r of msg.records) {
      if (r.section !== 'additional' || r.data.kind !== 'nb') continue;
      for (const e of r.data.entries) add(e.ip, { name: r.name.name, suffix: r.name.suffix, group: e.group });
    }
  } else {
    if (msg.rcode !== 0 || msg.opcode !== NbOpcode.QUERY) return;
    for (const r of msg.records) {
      if (r.section !== 'answer') continue;
      if (r.data.kind === 'nb') {
        for (const e of r.data.entries)
          add(e.ip, { name: r.name.name, suffix: r.name.suffix, group: e.group });
      } else if (r.data.kind === 'nbstat' && myIp !== undefined) {
        const facts = factsOf(r.data.names);
        if (Object.keys(facts).length === 0) continue;
        const at: Endpoint = { ip: myIp };
        const unit = r.data.unitId;
        // The unit id is the adapter's MAC; a zero or multicast one is a stack that fills in nothing.
        const validUnit =
          unit !== undefined &&
          unit !== '00:00:00:00:00:00' &&
          (Number.parseInt(unit.slice(0, 2), 16) & 1) === 0;
        if (validUnit) at.mac = unit;
        else if (me.mac !== undefined) at.mac = me.mac;
        if (at.mac === me.mac && me.vlan !== undefined) at.vlan = me.vlan;
        out.asset(at, facts);
      }
    }
  }
  for (const [ip, names] of byIp) {
    const facts = factsOf(names);
    if (Object.keys(facts).length > 0) out.asset(ip === myIp ? me : { ip }, facts);
  }
}

/** Facts from a set of NetBIOS names (suffix conventions in consts.ts). */
function factsOf(names: readonly Named[]): AssetFacts {
  const facts: AssetFacts = {};
  for (const n of names) {
    if (n.name === '' || n.name === '*') continue;
    if (!n.group && (n.suffix === Suffix.WORKSTATION || n.suffix === Suffix.SERVER)) {
      facts.name ??= n.name;
      facts['nbns.name'] ??= n.name;
    } else if (n.group && n.suffix === Suffix.WORKSTATION) facts['nbns.group'] ??= n.name;
    else if (
      (n.group && n.suffix === Suffix.DOMAIN_CONTROLLERS) ||
      (!n.group && n.suffix === Suffix.DOMAIN_MASTER_BROWSER)
    ) {
      facts.roleHint = 'domain-controller';
      facts['nbns.domain'] ??= n.name;
    }
  }
  return facts;
}
