/**
 * Endpoints read from the packet an analyzer is handling: who sent it, as far as the packet
 * shows. Whether that sender is the subject of a fact is the analyzer's call (a routed
 * frame's MAC is a router's; a relayed message's sender is the relay).
 */
import { L3, type Packet } from '../capture/packet.js';
import { ipv4ToString, ipv6ToString, macToString } from '../events/format.js';
import type { Endpoint } from '../events/types.js';

/** The sender's IPv4 or IPv6 address, or undefined for a frame with no IP layer. */
export function senderIp(p: Packet): string | undefined {
  if (p.l3 === L3.IPv4) return ipv4ToString(p.src4);
  if (p.l3 === L3.IPv6) return ipv6ToString(p.src6[0]!, p.src6[1]!, p.src6[2]!, p.src6[3]!);
  return undefined;
}

/**
 * The sender as one device: its MAC, IP and VLAN, each when the packet has it. Right for
 * link-local traffic (ARP-like, mDNS, LLMNR, NBNS broadcasts, DHCP without relay, LLDP and CDP
 * frames), where MAC and IP belong to the same interface.
 */
export function sender(p: Packet): Endpoint {
  const e: Endpoint = {};
  if (p.srcMac >= 0) e.mac = macToString(p.srcMac);
  const ip = senderIp(p);
  if (ip !== undefined) e.ip = ip;
  if (p.vlan >= 0) e.vlan = p.vlan;
  return e;
}

/**
 * The station that sent the frame (its MAC, and VLAN when tagged), or undefined on a link
 * without MACs. Link-layer discovery (LLDP, CDP) speaks for this station only: addresses it
 * mentions may belong to other interfaces, so they stay facts.
 */
export function frameSource(p: Packet): Endpoint | undefined {
  if (p.srcMac < 0) return undefined;
  const e: Endpoint = { mac: macToString(p.srcMac) };
  if (p.vlan >= 0) e.vlan = p.vlan;
  return e;
}
