/**
 * ARP analyzer (EtherType 0x0806): MAC ↔ IPv4 bindings as `asset.observed` with the binding in
 * `at` and no further facts.
 *
 * Spec: RFC 826; RFC 5227 §2.1.1, §3 (probes and announcements). A request, a reply and a
 * gratuitous announcement all state the sender's own MAC and IP; a probe (sender IP 0.0.0.0)
 * binds nothing. The target fields are not used: in a request they are unknown, in a reply
 * they repeat the requester, which its own request already showed.
 * Anomalies: `arp.bad_length`, `arp.bad_header`, `arp.bad_sender` (a multicast or zero sender
 * MAC, never a real interface), `arp.sender_mismatch` (the frame's source MAC is not the ARP
 * sender MAC: proxying bridges do it, so does ARP spoofing).
 * Not handled: RARP, InARP, non-Ethernet hardware, conflict detection across flows (the
 * inventory sees every binding and does that).
 */
import { macToString } from '../../events/format.js';
import type { Endpoint } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { ArpOp, ETHERTYPE_ARP } from './consts.js';
import { parseArp } from './parse.js';

export const arp: AnalyzerDescriptor = {
  name: 'arp',
  transport: 'l2',
  ethertypes: [ETHERTYPE_ARP],
  create: createArp,
};

function createArp(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'arp');
  return {
    data(_dir, buf, off, len) {
      const r = parseArp(buf, off, len);
      if (!r.ok) {
        out.anomaly(`arp.${r.code}`, r.detail);
        return;
      }
      const { op, eth } = r.msg;
      if (!eth || (op !== ArpOp.REQUEST && op !== ArpOp.REPLY)) return;
      const first = Number.parseInt(eth.senderMac.slice(0, 2), 16);
      if (first & 1 || eth.senderMac === '00:00:00:00:00:00') {
        out.anomaly('arp.bad_sender', `sender MAC ${eth.senderMac} for ${eth.senderIp}`);
        return;
      }
      const p = ctx.packet;
      if (p.srcMac >= 0) {
        const frameSrc = macToString(p.srcMac);
        if (frameSrc !== eth.senderMac) {
          out.anomaly(
            'arp.sender_mismatch',
            `frame from ${frameSrc} says ${eth.senderIp} is at ${eth.senderMac}`,
          );
        }
      }
      // RFC 5227 §2.1.1: a probe's sender IP is 0.0.0.0, it claims nothing yet.
      if (eth.senderIp === '0.0.0.0') return;
      const at: Endpoint = { mac: eth.senderMac, ip: eth.senderIp };
      if (p.vlan >= 0) at.vlan = p.vlan;
      out.asset(at, {});
    },
  };
}
