/**
 * Where EtherNet/IP identity goes: on the device that sent the reply.
 *
 * The subject is the reply's sender IP, with its MAC only when the frame crossed no router (its
 * TTL is one a stack starts with: 32, 64, 128, 255 — the inventory reads hops the same way).
 * Identity a reply relays from a module behind the sender (an Unconnected Send route, a
 * connection path through a backplane: CIP Vol 1 §3-5.5, Appendix C-1.4.2) is that module's, not
 * the relaying interface's: it goes on the IP alone and says its route in `enip.route`.
 */
import { L3, type Packet } from '../../capture/packet.js';
import { macToString } from '../../events/format.js';
import type { AssetFacts, Endpoint } from '../../events/types.js';
import type { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';

/** TTLs senders start with: seen as is, the frame crossed no router and its MAC is the sender's. */
function onLink(p: Packet): boolean {
  return p.ttl === 64 || p.ttl === 128 || p.ttl === 255 || p.ttl === 32;
}

/** Emit identity `facts` (and the separate `status` facts) for the sender of packet `p`. */
export function identityAt(
  out: FlowEmitter,
  p: Packet,
  facts: AssetFacts,
  status: AssetFacts | undefined,
  route: string | undefined,
): void {
  const ip = senderIp(p);
  if (ip === undefined) return;
  const at: Endpoint = { ip };
  if (route === undefined && p.srcMac >= 0 && p.l3 !== L3.None && onLink(p)) at.mac = macToString(p.srcMac);
  if (p.vlan >= 0) at.vlan = p.vlan;
  if (route !== undefined) {
    facts['enip.route'] = route;
    if (status !== undefined) status['enip.route'] = route;
  }
  out.asset(at, facts);
  if (status !== undefined) out.asset(at, status);
}
